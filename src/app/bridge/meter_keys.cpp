#include "hems/app/meter_keys.hpp"

#include <algorithm>

namespace hems::app {

std::span<const std::string_view> meter_keys() {
  static constexpr std::string_view kKeys[] = {"power_w",
                                               "current_r_a",
                                               "current_t_a",
                                               "energy_import_kwh",
                                               "energy_export_kwh",
                                               "energy_import_fixed_kwh",
                                               "energy_import_fixed_at",
                                               "energy_export_fixed_kwh",
                                               "energy_export_fixed_at"};
  return kKeys;
}

std::vector<std::uint8_t> meter_values_epcs(const meter::MeterValues& values) {
  std::vector<std::uint8_t> epcs;
  for (std::string_view key : meter_keys()) {
    auto epc = meter_key_epc(key);
    if (epc && meter_values_have(values, key) &&
        std::find(epcs.begin(), epcs.end(), *epc) == epcs.end())
      epcs.push_back(*epc);
  }
  return epcs;
}

std::optional<std::uint8_t> meter_key_epc(std::string_view key) {
  if (key == "power_w")
    return 0xE7;
  if (key == "current_r_a" || key == "current_t_a")
    return 0xE8;
  if (key == "energy_import_kwh")
    return 0xE0;
  if (key == "energy_export_kwh")
    return 0xE3;
  if (key == "energy_import_fixed_kwh" || key == "energy_import_fixed_at")
    return 0xEA;
  if (key == "energy_export_fixed_kwh" || key == "energy_export_fixed_at")
    return 0xEB;
  return std::nullopt;
}

bool meter_values_have(const meter::MeterValues& v, std::string_view key) {
  if (key == "power_w")
    return v.power_w.has_value();
  if (key == "current_r_a")
    return v.current_r_a.has_value();
  if (key == "current_t_a")
    return v.current_t_a.has_value();
  if (key == "energy_import_kwh")
    return v.energy_import_kwh.has_value();
  if (key == "energy_export_kwh")
    return v.energy_export_kwh.has_value();
  if (key == "energy_import_fixed_kwh")
    return v.energy_import_fixed_kwh.has_value();
  if (key == "energy_import_fixed_at")
    return v.energy_import_fixed_at.has_value();
  if (key == "energy_export_fixed_kwh")
    return v.energy_export_fixed_kwh.has_value();
  if (key == "energy_export_fixed_at")
    return v.energy_export_fixed_at.has_value();
  return false;
}

}  // namespace hems::app
