#include "hems/app/lan_presenter.hpp"

#include "hems/app/lan_appliance.hpp"
#include "hems/app/meter_presenter.hpp"
#include "hems/echonet/definitions.hpp"
#include "hems/ha/appliance_discovery.hpp"
#include "hems/ha/language.hpp"
#include "hems/version.hpp"

namespace hems::app {
namespace {

using nlohmann::json;
namespace defs = echonet::defs;

}  // namespace

mqtt::Message lan_state_message(const Config& config, const LanLink::Device& device) {
  return mqtt::Message{base_topic(config, device.info.id), device.state.dump(), 1,
                       config.mqtt.retain};
}

mqtt::Message lan_availability_message(const Config& config, const LanLink::Device& device) {
  return availability_message(base_topic(config, device.info.id + "/availability"), device.online);
}

json lan_device_entry(const LanLink::Device& device) {
  const std::uint16_t cls = class_code(device.info.eoj);
  const auto* class_def = defs::find_class(cls);
  auto names = [&](const std::vector<std::uint8_t>& epcs) {
    json out = json::array();
    for (std::uint8_t epc : epcs) {
      const auto* def = defs::find_property(cls, epc);
      out.push_back(def && epc < 0xF0 ? std::string(def->name) : defs::hex_key(epc));
    }
    return out;
  };
  json entry = {{"id", device.info.id},
                {"address", device.info.address},
                {"eoj", device.info.eoj.to_string()},
                {"class", class_def ? std::string(class_def->name) : "unknown"},
                {"properties",
                 {{"get", names(device.info.get_map)},
                  {"set", names(device.info.set_map)},
                  {"inf", names(device.info.inf_map)}}}};
  if (device.info.manufacturer)
    entry["manufacturer"] = manufacturer_code_text(*device.info.manufacturer);
  return entry;
}

std::vector<ha::DiscoveryMessage> lan_discovery_messages(const Config& config,
                                                         const LanLink::Device& device) {
  return ha::appliance_discovery(
      ha::BridgeTopics{config.mqtt.base_topic, config.mqtt.discovery_prefix},
      ha_appliance(device.info), kVersion,
      ha::language_from(config.mqtt.discovery_language).value_or(ha::Language::en));
}

}  // namespace hems::app
