// The climate entity of a home air conditioner (0x0130): on/off and mode, target temperature,
// fan speed, and the measured room temperature and humidity.

#include <array>
#include <cmath>
#include <string>

#include "appliance_context.hpp"
#include "appliance_templates.hpp"

namespace hems::ha::detail {
namespace {

namespace defs = echonet::defs;

constexpr std::uint16_t kHomeAirConditioner = 0x0130;
constexpr std::uint8_t kOperationStatus = 0x80;
constexpr std::uint8_t kAirFlowLevel = 0xA0;
constexpr std::uint8_t kOperationMode = 0xB0;
constexpr std::uint8_t kTargetTemperature = 0xB3;
constexpr std::uint8_t kHumidity = 0xBA;
constexpr std::uint8_t kRoomTemperature = 0xBB;

// ECHONET operation modes and Home Assistant's HVAC modes. "other" has no counterpart: Home
// Assistant shows it as unknown rather than as a mode it would then try to set.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kModes{{
    {"auto", "auto"},
    {"cooling", "cool"},
    {"heating", "heat"},
    {"dehumidification", "dry"},
    {"circulation", "fan_only"},
}};

std::string_view hvac_mode(std::string_view echonet_mode) {
  for (const auto& [echonet, hvac] : kModes)
    if (echonet == echonet_mode)
      return hvac;
  return {};
}

// The precision Home Assistant displays temperatures with: it offers 0.1, 0.5 and 1.
double precision_of(double step) {
  if (step >= 1.0)
    return 1.0;
  return step >= 0.5 ? 0.5 : 0.1;
}

std::string mode_state_template(bool has_status, bool has_mode,
                                const std::vector<std::string_view>& echonet_modes) {
  std::string map = "{";
  for (std::string_view mode : echonet_modes) {
    if (auto hvac = hvac_mode(mode); !hvac.empty())
      map += (map.size() > 1 ? ", '" : "'") + std::string(mode) + "': '" + std::string(hvac) + "'";
  }
  map += "}";
  const std::string mode_expr =
      has_mode ? map + ".get(value_json.operation_mode | default(none), 'None')" : "'None'";
  if (!has_status)
    return "{{ " + mode_expr + " }}";
  // Off wins over the mode the unit keeps while it is off; unknown status means unknown mode.
  return "{% if value_json.operation_status is false %}off"
         "{% elif value_json.operation_status is true %}{{ " +
         mode_expr + " }}{% else %}None{% endif %}";
}

// Modes, and the set request for each, from what the device reads and accepts.
void add_modes(const ApplianceContext& ctx, const PropertyDef* mode, Json& config) {
  const bool status_read = ctx.readable(kOperationStatus);
  const bool status_write = ctx.writable(kOperationStatus);
  const bool mode_read = mode != nullptr && ctx.readable(kOperationMode);
  const bool mode_write = mode != nullptr && ctx.writable(kOperationMode);
  const auto echonet_modes =
      mode != nullptr ? defs::enum_names(*mode) : std::vector<std::string_view>{};

  Json modes = Json::array();
  std::vector<std::pair<std::string, std::string>> commands;
  if (status_read || status_write) {
    modes.push_back("off");
    if (status_write)
      commands.emplace_back("off", set_json("operation_status", "false"));
  }
  for (std::string_view echonet : echonet_modes) {
    const std::string_view hvac = hvac_mode(echonet);
    if (hvac.empty())
      continue;
    modes.push_back(hvac);
    std::string payload = "{";
    if (status_write)
      payload += "\"operation_status\": true";
    if (mode_write)
      payload += std::string(status_write ? ", " : "") + "\"operation_mode\": \"" +
                 std::string(echonet) + "\"";
    payload += "}";
    if (status_write || mode_write)
      commands.emplace_back(hvac, payload);
  }
  // Always listed: without it Home Assistant would offer its default modes.
  config["modes"] = modes;
  if (status_read || mode_read) {
    config["mode_state_topic"] = ctx.state_topic;
    config["mode_state_template"] = mode_state_template(status_read, mode_read, echonet_modes);
  }
  if (!commands.empty()) {
    config["mode_command_topic"] = ctx.set_topic;
    config["mode_command_template"] = lookup_template(commands);
  }
  if (status_write) {
    config["power_command_topic"] = ctx.set_topic;
    config["payload_on"] = set_json("operation_status", "true");
    config["payload_off"] = set_json("operation_status", "false");
  }
}

