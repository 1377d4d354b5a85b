#pragma once

// Home Assistant MQTT discovery for the B-route smart meter: one retained config per entity under
// <discovery_prefix>/<component>/hems2mqtt_<hardware_id>/<object>/config. Pure functions: no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "hems/ha/language.hpp"
#include "hems/ha/types.hpp"

namespace hems::ha {

// A stable id made of [a-z0-9_] for unique_id and node_id: the maker code and serial number when
// both are known (they survive a rename in the config), otherwise the meter's configured name.
std::string hardware_id(const MeterDevice& meter);

// Every discovery config for the meter, in a fixed order. `version` is the bridge's version for
// the origin block. `language` picks the entity names, the model and, while meter.name is the
// default "smart_meter", the device name; topics, unique ids and entity ids stay the same.
std::vector<DiscoveryMessage> meter_discovery(const BridgeTopics& topics, const MeterDevice& meter,
                                              std::string_view version,
                                              Language language = Language::en);

}  // namespace hems::ha
