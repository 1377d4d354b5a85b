#pragma once

// One day of the meter's memory as a Get of E2, E4 (and 0x98 or EA) brings it back, in kWh.

#include <optional>
#include <vector>

#include "hems/common/error.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/meter/history_backfill.hpp"
#include "hems/meter/meter_time.hpp"
#include "hems/meter/values.hpp"

namespace hems::meter::detail {

struct DayValues {
  bool held = false;  // false: the meter answered E2 with SNA
  int day = 0;        // the index E2 echoes
  // The meter's today in the same answer: 0x98, or else the date of its latest boundary (EA).
  std::optional<MeterDate> meter_today;
  // kHalfHoursPerDay entries each: 00:00, 00:30, ... 23:30; absent where the meter has no value.
  std::vector<std::optional<double>> import_kwh;
  std::vector<std::optional<double>> export_kwh;
};

// An error for an answer that cannot be read (malformed E2/E4): worth asking again.
Result<DayValues> read_day_answer(const echonet::Frame& reply, const MeterIdentity& identity);

// The day's records that have at least one value, in time order.
std::vector<HistoryRecord> records_of(MeterDate date, const DayValues& values);

}  // namespace hems::meter::detail
