// The light entity of lighting classes: on/off through operation_status, brightness through the
// light level (0-100 %) when the device both reports and accepts it. Uses Home Assistant's
// template schema: the default schema compares state payloads literally and the JSON schema wants
// its own state format, while our state object is the device's.

#include <algorithm>
#include <array>

#include "appliance_context.hpp"
#include "appliance_templates.hpp"

namespace hems::ha::detail {
namespace {

constexpr std::array<std::uint16_t, 4> kLightingClasses{
    0x0290,  // general lighting
    0x0291,  // mono functional lighting
    0x02A3,  // lighting system
    0x02A4,  // enhanced lighting system
};
constexpr std::uint8_t kOperationStatus = 0x80;
constexpr std::uint8_t kLightLevel = 0xB0;

bool is_lighting(std::uint16_t class_code) {
  return std::find(kLightingClasses.begin(), kLightingClasses.end(), class_code) !=
         kLightingClasses.end();
}

}  // namespace

std::optional<Entity> light_entity(const ApplianceContext& ctx, std::set<std::uint8_t>& covered) {
  if (!is_lighting(ctx.cls.code) || !ctx.writable(kOperationStatus))
    return std::nullopt;
  const PropertyDef* level = ctx.property(kLightLevel);
  const bool dimmable = level != nullptr && level->name == "light_level" &&
                        ctx.readable(kLightLevel) && ctx.writable(kLightLevel) &&
                        ctx.readable(kOperationStatus);

  Json config = base_config(ctx, "light", "light", nullptr);
  config["schema"] = "template";
  config["command_topic"] = ctx.set_topic;
  std::string on = "{\"operation_status\": true";
  if (dimmable) {
    // Home Assistant brightness is 1-255; a level of 0 % would be "on but dark", so at least 1.
    on +=
        "{% if brightness is defined %}, \"light_level\": "
        "{{ [1, (brightness * 100 / 255) | round | int] | max }}{% endif %}";
  }
  config["command_on_template"] = on + "}";
  config["command_off_template"] = set_json("operation_status", "false");
  covered.insert(kOperationStatus);
  if (ctx.readable(kOperationStatus)) {
    config["state_topic"] = ctx.state_topic;
    config["state_template"] =
        "{{ 'on' if value_json.operation_status is true else 'off' if "
        "value_json.operation_status is false else none }}";
    if (dimmable) {
      config["brightness_template"] =
          "{{ (value_json.light_level * 255 / 100) | round | int if value_json.light_level is "
          "number else none }}";
    }
  }
  if (dimmable)
    covered.insert(kLightLevel);
  return finish(ctx, "light", "light", std::move(config));
}

}  // namespace hems::ha::detail
