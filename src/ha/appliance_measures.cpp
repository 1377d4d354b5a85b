#include "appliance_measures.hpp"

#include <algorithm>
#include <array>

namespace hems::ha::detail {
namespace {

// Classes whose "remaining capacity" in % is the state of charge of a battery.
constexpr std::array<std::uint16_t, 3> kBatteryClasses{
    0x027D,  // storage battery
    0x027E,  // EV charger and discharger
    0x02A1,  // EV charger
};

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string_view percent_class(std::uint16_t class_code, std::string_view name) {
  if (contains(name, "humidity"))
    return "humidity";
  const bool battery = std::find(kBatteryClasses.begin(), kBatteryClasses.end(), class_code) !=
                       kBatteryClasses.end();
  if (battery && name.starts_with("remaining_capacity"))
    return "battery";
  return {};
}

}  // namespace

Measure measure_of(std::uint16_t class_code, const echonet::defs::PropertyDef& property) {
  const std::string_view unit = echonet::defs::unit_of(property).value_or("");
  const std::string_view name = property.name;
  Measure m{unit, {}, "measurement"};
  if (unit == "W") {
    m.device_class = "power";
  } else if (unit == "kWh" || unit == "Wh") {
    // Cumulative meters only grow (a reset restarts them, which total_increasing allows); the
    // rest are capacities and amounts: stored energy, a measurement.
    const bool cumulative = contains(name, "cumulative");
    m.device_class = cumulative ? "energy" : "energy_storage";
    m.state_class = cumulative ? "total_increasing" : "measurement";
  } else if (unit == "\u00B0C") {
    m.device_class = "temperature";
  } else if (unit == "%") {
    m.device_class = percent_class(class_code, name);
  } else if (unit == "V") {
    m.device_class = "voltage";
  } else if (unit == "A") {
    m.device_class = "current";
  } else if (unit == "lx") {
    m.device_class = "illuminance";
  } else if (unit == "Hz") {
    m.device_class = "frequency";
  } else if (unit == "L") {
    m.device_class = "volume_storage";
  } else if (unit == "s" || unit == "min" || unit == "h" || unit == "d") {
    m.device_class = "duration";
  }
  return m;
}

}  // namespace hems::ha::detail
