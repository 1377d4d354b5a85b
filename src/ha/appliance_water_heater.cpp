// The water_heater entity of an electric water heater (0x026B) that accepts a target
// temperature. Heaters that do not are only sensors: a thermostat card without a thermostat
// misleads.

#include "appliance_context.hpp"
#include "appliance_templates.hpp"

namespace hems::ha::detail {
namespace {

namespace defs = echonet::defs;

constexpr std::uint16_t kElectricWaterHeater = 0x026B;
constexpr std::uint8_t kOperationStatus = 0x80;
constexpr std::uint8_t kTargetTemperature = 0xB3;
constexpr std::uint8_t kTankTemperature = 0xC1;

// Home Assistant's water heater modes are a fixed list; the ECHONET heating modes (automatic,
// manual, tank modes) do not map onto it and stay selects. Only on/off does: "off" and
// "electric" stand for operation_status false and true.
void add_power(const ApplianceContext& ctx, Json& config) {
  const bool read = ctx.readable(kOperationStatus);
  const bool write = ctx.writable(kOperationStatus);
  if (!read && !write) {
    config["modes"] = Json::array();
    return;
  }
  config["modes"] = Json::array({"off", "electric"});
  if (read) {
    config["mode_state_topic"] = ctx.state_topic;
    config["mode_state_template"] =
        "{{ 'electric' if value_json.operation_status is true else 'off' if "
        "value_json.operation_status is false else none }}";
  }
  if (write) {
    const std::string on = set_json("operation_status", "true");
    const std::string off = set_json("operation_status", "false");
    config["mode_command_topic"] = ctx.set_topic;
    config["mode_command_template"] = lookup_template({{"off", off}, {"electric", on}});
    config["power_command_topic"] = ctx.set_topic;
    config["payload_on"] = on;
    config["payload_off"] = off;
  }
}

}  // namespace

std::optional<Entity> water_heater_entity(const ApplianceContext& ctx,
                                          std::set<std::uint8_t>& covered) {
  if (ctx.cls.code != kElectricWaterHeater)
    return std::nullopt;
  const PropertyDef* target = ctx.property(kTargetTemperature);
  if (target == nullptr || !ctx.writable(kTargetTemperature))
    return std::nullopt;

  Json config = base_config(ctx, "water_heater", "water_heater", nullptr);
  add_power(ctx, config);
  covered.insert({kOperationStatus, kTargetTemperature});
  config["temperature_command_topic"] = ctx.set_topic;
  config["temperature_command_template"] = set_json(target->name, "{{ value }}");
  if (ctx.readable(kTargetTemperature)) {
    config["temperature_state_topic"] = ctx.state_topic;
    config["temperature_state_template"] = number_of(target->name);
  }
  // The tank temperature stays a sensor too, for its history.
  if (const PropertyDef* tank = ctx.property(kTankTemperature);
      tank != nullptr && ctx.readable(kTankTemperature)) {
    config["current_temperature_topic"] = ctx.state_topic;
    config["current_temperature_template"] = number_of(tank->name);
  }
  if (const auto range = defs::numeric_range(*target)) {
    config["min_temp"] = range->min;
    config["max_temp"] = range->max;
    config["precision"] = range->step >= 1.0 ? 1.0 : (range->step >= 0.5 ? 0.5 : 0.1);
  }
  config["temperature_unit"] = "C";
  return finish(ctx, "water_heater", "water_heater", std::move(config));
}

}  // namespace hems::ha::detail
