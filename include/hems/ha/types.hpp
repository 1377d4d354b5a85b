#pragma once

// The inputs and outputs of the Home Assistant discovery builders. Plain values: the bridge fills
// them from its config and from what the meter reported, and publishes what comes back.

#include <cstdint>
#include <optional>
#include <string>

namespace hems::ha {

// One retained message for the broker. An empty payload removes the entity from Home Assistant.
struct DiscoveryMessage {
  std::string topic;
  std::string payload;

  bool operator==(const DiscoveryMessage&) const = default;
};

// Where our own topics live and where Home Assistant listens for discovery configs.
struct BridgeTopics {
  std::string base_topic = "hems2mqtt";
  std::string discovery_prefix = "homeassistant";
};

// What the bridge knows about the meter. Identity fields stay empty until the meter answered them.
struct MeterDevice {
  std::string name = "smart_meter";                // device id in topics (config meter.name)
  std::optional<std::uint32_t> manufacturer_code;  // ECHONET 0x8A, e.g. 0x000016
  std::string serial_number;                       // 0x8D, may be empty
  std::string release;                             // 0x82 release letter, may be empty
  std::string firmware;                            // dongle firmware, may be empty
  bool has_current_t = true;                       // false on single-phase two-wire meters
  bool has_export = true;                          // false when the meter has no reverse energy
};

}  // namespace hems::ha