void add_temperature(const ApplianceContext& ctx, const PropertyDef& target, Json& config) {
  const auto range = defs::numeric_range(target);
  if (ctx.writable(kTargetTemperature)) {
    config["temperature_command_topic"] = ctx.set_topic;
    config["temperature_command_template"] = set_json(target.name, "{{ value }}");
  }
  if (ctx.readable(kTargetTemperature)) {
    config["temperature_state_topic"] = ctx.state_topic;
    config["temperature_state_template"] = number_of(target.name);
  }
  if (range) {
    config["min_temp"] = range->min;
    config["max_temp"] = range->max;
    config["temp_step"] = range->step;
    config["precision"] = precision_of(range->step);
  }
}

// Fan modes are the air flow levels as text ("1" ... "8") and the names ("auto").
void add_fan_modes(const ApplianceContext& ctx, const PropertyDef& flow, Json& config) {
  Json modes = Json::array();
  std::vector<std::pair<std::string, std::string>> commands;
  for (std::string_view name : defs::enum_names(flow)) {
    modes.push_back(name);
    commands.emplace_back(name, set_json_name(flow.name, name));
  }
  if (const auto range = defs::numeric_range(flow); range && range->step >= 1.0) {
    for (double level = range->min; level <= range->max; level += range->step) {
      const std::string text = std::to_string(std::lround(level));
      modes.push_back(text);
      commands.emplace_back(text, set_json(flow.name, text));
    }
  }
  if (modes.empty())
    return;
  config["fan_modes"] = modes;
  if (ctx.readable(kAirFlowLevel)) {
    const std::string key = "value_json." + std::string(flow.name);
    config["fan_mode_state_topic"] = ctx.state_topic;
    config["fan_mode_state_template"] = "{{ " + key + " | string if " + key + " is defined and " +
                                        key + " is not none else none }}";
  }
  config["fan_mode_command_topic"] = ctx.set_topic;
  config["fan_mode_command_template"] = lookup_template(commands);
}

}  // namespace

std::optional<Entity> climate_entity(const ApplianceContext& ctx, std::set<std::uint8_t>& covered) {
  if (ctx.cls.code != kHomeAirConditioner)
    return std::nullopt;
  const PropertyDef* mode = ctx.property(kOperationMode);
  const PropertyDef* target = ctx.property(kTargetTemperature);
  // Without anything to control it is a set of sensors, not a thermostat.
  const bool controllable = ctx.writable(kOperationStatus) ||
                            (mode != nullptr && ctx.writable(kOperationMode)) ||
                            (target != nullptr && ctx.writable(kTargetTemperature));
  if (!controllable)
    return std::nullopt;

  Json config = base_config(ctx, "climate", "climate", nullptr);
  add_modes(ctx, mode, config);
  covered.insert({kOperationStatus, kOperationMode});
  if (target != nullptr) {
    add_temperature(ctx, *target, config);
    covered.insert(kTargetTemperature);
  }
  config["temperature_unit"] = "C";
  // Room temperature and humidity stay sensors too: climate attributes get no long-term statistics.
  if (const PropertyDef* room = ctx.property(kRoomTemperature); room && ctx.readable(room->epc)) {
    config["current_temperature_topic"] = ctx.state_topic;
    config["current_temperature_template"] = number_of(room->name);
  }
  if (const PropertyDef* humidity = ctx.property(kHumidity);
      humidity && ctx.readable(humidity->epc)) {
    config["current_humidity_topic"] = ctx.state_topic;
    config["current_humidity_template"] = number_of(humidity->name);
  }
  if (const PropertyDef* flow = ctx.property(kAirFlowLevel); flow && ctx.writable(kAirFlowLevel)) {
    add_fan_modes(ctx, *flow, config);
    covered.insert(kAirFlowLevel);
  }
  return finish(ctx, "climate", "climate", std::move(config));
}

}  // namespace hems::ha::detail
