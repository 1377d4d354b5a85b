#include "hems/app/meter_presenter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hems/app/requests.hpp"
#include "hems/echonet/definitions.hpp"
#include "hems/ha/discovery.hpp"
#include "hems/ha/language.hpp"
#include "hems/version.hpp"

namespace hems::app {
namespace {

using nlohmann::json;

// Rounds to a number of decimals so that 65139 x 0.1 is published as 6513.9, not
// 6513.900000000001: dividing by a power of ten gives the shortest representation.
double round_to(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

// Decimals that the meter's energy unit (E1) and coefficient can express.
int energy_decimals(const meter::MeterIdentity& id) {
  const double step = id.unit_kwh * id.coefficient;
  if (step <= 0.0 || step >= 1.0)
    return 0;
  return std::clamp(static_cast<int>(std::lround(-std::log10(step))), 0, 6);
}

}  // namespace

std::string manufacturer_code_text(std::uint32_t code) {
  char text[12];
  std::snprintf(text, sizeof text, "0x%06X", code);
  return text;
}

std::string base_topic(const Config& config, std::string_view suffix) {
  std::string t = config.mqtt.base_topic;
  t += '/';
  t += suffix;
  return t;
}

std::string meter_topic(const Config& config, std::string_view suffix) {
  std::string t = config.mqtt.base_topic;
  t += '/';
  t += config.meter.name;
  if (!suffix.empty()) {
    t += '/';
    t += suffix;
  }
  return t;
}

json meter_values_json(const meter::MeterValues& v, const meter::MeterIdentity& identity) {
  const int decimals = energy_decimals(identity);
  json j = json::object();
  if (v.power_w)
    j["power_w"] = *v.power_w;
  if (v.current_r_a)
    j["current_r_a"] = round_to(*v.current_r_a, 1);
  if (v.current_t_a)
    j["current_t_a"] = round_to(*v.current_t_a, 1);
  if (v.energy_import_kwh)
    j["energy_import_kwh"] = round_to(*v.energy_import_kwh, decimals);
  if (v.energy_export_kwh)
    j["energy_export_kwh"] = round_to(*v.energy_export_kwh, decimals);
  if (v.energy_import_fixed_kwh)
    j["energy_import_fixed_kwh"] = round_to(*v.energy_import_fixed_kwh, decimals);
  if (v.energy_import_fixed_at)
    j["energy_import_fixed_at"] = *v.energy_import_fixed_at;
  if (v.energy_export_fixed_kwh)
    j["energy_export_fixed_kwh"] = round_to(*v.energy_export_fixed_kwh, decimals);
  if (v.energy_export_fixed_at)
    j["energy_export_fixed_at"] = *v.energy_export_fixed_at;
  return j;
}

mqtt::Message meter_state_message(const Config& config, const MeterView& meter,
                                  const std::string& last_seen) {
  json j = meter_values_json(meter.values, meter.identity);
  if (!last_seen.empty())
    j["last_seen"] = last_seen;
  return mqtt::Message{meter_topic(config), j.dump(), 1, config.mqtt.retain};
}

json meter_get_answer(const MeterView& meter, const std::vector<std::string>& keys) {
  json current = meter_values_json(meter.values, meter.identity);
  if (keys.empty())
    return current;
  json data = json::object();
  for (const auto& key : keys) {
    if (current.contains(key))
      data[key] = current[key];
  }
  return data;
}

mqtt::Message availability_message(const std::string& topic, bool online) {
  return mqtt::Message{topic, online ? R"({"state":"online"})" : R"({"state":"offline"})", 1, true};
}

json bridge_info_json(const Config& config, const std::optional<MeterView>& meter) {
  json info = {{"version", kVersion}};
  if (meter) {
    const auto& link = meter->status;
    json m = {{"name", config.meter.name},
              {"device", config.meter.device},
              {"state", std::string(wisun::to_string(link.state))}};
    if (link.dialect)
      m["dialect"] = std::string(wisun::to_string(*link.dialect));
    if (!link.firmware.empty())
      m["firmware"] = link.firmware;
    if (link.pan) {
      char channel[8], pan_id[8];
      std::snprintf(channel, sizeof channel, "0x%02X", link.pan->channel);
      std::snprintf(pan_id, sizeof pan_id, "%04X", link.pan->pan_id);
      m["channel"] = channel;
      m["pan_id"] = pan_id;
    }
    if (link.rssi_dbm)
      m["rssi_dbm"] = std::round(*link.rssi_dbm);
    if (!link.last_error.empty())
      m["last_error"] = link.last_error;
    const auto& id = meter->identity;
    if (id.manufacturer_code)
      m["manufacturer"] = manufacturer_code_text(*id.manufacturer_code);
    if (!id.serial_number.empty())
      m["serial_number"] = id.serial_number;
    if (!id.release.empty())
      m["release"] = id.release;
    info["meter"] = m;
  }
  info["config"] = {{"base_topic", config.mqtt.base_topic},
                    {"discovery_prefix", config.mqtt.discovery_prefix},
                    {"instant_interval", config.meter.instant_interval},
                    {"energy_interval", config.meter.energy_interval},
                    {"lan_enabled", config.lan.enabled}};
  return info;
}

json meter_device_entry(const Config& config, const MeterView& meter) {
  const auto& id = meter.identity;
  json get = json::array();
  for (std::uint8_t epc : id.get_map)
    get.push_back(echonet::defs::hex_key(epc));
  json entry = {{"id", config.meter.name},
                {"type", "smart_meter"},
                {"eoj", "0x028801"},
                {"class", "low_voltage_smart_electric_energy_meter"},
                {"properties", {{"get", get}, {"set", json::array()}, {"inf", json::array()}}}};
  if (const auto& pan = meter.status.pan; pan && !pan->ipv6.empty())
    entry["address"] = pan->ipv6;
  if (id.manufacturer_code)
    entry["manufacturer"] = manufacturer_code_text(*id.manufacturer_code);
  if (!id.serial_number.empty())
    entry["serial_number"] = id.serial_number;
  return entry;
}

mqtt::Message link_event_message(const Config& config, const std::string& type,
                                 const std::string& detail) {
  json event = {{"type", type}, {"device", config.meter.name}};
  if (!detail.empty())
    event["detail"] = detail;
  return mqtt::Message{base_topic(config, "bridge/event"), event.dump(), 1, false};
}

json raw_answer_data(const echonet::Frame& frame) {
  json props = json::object();
  for (const auto& p : frame.properties)
    props[echonet::defs::hex_key(p.epc)] = to_hex(p.edt);
  return json{{"esv", echonet::defs::hex_key(frame.esv)}, {"properties", props}};
}

std::optional<std::vector<ha::DiscoveryMessage>> meter_discovery_messages(const Config& config,
                                                                          const MeterView& meter) {
  const auto& id = meter.identity;
  if (!id.complete())
    return std::nullopt;
  ha::MeterDevice device;
  device.name = config.meter.name;
  device.manufacturer_code = id.manufacturer_code;
  device.serial_number = id.serial_number;
  device.release = id.release;
  device.firmware = meter.status.firmware;
  device.has_current_t = !meter.single_phase;
  device.has_export = id.supports(0xE3);
  return ha::meter_discovery(
      ha::BridgeTopics{config.mqtt.base_topic, config.mqtt.discovery_prefix}, device, kVersion,
      ha::language_from(config.mqtt.discovery_language).value_or(ha::Language::en));
}

mqtt::Message response_message(const std::string& topic, const json& transaction, bool ok,
                               const json& data, const std::string& error) {
  // An error may quote what came in (a device name from the topic), and a broker need not have
  // checked that it is UTF-8: such bytes become U+FFFD instead of an exception from dump().
  return mqtt::Message{topic,
                       response_envelope(transaction, ok, data, error)
                           .dump(-1, ' ', false, json::error_handler_t::replace),
                       1, false};
}

}  // namespace hems::app
