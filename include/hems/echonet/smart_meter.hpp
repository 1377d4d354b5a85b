#pragma once

// Values of the low-voltage smart electric energy meter (class 0x0288) as read over the B-route:
// one decoder per EPC, each checking the EDT size and the documented range. Sentinels the meter
// uses on purpose ("no data", "overflow", "underflow") come back as a Status, never as an error;
// anything outside the documented range is an error, never a guess.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::echonet::smart_meter {

namespace epc {
inline constexpr std::uint8_t operation_status = 0x80;
inline constexpr std::uint8_t installation_location = 0x81;
inline constexpr std::uint8_t standard_version = 0x82;
inline constexpr std::uint8_t identification_number = 0x83;
inline constexpr std::uint8_t fault_status = 0x88;
inline constexpr std::uint8_t manufacturer_code = 0x8A;
inline constexpr std::uint8_t serial_number = 0x8D;
inline constexpr std::uint8_t current_time = 0x97;
inline constexpr std::uint8_t current_date = 0x98;
inline constexpr std::uint8_t status_change_map = 0x9D;
inline constexpr std::uint8_t set_map = 0x9E;
inline constexpr std::uint8_t get_map = 0x9F;
inline constexpr std::uint8_t route_b_id = 0xC0;
inline constexpr std::uint8_t minute_energy = 0xD0;  // newer releases
inline constexpr std::uint8_t coefficient = 0xD3;
inline constexpr std::uint8_t effective_digits = 0xD7;
inline constexpr std::uint8_t cumulative_normal = 0xE0;
inline constexpr std::uint8_t unit = 0xE1;
inline constexpr std::uint8_t history_normal = 0xE2;
inline constexpr std::uint8_t cumulative_reverse = 0xE3;
inline constexpr std::uint8_t history_reverse = 0xE4;
inline constexpr std::uint8_t history_day = 0xE5;
inline constexpr std::uint8_t instant_power = 0xE7;
inline constexpr std::uint8_t instant_currents = 0xE8;
inline constexpr std::uint8_t fixed_normal = 0xEA;
inline constexpr std::uint8_t fixed_reverse = 0xEB;
inline constexpr std::uint8_t history2 = 0xEC;
inline constexpr std::uint8_t history2_setting = 0xED;
inline constexpr std::uint8_t history3 = 0xEE;          // newer releases
inline constexpr std::uint8_t history3_setting = 0xEF;  // newer releases
}  // namespace epc

// Largest cumulative register value (8 digits); 0xFFFFFFFE is the "no data" sentinel.
inline constexpr std::uint32_t kMaxCumulative = 99'999'999;

enum class Status { ok, no_data, overflow, underflow };
std::string_view to_string(Status status);  // "ok", "no_data", "overflow", "underflow"

template <typename T>
struct Measured {
  Status status = Status::no_data;
  T value{};  // meaningful only when ok()
  bool ok() const { return status == Status::ok; }
  bool operator==(const Measured&) const = default;
};

// A meter's local date and time, as the meter states it (no time zone).
struct DateTime {
  std::uint16_t year = 0;
  std::uint8_t month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string to_iso8601() const;  // "2026-05-20T14:00:00"
  bool operator==(const DateTime&) const = default;
};

// --- Instantaneous values and the cumulative registers -------------------------------------------

// E7: watts, signed (negative = reverse flow). 0x7FFFFFFE no data, 0x7FFFFFFF overflow,
// 0x80000000 underflow.
Result<Measured<std::int32_t>> decode_instant_power(ByteView edt);

// E8: R and T phase in amperes (0.1 A steps), signed. Per phase 0x7FFE no data (also T on a
// single-phase two-wire meter), 0x7FFF overflow, 0x8000 underflow.
struct Currents {
  Measured<double> r;
  Measured<double> t;
};
Result<Currents> decode_instant_currents(ByteView edt);

// E0/E3: the raw counter (0..99,999,999); 0xFFFFFFFE no data.
Result<Measured<std::uint32_t>> decode_cumulative(ByteView edt);
// D3: multiplier for every cumulative value (0..999,999). Meters that answer SNA mean 1.
Result<std::uint32_t> decode_coefficient(ByteView edt);
// E1: kWh per count (code 0x00 -> 1, 0x01 -> 0.1, ... 0x04 -> 0.0001, 0x0A -> 10 ... 0x0D ->
// 10000).
Result<double> decode_energy_unit(ByteView edt);
// D7: number of digits of the cumulative register (1..8); the counter wraps at 10^digits.
Result<std::uint8_t> decode_effective_digits(ByteView edt);

// EA/EB: the register at the latest 30-minute boundary, 11 bytes.
struct FixedEnergy {
  DateTime at;
  Measured<std::uint32_t> raw;
};
Result<FixedEnergy> decode_fixed_energy(ByteView edt);

