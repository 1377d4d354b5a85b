#include "history_answer.hpp"

#include "hems/echonet/smart_meter.hpp"

namespace hems::meter::detail {
namespace sm = echonet::smart_meter;
namespace {

// raw x coefficient x unit, as the live values; absent for "no data" and for a value the meter's
// digits cannot show (garbled, never guessed at).
std::optional<double> to_kwh(const sm::Measured<std::uint32_t>& raw,
                             const MeterIdentity& identity) {
  if (!raw.ok() || identity.unit_kwh <= 0.0)
    return std::nullopt;
  if (identity.digits >= 1 && identity.digits <= 8) {
    std::uint64_t limit = 1;
    for (int i = 0; i < identity.digits; ++i)
      limit *= 10;
    if (raw.value >= limit)
      return std::nullopt;
  }
  return sm::to_kwh(raw.value, identity.coefficient, identity.unit_kwh);
}

Result<std::vector<std::optional<double>>> read_slots(const echonet::Property* property,
                                                      const MeterIdentity& identity, int& day) {
  std::vector<std::optional<double>> out(kHalfHoursPerDay);
  if (!property || property->edt.empty())
    return out;  // not given: every value absent
  auto decoded = sm::decode_history_day(property->edt);
  if (!decoded)
    return std::unexpected(decoded.error());
  day = decoded->day;
  for (int slot = 0; slot < kHalfHoursPerDay; ++slot)
    out[static_cast<std::size_t>(slot)] =
        to_kwh(decoded->slots[static_cast<std::size_t>(slot)], identity);
  return out;
}

}  // namespace

Result<DayValues> read_day_answer(const echonet::Frame& reply, const MeterIdentity& identity) {
  DayValues values;
  const echonet::Property* normal = reply.find(sm::epc::history_normal);
  if (!normal || normal->edt.empty())
    return values;  // held stays false
  values.held = true;
  int normal_day = -1;
  auto import = read_slots(normal, identity, normal_day);
  if (!import)
    return std::unexpected(import.error());
  values.import_kwh = std::move(*import);
  values.day = normal_day;
  int reverse_day = normal_day;
  auto exported = read_slots(reply.find(sm::epc::history_reverse), identity, reverse_day);
  if (!exported)
    return std::unexpected(exported.error());
  if (reverse_day != normal_day) {
    return fail("EPC 0xE2 is for day " + std::to_string(normal_day) + " but 0xE4 for day " +
                std::to_string(reverse_day));
  }
  values.export_kwh = std::move(*exported);
  // A date the meter cannot mean is ignored: the date of the last boundary seen stands in for it.
  if (const echonet::Property* date = reply.find(sm::epc::current_date);
      date && !date->edt.empty()) {
    if (auto d = sm::decode_current_date(date->edt)) {
      if (auto at = to_meter_time(sm::DateTime{d->year, d->month, d->day, 0, 0, 0}))
        values.meter_today = date_of(*at);
    }
  } else if (const echonet::Property* fixed = reply.find(sm::epc::fixed_normal);
             fixed && !fixed->edt.empty()) {
    if (auto f = sm::decode_fixed_energy(fixed->edt)) {
      if (auto at = to_meter_time(f->at))
        values.meter_today = date_of(*at);
    }
  }
  return values;
}

std::vector<HistoryRecord> records_of(MeterDate date, const DayValues& values) {
  std::vector<HistoryRecord> out;
  for (std::size_t slot = 0; slot < values.import_kwh.size(); ++slot) {
    const auto& import = values.import_kwh[slot];
    const auto& exported = values.export_kwh[slot];
    if (!import && !exported)
      continue;
    out.push_back(
        HistoryRecord{MeterTime{date} + kHalfHour * static_cast<int>(slot), import, exported});
  }
  return out;
}

}  // namespace hems::meter::detail
