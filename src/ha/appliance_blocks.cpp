// The parts every appliance config shares: identity, topics, availability, device and origin.

#include <algorithm>
#include <cstdio>

#include "appliance_context.hpp"
#include "hems/ha/appliance_names.hpp"
#include "hems/ha/bridge_discovery.hpp"
#include "hems/ha/manufacturer.hpp"
#include "origin.hpp"
#include "slug.hpp"

namespace hems::ha::detail {
namespace {

namespace defs = echonet::defs;

bool listed(const std::vector<std::uint8_t>& map, std::uint8_t epc) {
  return std::find(map.begin(), map.end(), epc) != map.end();
}

std::string hardware_id_of(const ApplianceDevice& device) {
  // The bridge derives hardware_id from the node's 0x83 and the EOJ; clean it anyway, because it
  // ends up in topics and unique ids. A device without one is known by its id alone.
  if (auto id = slug(device.hardware_id); !id.empty())
    return id;
  if (auto id = slug(device.id); !id.empty())
    return id;
  char fallback[32];
  std::snprintf(fallback, sizeof fallback, "eoj_%04x%02x", static_cast<unsigned>(device.class_code),
                static_cast<unsigned>(device.instance));
  return fallback;
}

Json device_block(const ApplianceDevice& device, const defs::ClassDef& cls,
                  const std::string& node_id, Language language, const std::string& via_device) {
  // The class and the place ("Air conditioner (living room)") unless the user named the device.
  Json block{{"identifiers", Json::array({node_id})}, {"name", appliance_name(device, language)}};
  if (device.manufacturer_code)
    block["manufacturer"] = manufacturer_name(*device.manufacturer_code);
  block["model"] = std::string(language == Language::ja ? cls.name_ja : cls.name_en);
  // Home Assistant shows the appliance as reached through the bridge's own device.
  block["via_device"] = via_device;
  return block;
}

Json availability(const ApplianceContext& ctx) {
  auto entry = [](const std::string& topic) {
    return Json{{"topic", topic}, {"value_template", "{{ value_json.state }}"}};
  };
  return Json::array({entry(ctx.bridge_state_topic), entry(ctx.availability_topic)});
}

}  // namespace

bool ApplianceContext::readable(std::uint8_t epc) const {
  return listed(device.get_map, epc);
}

bool ApplianceContext::writable(std::uint8_t epc) const {
  return listed(device.set_map, epc);
}

const PropertyDef* ApplianceContext::property(std::uint8_t epc) const {
  if (epc >= 0xF0 || (!readable(epc) && !writable(epc)))
    return nullptr;
  return defs::find_property(cls.code, epc);
}

std::optional<ApplianceContext> make_context(const BridgeTopics& topics,
                                             const ApplianceDevice& device,
                                             std::string_view version, Language language) {
  const defs::ClassDef* cls = defs::find_class(device.class_code);
  if (cls == nullptr || device.class_code == defs::kSuperClass ||
      device.class_code == defs::kNodeProfileClass)
    return std::nullopt;
  std::string hw_id = hardware_id_of(device);
  std::string node_id = "hems2mqtt_" + hw_id;
  std::string prefix = slug(device.id);
  if (prefix.empty())
    prefix = hw_id;
  const std::string state = topics.base_topic + "/" + device.id;
  Json block = device_block(device, *cls, node_id, language, bridge_device_id(topics));
  return ApplianceContext{.device = device,
                          .cls = *cls,
                          .language = language,
                          .hw_id = hw_id,
                          .node_id = node_id,
                          .entity_prefix = prefix,
                          .state_topic = state,
                          .set_topic = state + "/set",
                          .availability_topic = state + "/availability",
                          .bridge_state_topic = topics.base_topic + "/bridge/state",
                          .device_block = std::move(block),
                          .origin_block = origin_block(version)};
}

Json base_config(const ApplianceContext& ctx, std::string_view component, std::string_view object,
                 const Json& name) {
  const std::string entity = ctx.entity_prefix + "_" + std::string(object);
  return Json{{"name", name},
              {"unique_id", ctx.hw_id + "_" + std::string(object)},
              // default_entity_id: Home Assistant 2025.10 and later; object_id: earlier ones
              // (2026.4 and later ignore it).
              {"default_entity_id", std::string(component) + "." + entity},
              {"object_id", entity}};
}

Entity finish(const ApplianceContext& ctx, std::string_view component, std::string_view object,
              Json config) {
  config["availability"] = availability(ctx);
  config["availability_mode"] = "all";
  config["device"] = ctx.device_block;
  config["origin"] = ctx.origin_block;
  return Entity{std::string(component), std::string(object), std::move(config)};
}

}  // namespace hems::ha::detail
