#include "hems/meter/meter_time.hpp"

#include <cstdio>

namespace hems::meter {
namespace {

// Reads exactly `width` decimal digits at `at`; nullopt when they are not all digits.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t width) {
  if (at + width > text.size())
    return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<MeterDate> make_date(int year, int month, int day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok())
    return std::nullopt;
  return MeterDate{ymd};
}

}  // namespace

std::optional<MeterTime> to_meter_time(const echonet::smart_meter::DateTime& at) {
  auto date = make_date(at.year, at.month, at.day);
  if (!date || at.hour > 23 || at.minute > 59 || at.second > 59)
    return std::nullopt;
  return MeterTime{*date} + std::chrono::hours{at.hour} + std::chrono::minutes{at.minute} +
         std::chrono::seconds{at.second};
}

MeterDate date_of(MeterTime at) {
  return std::chrono::floor<std::chrono::days>(at);
}

std::string to_iso_date(MeterDate date) {
  const std::chrono::year_month_day ymd{date};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string to_iso8601(MeterTime at) {
  const MeterDate date = date_of(at);
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{at - MeterTime{date}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  std::string out = to_iso_date(date);
  out += buf;
  return out;
}

std::optional<MeterDate> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  if (!year || !month || !day)
    return std::nullopt;
  return make_date(*year, *month, *day);
}

std::optional<MeterTime> parse_iso8601(std::string_view text) {
  if (text.size() != 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto date = parse_iso_date(text.substr(0, 10));
  auto hour = digits(text, 11, 2);
  auto minute = digits(text, 14, 2);
  auto second = digits(text, 17, 2);
  if (!date || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  return MeterTime{*date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{*second};
}

}  // namespace hems::meter
