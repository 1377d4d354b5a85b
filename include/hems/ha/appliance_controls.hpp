#pragma once

// What Home Assistant can change on a LAN appliance: the properties its discovered entities write
// to <base>/<id>/set. Derived from the entities appliance_discovery() publishes for the device, so
// the two cannot disagree. The bridge's lan.allow_set takes this as its default.

#include <cstdint>
#include <vector>

#include "hems/ha/appliance_discovery.hpp"

namespace hems::ha {

// The EPCs the device's entities write, ascending: the climate, water heater and light entities'
// commands and every switch, number, select and button. Empty for a class without definition.
std::vector<std::uint8_t> appliance_controls(const ApplianceDevice& device);

}  // namespace hems::ha
