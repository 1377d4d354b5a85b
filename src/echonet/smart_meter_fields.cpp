#include "smart_meter_fields.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace hems::echonet::smart_meter {

std::string DateTime::to_iso8601() const {
  std::array<char, 40> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04u-%02u-%02uT%02u:%02u:%02u", unsigned{year},
                unsigned{month}, unsigned{day}, unsigned{hour}, unsigned{minute}, unsigned{second});
  return buffer.data();
}

namespace detail {
namespace {

bool is_leap_year(unsigned year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(unsigned year, unsigned month) {
  static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

}  // namespace

Result<void> check_range(std::string_view who, std::string_view field, unsigned value, unsigned low,
                         unsigned high) {
  if (value >= low && value <= high)
    return {};
  return fail(std::string(who) + ": " + std::string(field) + " " + std::to_string(value) +
              " is out of range (" + std::to_string(low) + ".." + std::to_string(high) + ")");
}

Result<void> check_date(std::string_view who, std::uint16_t year, std::uint8_t month,
                        std::uint8_t day) {
  if (auto ok = check_range(who, "year", year, 1, 9999); !ok)
    return ok;
  if (auto ok = check_range(who, "month", month, 1, 12); !ok)
    return ok;
  return check_range(who, "day", day, 1, days_in_month(year, month));
}

Result<void> check_date_time(std::string_view who, const DateTime& at) {
  if (auto ok = check_date(who, at.year, at.month, at.day); !ok)
    return ok;
  if (auto ok = check_range(who, "hour", at.hour, 0, 23); !ok)
    return ok;
  if (auto ok = check_range(who, "minute", at.minute, 0, 59); !ok)
    return ok;
  return check_range(who, "second", at.second, 0, 59);
}

Result<DateTime> read_date_time(std::string_view who, ByteView edt, std::size_t offset,
                                bool with_seconds) {
  DateTime at;
  at.year = read_u16(edt, offset);
  at.month = edt[offset + 2];
  at.day = edt[offset + 3];
  at.hour = edt[offset + 4];
  at.minute = edt[offset + 5];
  at.second = with_seconds ? edt[offset + 6] : std::uint8_t{0};
  if (auto ok = check_date_time(who, at); !ok)
    return std::unexpected(ok.error());
  return at;
}

Result<Measured<std::uint32_t>> read_counter(std::string_view who, ByteView edt,
                                             std::size_t offset) {
  const std::uint32_t raw = read_u32(edt, offset);
  if (raw == kNoData32)
    return Measured<std::uint32_t>{Status::no_data, 0};
  if (raw > kMaxCumulative) {
    return fail(std::string(who) + ": counter value " + std::to_string(raw) +
                " is above the 8-digit maximum 99999999");
  }
  return Measured<std::uint32_t>{Status::ok, raw};
}

}  // namespace detail
}  // namespace hems::echonet::smart_meter
