// E7 and E8: the instantaneous readings and their sentinels.

#include "smart_meter_fields.hpp"

namespace hems::echonet::smart_meter {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::no_data:
      return "no_data";
    case Status::overflow:
      return "overflow";
    case Status::underflow:
      return "underflow";
  }
  return "unknown";
}

Result<Measured<std::int32_t>> decode_instant_power(ByteView edt) {
  if (auto ok = detail::expect_size(epc::instant_power, edt, 4); !ok) {
    return std::unexpected(ok.error());
  }
  const std::uint32_t raw = detail::read_u32(edt, 0);
  switch (raw) {
    case 0x7FFFFFFE:
      return Measured<std::int32_t>{Status::no_data, 0};
    case 0x7FFFFFFF:
      return Measured<std::int32_t>{Status::overflow, 0};
    case 0x80000000:
      return Measured<std::int32_t>{Status::underflow, 0};
    default:
      return Measured<std::int32_t>{Status::ok, static_cast<std::int32_t>(raw)};
  }
}

namespace {

Measured<double> phase_current(std::uint16_t raw) {
  switch (raw) {
    case 0x7FFE:
      return {Status::no_data, 0.0};
    case 0x7FFF:
      return {Status::overflow, 0.0};
    case 0x8000:
      return {Status::underflow, 0.0};
    default:
      break;
  }
  // Signed tenths of an ampere; dividing by 10 keeps -20 exactly -2.0.
  return {Status::ok, static_cast<std::int16_t>(raw) / 10.0};
}

}  // namespace

Result<Currents> decode_instant_currents(ByteView edt) {
  if (auto ok = detail::expect_size(epc::instant_currents, edt, 4); !ok) {
    return std::unexpected(ok.error());
  }
  return Currents{phase_current(detail::read_u16(edt, 0)), phase_current(detail::read_u16(edt, 2))};
}

}  // namespace hems::echonet::smart_meter
