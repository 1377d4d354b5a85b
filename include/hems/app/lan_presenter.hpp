#pragma once

// How LAN appliances look on MQTT: their state, availability, bridge/devices entries and Home
// Assistant discovery. Pure, like the meter's presenter.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/app/lan_link.hpp"
#include "hems/ha/types.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

// <base>/<device>: the decoded state.
mqtt::Message lan_state_message(const Config& config, const LanLink::Device& device);
// <base>/<device>/availability
mqtt::Message lan_availability_message(const Config& config, const LanLink::Device& device);
// The device's entry in bridge/devices: address, EOJ, class, property names.
nlohmann::json lan_device_entry(const LanLink::Device& device);
// The device's Home Assistant entities.
std::vector<ha::DiscoveryMessage> lan_discovery_messages(const Config& config,
                                                         const LanLink::Device& device);

}  // namespace hems::app
