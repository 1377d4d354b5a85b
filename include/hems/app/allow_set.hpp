#pragma once

// lan.allow_set: which properties of which LAN appliances a set may change. ECHONET Lite has no
// authentication, so whoever may publish to <base>/<device>/set could otherwise write anything an
// appliance accepts (a water heater's, an EV charger's or a battery's settings included).
//
// Each pattern is "<device>/<property>", or "*" for everything:
//   device    a device id as in the topics ("living_ac", "00000b_2619b574_013001"), a device class
//             as four hex digits with or without 0x ("0x0130": every air conditioner), or "*"
//   property  a state key ("target_temperature"), an EPC as 0x and two hex digits ("0x80"), or "*"
// A key and the EPC it stands for are the same property: "operation_status" also allows "0x80".
// Without patterns (the key is absent) a set may change what the device's Home Assistant entities
// control; an empty list allows nothing. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/error.hpp"

namespace hems::app {

// The reason a refused property is given, in the set's answer and the log.
inline constexpr std::string_view kNotAllowedReason = "not allowed by lan.allow_set";

struct AllowPattern {
  enum class Device { any, id, device_class } device = Device::any;
  std::string device_id;         // Device::id
  std::uint16_t class_code = 0;  // Device::device_class
  enum class Property { any, key, epc } property = Property::any;
  std::string key;       // Property::key
  std::uint8_t epc = 0;  // Property::epc
};

// One pattern, checked against the ECHONET definitions (a key must name a property of some class,
// of that class when the pattern names one). The error says what is wrong with it.
Result<AllowPattern> parse_allow_pattern(std::string_view text);

// One property a set would change.
struct SetTarget {
  std::string_view device;  // the device's id in topics
  std::uint16_t class_code = 0;
  std::uint8_t epc = 0;
  // Whether one of the device's Home Assistant entities writes it (see ha::appliance_controls):
  // the rule when no patterns are configured.
  bool home_assistant_controls = false;
};

class AllowSet {
 public:
  // nullopt: the key is absent, the default applies. Patterns that do not parse allow nothing
  // (loading the config refuses them first).
  explicit AllowSet(const std::optional<std::vector<std::string>>& patterns = std::nullopt);

  bool uses_default() const { return !patterns_; }
  // "*" or "*/*" is among the patterns.
  bool allows_everything() const { return everything_; }
  bool allows(const SetTarget& target) const;

 private:
  std::optional<std::vector<AllowPattern>> patterns_;
  bool everything_ = false;
};

}  // namespace hems::app