// D0 (newer releases): both registers at the latest minute, 15 bytes.
struct MinuteEnergy {
  DateTime at;
  Measured<std::uint32_t> normal;
  Measured<std::uint32_t> reverse;
};
Result<MinuteEnergy> decode_minute_energy(ByteView edt);

// --- Historical data
// -------------------------------------------------------------------------------

// E2/E4, 194 bytes: 48 half-hour readings (00:00, 00:30, ... 23:30) of the day `day` days ago.
struct HistoryDay {
  static constexpr std::uint16_t kNotSet = 0x00FF;  // the meter's initial value for the day
  std::uint16_t day = 0;                            // 0..99, or kNotSet
  std::vector<Measured<std::uint32_t>> slots;       // always 48
};
Result<HistoryDay> decode_history_day(ByteView edt);

// E5: which day E2/E4 report (0 = today ... 99); nullopt when the meter reports 0xFF (not set).
Result<std::optional<std::uint8_t>> decode_history_day_setting(ByteView edt);

// EC (history 2, 30-minute steps, n 1..12) and EE (history 3, 1-minute steps, n 1..10): pairs of
// normal and reverse readings. slots[0] is at `at`; slots[k] is k steps *earlier*.
struct EnergyPair {
  Measured<std::uint32_t> normal;
  Measured<std::uint32_t> reverse;
  bool operator==(const EnergyPair&) const = default;
};
struct HistoryPairs {
  DateTime at;  // second is always 0
  std::vector<EnergyPair> slots;
};
Result<HistoryPairs> decode_history2(ByteView edt);
Result<HistoryPairs> decode_history3(ByteView edt);

// ED/EF: where history 2/3 start and how many slots they hold. A year of 0xFFFF means the meter
// has not been told yet: `at` is nullopt and `count` is passed through unchecked.
struct HistorySetting {
  std::optional<DateTime> at;  // second is always 0
  std::uint8_t count = 0;
};
Result<HistorySetting> decode_history2_setting(ByteView edt);
Result<HistorySetting> decode_history3_setting(ByteView edt);

// --- Superclass properties
// -------------------------------------------------------------------------

// 80: true when ON (0x30), false when OFF (0x31).
Result<bool> decode_operation_status(ByteView edt);

// 81: a location code (1 byte), or 0x01 followed by 16 bytes of free-form location data.
struct InstallationLocation {
  std::uint8_t code = 0;  // 0x00 not set, 0xFF undetermined, else the location code
  Bytes free_form;        // the 16 bytes after 0x01 in the 17-byte form, otherwise empty
};
Result<InstallationLocation> decode_installation_location(ByteView edt);

// 82: `00 00 <release letter> <revision>`, e.g. 00 00 46 00 = Release F.
struct StandardVersion {
  char release = 'A';
  std::uint8_t revision = 0;
};
Result<StandardVersion> decode_standard_version(ByteView edt);

// 88: true when a fault is reported (0x41), false for no fault (0x42).
Result<bool> decode_fault_status(ByteView edt);

// 8A: the 3-byte ECHONET manufacturer code as a number (00 00 16 -> 0x16).
Result<std::uint32_t> decode_manufacturer_code(ByteView edt);

// 8D: 12 ASCII characters; NUL and space padding on either side is trimmed.
Result<std::string> decode_serial_number(ByteView edt);

// 97: hour and minute.
struct TimeOfDay {
  std::uint8_t hour = 0, minute = 0;
};
Result<TimeOfDay> decode_current_time(ByteView edt);

// 98: year, month, day.
struct Date {
  std::uint16_t year = 0;
  std::uint8_t month = 0, day = 0;
};
Result<Date> decode_current_date(ByteView edt);

// --- Arithmetic ----------------------------------------------------------------------------------

// raw x coefficient x unit: the kWh a counter value stands for.
double to_kwh(std::uint32_t raw, std::uint32_t coefficient, double unit_kwh);

// Counts advanced from `prev` to `cur` on a counter that wraps at 10^digits (a reading below the
// previous one is taken as one wrap). `digits` is clamped to 1..8, and both readings are reduced
// modulo 10^digits first. Callers decide whether a large delta is plausible.
std::uint64_t counter_delta(std::uint32_t prev, std::uint32_t cur, std::uint8_t digits);

// --- Values the reader writes (SetC)
// ---------------------------------------------------------------

// E5 = day (0 = today ... 99), before reading E2/E4.
Result<Property> make_history_day_setting(std::uint8_t day);
// ED = start of history 2 (minute 0 or 30, second ignored) and slot count 1..12.
Result<Property> make_history2_setting(const DateTime& at, std::uint8_t count);
// EF = start of history 3 (second ignored) and slot count 1..10.
Result<Property> make_history3_setting(const DateTime& at, std::uint8_t count);

}  // namespace hems::echonet::smart_meter
