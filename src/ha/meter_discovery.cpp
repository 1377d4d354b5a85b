#include "hems/ha/meter_discovery.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "hems/echonet/definitions.hpp"
#include "hems/ha/bridge_discovery.hpp"
#include "hems/ha/manufacturer.hpp"
#include "meter_entities.hpp"
#include "origin.hpp"
#include "slug.hpp"

namespace hems::ha {
namespace {

using Json = nlohmann::ordered_json;
using detail::Availability;
using detail::MeterEntity;
using detail::Needs;
using detail::Source;

constexpr std::uint16_t kLowVoltageSmartMeter = 0x0288;

std::string str(std::string_view text) {
  return std::string(text);
}

bool meter_has(const MeterDevice& meter, Needs needs) {
  switch (needs) {
    case Needs::kCurrentT:
      return meter.has_current_t;
    case Needs::kExport:
      return meter.has_export;
    case Needs::kNothing:
      break;
  }
  return true;
}

// What the bridge publishes, seen from Home Assistant.
struct Topics {
  std::string state;         // <base>/<meter>
  std::string availability;  // <base>/<meter>/availability
  std::string get;           // <base>/<meter>/get
  std::string bridge_state;  // <base>/bridge/state
  std::string bridge_info;   // <base>/bridge/info
};

Topics topics_of(const BridgeTopics& bridge, const MeterDevice& meter) {
  const std::string device = bridge.base_topic + "/" + meter.name;
  return {device, device + "/availability", device + "/get", bridge.base_topic + "/bridge/state",
          bridge.base_topic + "/bridge/info"};
}

// Keys are absent when the meter does not provide a value (never a fake 0). `default(none)`
// renders "None", which Home Assistant shows as unknown instead of logging a template error.
std::string value_template(const MeterEntity& entity) {
  const std::string path = entity.source == Source::kBridgeInfo
                               ? "value_json.meter." + str(entity.key)
                               : "value_json." + str(entity.key);
  if (entity.free_text) {
    // Home Assistant drops a state longer than 255 characters; keep the start of the message.
    return "{{ " + path + "[:255] if " + path + " is defined else none }}";
  }
  return "{{ " + path + " | default(none) }}";
}

Json availability(const Topics& topics, Availability needs) {
  auto entry = [](const std::string& topic) {
    return Json{{"topic", topic}, {"value_template", "{{ value_json.state }}"}};
  };
  Json list = Json::array({entry(topics.bridge_state)});
  if (needs == Availability::kBridgeAndMeter)
    list.push_back(entry(topics.availability));
  return list;
}

std::string_view entity_name(const MeterEntity& entity, Language language) {
  return language == Language::ja ? entity.name_ja : entity.name;
}

// The device is called by the meter's id, which the user chose; the default id is ours, and in
// Japanese it reads as what people call the meter.
std::string device_name(const MeterDevice& meter, Language language) {
  if (language == Language::ja && meter.name == MeterDevice{}.name)
    return "スマートメーター";
  return meter.name;
}

// The ECHONET class name, as the Appendix writes it in either language.
std::string model(Language language) {
  const auto* cls = echonet::defs::find_class(kLowVoltageSmartMeter);
  return str(language == Language::ja ? cls->name_ja : cls->name_en);
}

Json device_block(const MeterDevice& meter, const std::string& node_id, Language language,
                  const std::string& via_device) {
  Json device{{"identifiers", Json::array({node_id})}, {"name", device_name(meter, language)}};
  if (meter.manufacturer_code)
    device["manufacturer"] = manufacturer_name(*meter.manufacturer_code);
  device["model"] = model(language);
  if (const auto serial = detail::trim_padding(meter.serial_number); !serial.empty())
    device["serial_number"] = serial;
  // The meter reports no firmware of its own; what it does report is the ECHONET Appendix
  // release it implements (0x82). The dongle's firmware is the hardware between us and the meter.
  if (const auto release = detail::trim_padding(meter.release); !release.empty())
    device["sw_version"] = "ECHONET Release " + str(release);
  if (const auto firmware = detail::trim_padding(meter.firmware); !firmware.empty())
    device["hw_version"] =
        (language == Language::ja ? "Wi-SUNドングル " : "Wi-SUN dongle ") + str(firmware);
  // Home Assistant shows the meter as reached through the bridge's own device.
  device["via_device"] = via_device;
  return device;
}

Json entity_config(const MeterEntity& entity, Language language, const Topics& topics,
                   const std::string& hw_id, const std::string& entity_prefix, const Json& device,
                   const Json& origin) {
  Json config{
      {"name", entity_name(entity, language)},
      {"unique_id", hw_id + "_" + str(entity.object)},
      // default_entity_id: Home Assistant 2025.10 and later; object_id: earlier ones (2026.4
      // and later ignore it, and 2025.10 to 2026.3 stay quiet about it next to
      // default_entity_id).
      {"default_entity_id", str(entity.component) + "." + entity_prefix + "_" + str(entity.object)},
      {"object_id", entity_prefix + "_" + str(entity.object)}};
  if (entity.source == Source::kGetCommand) {
    config["command_topic"] = topics.get;
    config["payload_press"] = "{}";
  } else {
    config["state_topic"] =
        entity.source == Source::kBridgeInfo ? topics.bridge_info : topics.state;
    config["value_template"] = value_template(entity);
  }
  if (!entity.device_class.empty())
    config["device_class"] = entity.device_class;
  if (!entity.state_class.empty())
    config["state_class"] = entity.state_class;
  if (!entity.unit.empty())
    config["unit_of_measurement"] = entity.unit;
  if (!entity.entity_category.empty())
    config["entity_category"] = entity.entity_category;
  if (!entity.icon.empty())
    config["icon"] = entity.icon;
  if (!entity.enabled_by_default)
    config["enabled_by_default"] = false;
  if (!entity.attribute_key.empty()) {
    config["json_attributes_topic"] = topics.state;
    config["json_attributes_template"] = "{{ {'measured_at': value_json." +
                                         str(entity.attribute_key) +
                                         " | default(none)} | tojson }}";
  }
  config["availability"] = availability(topics, entity.availability);
  config["availability_mode"] = "all";
  config["device"] = device;
  config["origin"] = origin;
  return config;
}

}  // namespace

std::vector<DiscoveryMessage> meter_discovery(const BridgeTopics& bridge, const MeterDevice& meter,
                                              std::string_view version, Language language) {
  const Topics topics = topics_of(bridge, meter);
  const std::string hw_id = hardware_id(meter);
  const std::string node_id = "hems2mqtt_" + hw_id;
  // Entity ids follow the configured name, like the topics do ("sensor.smart_meter_power").
  std::string entity_prefix = detail::slug(meter.name);
  if (entity_prefix.empty())
    entity_prefix = hw_id;
  const Json device = device_block(meter, node_id, language, bridge_device_id(bridge));
  const Json origin = detail::origin_block(version);

  std::vector<DiscoveryMessage> out;
  for (const MeterEntity& entity : detail::meter_entities()) {
    if (!meter_has(meter, entity.needs))
      continue;
    const Json config =
        entity_config(entity, language, topics, hw_id, entity_prefix, device, origin);
    // Bytes from the meter (serial number) may not be UTF-8; replace them rather than throw.
    out.push_back({bridge.discovery_prefix + "/" + str(entity.component) + "/" + node_id + "/" +
                       str(entity.object) + "/config",
                   config.dump(-1, ' ', false, Json::error_handler_t::replace)});
  }
  return out;
}

}  // namespace hems::ha
