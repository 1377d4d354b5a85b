#include "hems/app/metrics.hpp"

namespace hems::app {

void Metrics::count_reading(const meter::MeterValues& update) {
  if (update.power_w || update.current_r_a || update.current_t_a)
    ++readings_instant;
  if (update.energy_import_kwh || update.energy_export_kwh)
    ++readings_energy;
  if (update.energy_import_fixed_kwh || update.energy_export_fixed_kwh)
    ++readings_fixed;
}

void Metrics::count_link_event(std::string_view type) {
  if (type == "rejoin")
    ++rejoins;
  else if (type == "rescan")
    ++rescans;
  else if (type == "reopen")
    ++port_reopens;
  else if (type == "reset")
    ++dongle_resets;
}

}  // namespace hems::app
