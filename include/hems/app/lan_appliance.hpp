#pragma once

// A LAN device as the ha module sees it. Its Home Assistant entities are built from this, and so
// is the default of lan.allow_set (what those entities control): one view, so the two agree.

#include <cstdint>
#include <vector>

#include "hems/ha/appliance_discovery.hpp"
#include "hems/lan/controller.hpp"

namespace hems::app {

ha::ApplianceDevice ha_appliance(const lan::DeviceInfo& info);

// The EPCs the device's Home Assistant entities write, ascending.
std::vector<std::uint8_t> home_assistant_controls(const lan::DeviceInfo& info);

}  // namespace hems::app
