// One entity per standard property the device lists, chosen by the property's type and by whether
// the device reads it (get map), writes it (set map) or both.

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "appliance_context.hpp"
#include "appliance_measures.hpp"
#include "appliance_templates.hpp"
#include "hems/ha/appliance_names.hpp"

namespace hems::ha::detail {
namespace {

namespace defs = echonet::defs;

constexpr std::uint8_t kOperationStatus = 0x80;
constexpr std::uint8_t kFaultStatus = 0x88;
constexpr std::uint8_t kFaultDescription = 0x89;

// Identity, clocks, maps and settings about the ECHONET link itself: the bridge uses them or
// lists them in bridge/devices; as entities they would only be noise (or a way to break the
// device's clock or installation location from a dashboard).
constexpr std::array<std::uint8_t, 16> kNotEntities{0x81, 0x82, 0x83, 0x86, 0x8A, 0x8B, 0x8C, 0x8D,
                                                    0x8E, 0x93, 0x97, 0x98, 0x9A, 0x9D, 0x9E, 0x9F};

// Ranges wider than this many steps get an input box instead of a slider.
constexpr double kSliderSteps = 1000.0;

Json state_config(const ApplianceContext& ctx, std::string_view component,
                  const PropertyDef& property) {
  // Curated or made readable in English, the Appendix's in Japanese (appliance_names.hpp).
  return base_config(ctx, component, property.name,
                     property_name(ctx.cls.code, property.epc, ctx.language));
}

int decimals_of(double step) {
  if (step >= 1.0 || step <= 0.0)
    return 0;
  return static_cast<int>(std::lround(-std::log10(step)));
}

Entity yes_no(const ApplianceContext& ctx, const PropertyDef& property) {
  const bool read = ctx.readable(property.epc);
  if (ctx.writable(property.epc)) {
    Json config = state_config(ctx, "switch", property);
    config["command_topic"] = ctx.set_topic;
    config["payload_on"] = set_json(property.name, "true");
    config["payload_off"] = set_json(property.name, "false");
    if (read) {
      config["state_topic"] = ctx.state_topic;
      config["value_template"] = on_off_of(property.name);
      config["state_on"] = "ON";
      config["state_off"] = "OFF";
    }
    return finish(ctx, "switch", property.name, std::move(config));
  }
  Json config = state_config(ctx, "binary_sensor", property);
  config["state_topic"] = ctx.state_topic;
  config["value_template"] = on_off_of(property.name);
  config["payload_on"] = "ON";
  config["payload_off"] = "OFF";
  if (property.epc == kFaultStatus) {
    config["device_class"] = "problem";
    config["entity_category"] = "diagnostic";
  } else if (property.epc == kOperationStatus) {
    config["device_class"] = "running";
  }
  return finish(ctx, "binary_sensor", property.name, std::move(config));
}

Entity numeric(const ApplianceContext& ctx, const PropertyDef& property,
               const defs::NumericRange& range) {
  const Measure measure = measure_of(ctx.cls.code, property);
  if (ctx.writable(property.epc)) {
    Json config = state_config(ctx, "number", property);
    config["command_topic"] = ctx.set_topic;
    config["command_template"] = set_json(property.name, "{{ value }}");
    if (ctx.readable(property.epc)) {
      config["state_topic"] = ctx.state_topic;
      config["value_template"] = number_of(property.name);
    }
    config["min"] = range.min;
    config["max"] = range.max;
    config["step"] = range.step;
    if ((range.max - range.min) / range.step > kSliderSteps)
      config["mode"] = "box";
    if (!measure.device_class.empty())
      config["device_class"] = measure.device_class;
    if (!measure.unit.empty())
      config["unit_of_measurement"] = measure.unit;
    return finish(ctx, "number", property.name, std::move(config));
  }
  Json config = state_config(ctx, "sensor", property);
  config["state_topic"] = ctx.state_topic;
  config["value_template"] = number_of(property.name);
  if (!measure.device_class.empty())
    config["device_class"] = measure.device_class;
  config["state_class"] = measure.state_class;
  if (!measure.unit.empty())
    config["unit_of_measurement"] = measure.unit;
  if (const int decimals = decimals_of(range.step); decimals > 0)
    config["suggested_display_precision"] = decimals;
  return finish(ctx, "sensor", property.name, std::move(config));
}

Json options_of(const std::vector<std::string_view>& names) {
  Json options = Json::array();
  for (std::string_view name : names) {
    // The MRA repeats some names for several codes (fault_description's user_definable).
    if (std::find(options.begin(), options.end(), name) == options.end())
      options.push_back(name);
  }
  return options;
}

Entity enumeration(const ApplianceContext& ctx, const PropertyDef& property,
                   const std::vector<std::string_view>& names) {
  const bool read = ctx.readable(property.epc);
  if (ctx.writable(property.epc)) {
    // A write-only property with one value is an action ("reset", "buzzer"): a button.
    if (!read && options_of(names).size() == 1) {
      Json config = state_config(ctx, "button", property);
      config["command_topic"] = ctx.set_topic;
      config["payload_press"] = set_json_name(property.name, names.front());
      return finish(ctx, "button", property.name, std::move(config));
    }
    Json config = state_config(ctx, "select", property);
    config["command_topic"] = ctx.set_topic;
    config["command_template"] = set_json(property.name, "\"{{ value }}\"");
    if (read) {
      config["state_topic"] = ctx.state_topic;
      config["value_template"] = value_of(property.name);
    }
    config["options"] = options_of(names);
    return finish(ctx, "select", property.name, std::move(config));
  }
  Json config = state_config(ctx, "sensor", property);
  config["state_topic"] = ctx.state_topic;
  config["value_template"] = value_of(property.name);
  config["device_class"] = "enum";
  config["options"] = options_of(names);
  if (property.epc == kFaultDescription)
    config["entity_category"] = "diagnostic";
  return finish(ctx, "sensor", property.name, std::move(config));
}

}  // namespace

std::optional<Entity> property_entity(const ApplianceContext& ctx, const PropertyDef& property) {
  if (std::find(kNotEntities.begin(), kNotEntities.end(), property.epc) != kNotEntities.end())
    return std::nullopt;
  if (!ctx.readable(property.epc) && !ctx.writable(property.epc))
    return std::nullopt;
  if (defs::is_boolean(property))
    return yes_no(ctx, property);
  if (const auto range = defs::numeric_range(property))
    return numeric(ctx, property, *range);
  if (const auto names = defs::enum_names(property); !names.empty())
    return enumeration(ctx, property, names);
  return std::nullopt;  // dates, times, bitmaps, composite values, opaque bytes
}

}  // namespace hems::ha::detail
