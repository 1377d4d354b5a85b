#include "hems/app/lan_presenter.hpp"

#include <algorithm>
#include <cctype>

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
  ha::ApplianceDevice appliance;
  appliance.id = device.info.id;
  appliance.class_code = class_code(device.info.eoj);
  appliance.instance = device.info.eoj.instance;
  // The identity's id, never the configured name: renaming a device keeps its entities, and two
  // devices never share one (the controller makes it unique).
  std::string hw = device.info.hardware_id.empty() ? device.info.id : device.info.hardware_id;
  std::transform(hw.begin(), hw.end(), hw.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  });
  appliance.hardware_id = hw;
  appliance.manufacturer_code = device.info.manufacturer;
  appliance.get_map = device.info.get_map;
  appliance.set_map = device.info.set_map;
  // Without a [lan.names] entry the id is the hardware id; with one, that name is the device's.
  appliance.named = !device.info.hardware_id.empty() && device.info.id != device.info.hardware_id;
  appliance.installation_location = device.info.installation_location;
  return ha::appliance_discovery(
      ha::BridgeTopics{config.mqtt.base_topic, config.mqtt.discovery_prefix}, appliance, kVersion,
      ha::language_from(config.mqtt.discovery_language).value_or(ha::Language::en));
}

}  // namespace hems::app
