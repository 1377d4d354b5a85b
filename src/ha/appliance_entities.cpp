// Which entities a device gets, in discovery order, and which properties each one writes.

#include <algorithm>
#include <iterator>
#include <set>

#include "appliance_context.hpp"

namespace hems::ha::detail {

std::vector<DeviceEntity> appliance_entities(const ApplianceContext& ctx) {
  std::vector<DeviceEntity> entities;
  std::set<std::uint8_t> covered;
  for (auto main_entity : {climate_entity, water_heater_entity, light_entity}) {
    const std::set<std::uint8_t> before = covered;
    if (auto entity = main_entity(ctx, covered)) {
      // A main entity takes over the properties it covers; its commands write those the device
      // accepts (climate mode and power, water heater and light power, brightness ...).
      std::vector<std::uint8_t> writes;
      std::set_difference(covered.begin(), covered.end(), before.begin(), before.end(),
                          std::back_inserter(writes));
      std::erase_if(writes, [&](std::uint8_t epc) { return !ctx.writable(epc); });
      entities.push_back({std::move(*entity), std::move(writes)});
    }
  }

  const ApplianceDevice& device = ctx.device;
  std::set<std::uint8_t> listed(device.get_map.begin(), device.get_map.end());
  listed.insert(device.set_map.begin(), device.set_map.end());
  for (std::uint8_t epc : listed) {
    if (covered.contains(epc))
      continue;
    if (const auto* property = ctx.property(epc)) {
      if (auto entity = property_entity(ctx, *property)) {
        // switch, number, select and button command; sensors only read.
        std::vector<std::uint8_t> writes;
        if (entity->config.contains("command_topic"))
          writes.push_back(epc);
        entities.push_back({std::move(*entity), std::move(writes)});
      }
    }
  }
  return entities;
}

}  // namespace hems::ha::detail
