#include <cstdio>

#include "hems/ha/meter_discovery.hpp"
#include "slug.hpp"

namespace hems::ha {

std::string hardware_id(const MeterDevice& meter) {
  // Maker code + serial number identify the physical meter. The maker alone does not (one maker
  // makes most meters in an area), so without a serial we fall back to the configured name.
  if (meter.manufacturer_code) {
    const std::string serial = detail::slug(meter.serial_number);
    if (!serial.empty()) {
      char code[16];
      std::snprintf(code, sizeof code, "%06x", static_cast<unsigned>(*meter.manufacturer_code));
      return std::string(code) + "_" + serial;
    }
  }
  std::string name = detail::slug(meter.name);
  return name.empty() ? std::string("meter") : name;
}

}  // namespace hems::ha
