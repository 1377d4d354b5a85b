// The cumulative registers (E0/E3, EA/EB, D0), the values that scale them (D3, E1, D7) and the
// arithmetic on them.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "smart_meter_fields.hpp"

namespace hems::echonet::smart_meter {

using detail::expect_size;

Result<Measured<std::uint32_t>> decode_cumulative(ByteView edt) {
  // E0 and E3 share the format, so errors name both.
  constexpr std::string_view kWho = "EPC 0xE0/0xE3";
  if (edt.size() != 4) {
    return fail(std::string(kWho) + ": EDT is " + std::to_string(edt.size()) +
                " bytes, expected 4");
  }
  return detail::read_counter(kWho, edt, 0);
}

Result<std::uint32_t> decode_coefficient(ByteView edt) {
  if (auto ok = expect_size(epc::coefficient, edt, 4); !ok)
    return std::unexpected(ok.error());
  const std::uint32_t value = detail::read_u32(edt, 0);
  if (value > 999'999) {
    return fail("EPC 0xD3: coefficient " + std::to_string(value) + " is out of range (0..999999)");
  }
  return value;
}

Result<double> decode_energy_unit(ByteView edt) {
  if (auto ok = expect_size(epc::unit, edt, 1); !ok)
    return std::unexpected(ok.error());
  switch (edt[0]) {
    case 0x00:
      return 1.0;
    case 0x01:
      return 0.1;
    case 0x02:
      return 0.01;
    case 0x03:
      return 0.001;
    case 0x04:
      return 0.0001;
    case 0x0A:
      return 10.0;
    case 0x0B:
      return 100.0;
    case 0x0C:
      return 1000.0;
    case 0x0D:
      return 10000.0;
    default:
      return fail("EPC 0xE1: unit code " + detail::hex_byte(edt[0]) +
                  " is not defined (00..04, 0A..0D)");
  }
}

Result<std::uint8_t> decode_effective_digits(ByteView edt) {
  if (auto ok = expect_size(epc::effective_digits, edt, 1); !ok) {
    return std::unexpected(ok.error());
  }
  if (edt[0] < 1 || edt[0] > 8) {
    return fail("EPC 0xD7: effective digits " + std::to_string(edt[0]) + " is out of range (1..8)");
  }
  return edt[0];
}

Result<FixedEnergy> decode_fixed_energy(ByteView edt) {
  // EA and EB share the format, so errors name both.
  constexpr std::string_view kWho = "EPC 0xEA/0xEB";
  if (edt.size() != 11) {
    return fail(std::string(kWho) + ": EDT is " + std::to_string(edt.size()) +
                " bytes, expected 11");
  }
  auto at = detail::read_date_time(kWho, edt, 0, true);
  if (!at)
    return std::unexpected(at.error());
  auto raw = detail::read_counter(kWho, edt, 7);
  if (!raw)
    return std::unexpected(raw.error());
  return FixedEnergy{*at, *raw};
}

Result<MinuteEnergy> decode_minute_energy(ByteView edt) {
  if (auto ok = expect_size(epc::minute_energy, edt, 15); !ok)
    return std::unexpected(ok.error());
  constexpr std::string_view kWho = "EPC 0xD0";
  auto at = detail::read_date_time(kWho, edt, 0, true);
  if (!at)
    return std::unexpected(at.error());
  auto normal = detail::read_counter(kWho, edt, 7);
  if (!normal)
    return std::unexpected(normal.error());
  auto reverse = detail::read_counter(kWho, edt, 11);
  if (!reverse)
    return std::unexpected(reverse.error());
  return MinuteEnergy{*at, *normal, *reverse};
}

double to_kwh(std::uint32_t raw, std::uint32_t coefficient, double unit_kwh) {
  return static_cast<double>(raw) * static_cast<double>(coefficient) * unit_kwh;
}

std::uint64_t counter_delta(std::uint32_t prev, std::uint32_t cur, std::uint8_t digits) {
  static constexpr std::array<std::uint64_t, 9> kPowers{
      1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000};
  const std::uint64_t modulus = kPowers[std::clamp<std::uint8_t>(digits, 1, 8)];
  const std::uint64_t from = prev % modulus;
  const std::uint64_t to = cur % modulus;
  return (to + modulus - from) % modulus;
}

}  // namespace hems::echonet::smart_meter
