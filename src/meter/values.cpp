#include "hems/meter/values.hpp"

#include <algorithm>

namespace hems::meter {

void MeterValues::merge(const MeterValues& update) {
  auto take = [](auto& field, const auto& incoming) {
    if (incoming)
      field = incoming;
  };
  take(power_w, update.power_w);
  take(current_r_a, update.current_r_a);
  take(current_t_a, update.current_t_a);
  take(energy_import_kwh, update.energy_import_kwh);
  take(energy_export_kwh, update.energy_export_kwh);
  take(energy_import_fixed_kwh, update.energy_import_fixed_kwh);
  take(energy_import_fixed_at, update.energy_import_fixed_at);
  take(energy_export_fixed_kwh, update.energy_export_fixed_kwh);
  take(energy_export_fixed_at, update.energy_export_fixed_at);
}

bool MeterIdentity::supports(std::uint8_t epc) const {
  // Without a map, ask for everything and let Get_SNA tell what is missing.
  return get_map.empty() || std::find(get_map.begin(), get_map.end(), epc) != get_map.end();
}

}  // namespace hems::meter
