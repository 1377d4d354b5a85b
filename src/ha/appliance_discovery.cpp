#include "hems/ha/appliance_discovery.hpp"

#include "appliance_context.hpp"

namespace hems::ha {

std::vector<DiscoveryMessage> appliance_discovery(const BridgeTopics& topics,
                                                  const ApplianceDevice& device,
                                                  std::string_view version, Language language) {
  const auto ctx = detail::make_context(topics, device, version, language);
  if (!ctx)
    return {};

  const auto entities = detail::appliance_entities(*ctx);

  std::vector<DiscoveryMessage> out;
  out.reserve(entities.size());
  for (const auto& planned : entities) {
    const detail::Entity& entity = planned.entity;
    out.push_back({topics.discovery_prefix + "/" + entity.component + "/" + ctx->node_id + "/" +
                       entity.object + "/config",
                   // The device id comes from config and may not be UTF-8; replace, never throw.
                   entity.config.dump(-1, ' ', false, detail::Json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace hems::ha
