#include "hems/ha/appliance_discovery.hpp"

#include <algorithm>
#include <set>

#include "appliance_context.hpp"

namespace hems::ha {

std::vector<DiscoveryMessage> appliance_discovery(const BridgeTopics& topics,
                                                  const ApplianceDevice& device,
                                                  std::string_view version, Language language) {
  const auto ctx = detail::make_context(topics, device, version, language);
  if (!ctx)
    return {};

  std::vector<detail::Entity> entities;
  std::set<std::uint8_t> covered;
  for (auto main_entity :
       {detail::climate_entity, detail::water_heater_entity, detail::light_entity}) {
    if (auto entity = main_entity(*ctx, covered))
      entities.push_back(std::move(*entity));
  }

  std::set<std::uint8_t> listed(device.get_map.begin(), device.get_map.end());
  listed.insert(device.set_map.begin(), device.set_map.end());
  for (std::uint8_t epc : listed) {
    if (covered.contains(epc))
      continue;
    if (const auto* property = ctx->property(epc)) {
      if (auto entity = detail::property_entity(*ctx, *property))
        entities.push_back(std::move(*entity));
    }
  }

  std::vector<DiscoveryMessage> out;
  out.reserve(entities.size());
  for (const auto& entity : entities) {
    out.push_back({topics.discovery_prefix + "/" + entity.component + "/" + ctx->node_id + "/" +
                       entity.object + "/config",
                   // The device id comes from config and may not be UTF-8; replace, never throw.
                   entity.config.dump(-1, ' ', false, detail::Json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace hems::ha
