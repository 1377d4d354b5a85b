#pragma once

// The smart meter's own clock. The meter states local wall-clock times (Japan time on every
// B-route meter) without a zone; the bridge keeps them as they are, never converted through the
// host's clock or zone, which may be wrong for minutes after a boot without a real-time clock.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hems/echonet/smart_meter.hpp"

namespace hems::meter {

using MeterTime = std::chrono::local_seconds;
using MeterDate = std::chrono::local_days;

// The meter fixes its registers every 30 minutes, at :00 and :30.
inline constexpr std::chrono::minutes kHalfHour{30};
inline constexpr int kHalfHoursPerDay = 48;

// nullopt when the fields do not form a real date and time.
std::optional<MeterTime> to_meter_time(const echonet::smart_meter::DateTime& at);
MeterDate date_of(MeterTime at);
// "2026-05-20T14:00:00"
std::string to_iso8601(MeterTime at);
// "2026-05-20"
std::string to_iso_date(MeterDate date);
// Parses what to_iso8601 writes; nullopt for anything else.
std::optional<MeterTime> parse_iso8601(std::string_view text);
// Parses "YYYY-MM-DD" (a real calendar date); nullopt for anything else.
std::optional<MeterDate> parse_iso_date(std::string_view text);

}  // namespace hems::meter
