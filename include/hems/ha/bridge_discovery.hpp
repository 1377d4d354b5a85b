#pragma once

// Home Assistant MQTT discovery for the bridge itself: one device, "hems2mqtt bridge", with
// diagnostic entities read from the retained <base>/bridge/info and <base>/bridge/state. The
// meter's and every LAN appliance's device name it as via_device. Pure functions: no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "hems/ha/language.hpp"
#include "hems/ha/types.hpp"

namespace hems::ha {

struct BridgeDevice {
  // The B-route link state and last error come from bridge/info's "meter" object, which exists
  // only with the meter enabled.
  bool meter_enabled = true;
};

// The bridge device's identifier, stable for a base topic: "hems2mqtt_bridge_<base topic slug>".
std::string bridge_device_id(const BridgeTopics& topics);

// Every discovery config of the bridge device, in a fixed order. `version` is the bridge's;
// `language` names the entities and the device (ids never change with it).
std::vector<DiscoveryMessage> bridge_discovery(const BridgeTopics& topics,
                                               const BridgeDevice& bridge, std::string_view version,
                                               Language language = Language::en);

}  // namespace hems::ha
