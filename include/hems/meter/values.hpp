#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hems::meter {

// Meter values that passed every check. A field is set only when this update carries it.
// Keys and units follow the stable interface: power_w, current_r_a, ... (see DESIGN.md).
struct MeterValues {
  std::optional<std::int32_t> power_w;
  std::optional<double> current_r_a;
  std::optional<double> current_t_a;
  std::optional<double> energy_import_kwh;
  std::optional<double> energy_export_kwh;
  std::optional<double> energy_import_fixed_kwh;
  std::optional<std::string> energy_import_fixed_at;
  std::optional<double> energy_export_fixed_kwh;
  std::optional<std::string> energy_export_fixed_at;

  bool empty() const {
    return !power_w && !current_r_a && !current_t_a && !energy_import_kwh && !energy_export_kwh &&
           !energy_import_fixed_kwh && !energy_export_fixed_kwh;
  }
  // Copies every field that `update` carries.
  void merge(const MeterValues& update);
};

// What the meter says about itself, read once after each join.
struct MeterIdentity {
  std::optional<std::uint32_t> manufacturer_code;  // 0x8A
  std::string serial_number;                       // 0x8D
  std::string release;                             // 0x82, e.g. "F"
  std::uint32_t coefficient = 1;                   // 0xD3; 1 when the meter does not have it
  double unit_kwh = 0.0;                           // 0xE1
  std::uint8_t digits = 0;                         // 0xD7
  std::vector<std::uint8_t> get_map;               // 0x9F; empty when unknown

  bool complete() const { return unit_kwh > 0.0 && digits > 0; }
  bool supports(std::uint8_t epc) const;
};

}  // namespace hems::meter
