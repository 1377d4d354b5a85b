#pragma once

// The LAN side of the bridge, without I/O: the ECHONET Lite controller, the appliances it found
// with their decoded state, and the user's get, set and raw requests waiting for their answers.
// Datagrams, the time and requests go in; datagrams to send and domain events come out, in order.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/app/allow_set.hpp"
#include "hems/app/timed.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/lan/controller.hpp"

namespace hems::app {

// An object's device class (group and class, without the instance), as the definitions index it.
inline std::uint16_t class_code(const echonet::Eoj& eoj) {
  return static_cast<std::uint16_t>((eoj.group << 8) | eoj.cls);
}

namespace lan_link {
struct DeviceFound {  // a new device (`added`), or a known one at a new address
  std::string id;
  bool added = false;
};
struct StateChanged {  // the device's state object changed
  std::string id;
};
struct AvailabilityChanged {
  std::string id;
};
// The answer to a request: on <base>/<device>/response, or for a raw request (no device) on
// <base>/bridge/response/echonet.
struct Answered {
  std::optional<std::string> device;
  nlohmann::json transaction;
  bool ok = false;
  nlohmann::json data = nlohmann::json::object();
  std::string error;
};
// Once: the startup discovery rounds are over and every node found has been interrogated, so
// the devices known now are the ones present at start.
struct DiscoverySettled {};
struct Log {
  LogLevel level = LogLevel::debug;
  std::string text;
};
}  // namespace lan_link

using LanEvent = std::variant<lan::SendDatagram, lan_link::DeviceFound, lan_link::StateChanged,
                              lan_link::AvailabilityChanged, lan_link::Answered,
                              lan_link::DiscoverySettled, lan_link::Log>;

class LanLink final : public Timed {
 public:
  struct Device {
    lan::DeviceInfo info;
    nlohmann::json state = nlohmann::json::object();  // decoded values by property name
    bool online = false;
  };
  struct DeviceCount {
    std::size_t online = 0;
    std::size_t total = 0;
  };

  // `allow_set`: what sets and raw sets may change (lan.allow_set); the rest is refused unsent.
  explicit LanLink(lan::ControllerConfig config, AllowSet allow_set = AllowSet());

  void start(TimePoint now);  // discovery
  void on_datagram(const std::string& from, ByteView payload, TimePoint now);
  void on_timer(TimePoint now) override;
  std::optional<TimePoint> next_deadline() const override;

  // Requests for a known device (`body`: the request object without its transaction).
  void get(const std::string& id, const nlohmann::json& body, const nlohmann::json& transaction,
           TimePoint now);
  // Properties lan.allow_set does not allow are answered rejected and not sent; the rest are.
  void set(const std::string& id, const nlohmann::json& body, const nlohmann::json& transaction,
           TimePoint now);
  // A raw SetC, SetI or SetGet is sent only when lan.allow_set allows all of its properties on
  // the device at that address and EOJ; to anything else only when it allows everything.
  void raw(const nlohmann::json& transaction, const std::string& address, echonet::Frame frame,
           TimePoint now);

  std::vector<LanEvent> take_events();

  std::optional<std::string> address_of(const std::string& id) const;
  const std::map<std::string, Device>& devices() const { return devices_; }
  DeviceCount device_count() const;

 private:
  struct Pending {
    enum class Kind { get, set, raw } kind = Kind::get;
    std::string device_id;
    nlohmann::json transaction;
    std::map<std::uint8_t, std::string> keys;         // EPC -> the key the user wrote
    nlohmann::json early = nlohmann::json::object();  // outcomes decided before sending
    std::string reasons;                              // "; key: why" for those
  };

  void pump(TimePoint now);
  void on_device_found(const lan::DeviceInfo& info);
  void on_properties(const std::string& id, const std::vector<echonet::Property>& props);
  void on_done(const lan::RequestDone& done, TimePoint now);
  void on_get_done(Pending& pending, const lan::RequestDone& done);
  void on_set_done(Pending& pending, const lan::RequestDone& done, TimePoint now);
  void answer(const std::string& device, const nlohmann::json& transaction, bool ok,
              nlohmann::json data, std::string error);
  // One property as its state key and JSON value; nullopt when it must not be published.
  std::optional<std::pair<std::string, nlohmann::json>> decode(const lan::DeviceInfo& info,
                                                               const echonet::Property& p);
  void log(LogLevel level, std::string text);
  // Whether lan.allow_set lets a set change `epc` of `device`. `controls`: what the device's
  // Home Assistant entities write, needed only when the default applies.
  bool may_set(const Device& device, std::uint8_t epc,
               const std::vector<std::uint8_t>& controls) const;
  std::vector<std::uint8_t> default_controls(const Device& device) const;
  // Why lan.allow_set refuses a raw set; empty when it does not.
  std::string raw_set_refusal(const std::string& address, const echonet::Frame& frame) const;

  lan::Controller controller_;
  AllowSet allow_set_;
  std::map<std::string, Device> devices_;
  std::map<std::string, Pending> pending_;
  std::uint64_t counter_ = 0;
  std::vector<LanEvent> events_;
};

}  // namespace hems::app
