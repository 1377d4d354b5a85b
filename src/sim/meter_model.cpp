#include "hems/sim/meter_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace hems::sim {
namespace {

constexpr std::int64_t kSlotSeconds = 1800;
constexpr std::int64_t kDaySeconds = 86400;
constexpr SimMs kWalkStep{10'000};
// How far back before the start the meter pretends to have history.
constexpr std::int64_t kSyntheticHistorySeconds = 45 * kDaySeconds;

// EPCs of the 0x0288 object this meter answers (real release-F meter set, REFERENCE §12).
constexpr std::array<std::uint8_t, 25> kMeterEpcs{
    0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D, 0x9E, 0x9F, 0xD3, 0xD7,
    0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED};
constexpr std::array<std::uint8_t, 3> kMeterAnnounceEpcs{0x80, 0x81, 0x88};
constexpr std::array<std::uint8_t, 3> kMeterSetEpcs{0x81, 0xE5, 0xED};
constexpr std::array<std::uint8_t, 11> kNodeProfileEpcs{0x80, 0x82, 0x83, 0x8A, 0x9D, 0x9E,
                                                        0x9F, 0xD3, 0xD4, 0xD6, 0xD7};
constexpr std::array<std::uint8_t, 2> kNodeProfileAnnounceEpcs{0x80, 0xD5};
constexpr std::array<std::uint8_t, 3> kManufacturer{0x00, 0x00, 0x16};

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Civil to_civil(std::int64_t epoch_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epoch_seconds}};
  const auto days = floor<std::chrono::days>(t);
  const year_month_day ymd{days};
  const auto rest = t - days;
  const auto h = duration_cast<hours>(rest);
  const auto m = duration_cast<minutes>(rest - h);
  const auto s = rest - h - m;
  return {static_cast<int>(ymd.year()),     static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), static_cast<unsigned>(h.count()),
          static_cast<unsigned>(m.count()), static_cast<unsigned>(s.count())};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

double unit_kwh(std::uint8_t code) {
  switch (code) {
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
      return 0.1;
  }
}

void put_date_time(Bytes& out, const Civil& c, bool with_seconds) {
  put_u16(out, static_cast<std::uint16_t>(c.year));
  out.push_back(static_cast<std::uint8_t>(c.month));
  out.push_back(static_cast<std::uint8_t>(c.day));
  out.push_back(static_cast<std::uint8_t>(c.hour));
  out.push_back(static_cast<std::uint8_t>(c.minute));
  if (with_seconds)
    out.push_back(static_cast<std::uint8_t>(c.second));
}

std::int16_t clamp_current(std::int64_t tenths) {
  return static_cast<std::int16_t>(std::clamp<std::int64_t>(tenths, -32765, 32765));
}

}  // namespace

MeterModel::MeterModel(const SimOptions& options, std::chrono::sys_seconds clock_start)
    : options_(options),
      clock_start_(clock_start.time_since_epoch().count()),
      rng_(options.seed),
      power_w_(options.pv ? 300 : 650) {
  modulus_ = 1;
  for (int d = 0; d < options_.digits; ++d)
    modulus_ *= 10;
  raw_per_kwh_ = 1.0 / (unit_kwh(options_.unit) * options_.coefficient.value_or(1));
  import_acc_ = static_cast<double>(options_.energy_start % modulus_);
  export_acc_ = options_.pv ? static_cast<double>(1234 % modulus_) : 0.0;
  start_boundary_ = floor_div(clock_start_, kSlotSeconds) * kSlotSeconds;
  last_boundary_ = start_boundary_;
}

std::uint32_t MeterModel::wrap(double accumulated) const {
  const auto whole = static_cast<std::uint64_t>(std::floor(accumulated));
  return static_cast<std::uint32_t>(whole % modulus_);
}

std::uint32_t MeterModel::import_raw() const {
  return wrap(import_acc_);
}
std::uint32_t MeterModel::export_raw() const {
  return wrap(export_acc_);
}

std::chrono::sys_seconds MeterModel::clock() const {
  return std::chrono::sys_seconds{
      std::chrono::seconds{clock_start_ + std::chrono::floor<std::chrono::seconds>(now_).count()}};
}

void MeterModel::walk_power() {
  // Bounded random walk pulled gently towards a household mean.
  const std::int32_t lo = options_.pv ? -2500 : 80;
  const std::int32_t hi = options_.pv ? 3500 : 4500;
  const std::int32_t mean = options_.pv ? 200 : 700;
  const auto step = static_cast<std::int32_t>(rng_() % 301) - 150;
  power_w_ += step + (mean - power_w_) / 20;
  power_w_ = std::clamp(power_w_, lo, hi);
}

int MeterModel::advance_to(SimMs now) {
  int boundaries = 0;
  while (now_ < now) {
    const SimMs next_boundary{(last_boundary_ + kSlotSeconds - clock_start_) * 1000};
    const SimMs next = std::min({now, next_walk_, next_boundary});
    const double hours = static_cast<double>((next - now_).count()) / 3.6e6;
    const double kwh = static_cast<double>(power_w_) * hours / 1000.0;
    if (kwh > 0) {
      import_acc_ += kwh * raw_per_kwh_;
    } else {
      export_acc_ += -kwh * raw_per_kwh_;
    }
    now_ = next;
    if (now_ == next_walk_) {
      walk_power();
      next_walk_ += kWalkStep;
    }
    if (now_ == next_boundary) {
      last_boundary_ += kSlotSeconds;
      history_[last_boundary_] = {import_raw(), export_raw()};
      // Keep about 100 days: E2/E4 reach back 99 days.
      while (!history_.empty() && history_.begin()->first < last_boundary_ - 100 * kDaySeconds) {
        history_.erase(history_.begin());
      }
      ++boundaries;
    }
  }
  return boundaries;
}

std::pair<std::uint32_t, std::uint32_t> MeterModel::history_value(std::int64_t boundary) const {
  if (boundary > last_boundary_)
    return {kNoData, kNoData};
  if (auto it = history_.find(boundary); it != history_.end())
    return it->second;
  if (boundary > start_boundary_ || start_boundary_ - boundary > kSyntheticHistorySeconds) {
    return {kNoData, kNoData};
  }
  // Before the start: pretend a steady 0.25 kWh (and 0.1 kWh of export with PV) per slot.
  const auto slots = (start_boundary_ - boundary) / kSlotSeconds;
  const auto m = static_cast<std::int64_t>(modulus_);
  auto back = [&](double start, double kwh_per_slot) {
    const auto per_slot = static_cast<std::int64_t>(std::llround(kwh_per_slot * raw_per_kwh_));
    const auto value = static_cast<std::int64_t>(std::floor(start)) - slots * per_slot;
    return static_cast<std::uint32_t>(((value % m) + m) % m);
  };
  const double import_start = static_cast<double>(options_.energy_start % modulus_);
  const double export_start = options_.pv ? static_cast<double>(1234 % modulus_) : 0.0;
  return {back(import_start, 0.25), back(export_start, options_.pv ? 0.1 : 0.0)};
}

Bytes MeterModel::history_day(std::uint8_t days_ago, bool reverse) const {
  Bytes out;
  put_u16(out, days_ago);
  const auto today = floor_div(clock().time_since_epoch().count(), kDaySeconds) * kDaySeconds;
  const auto day_start = today - static_cast<std::int64_t>(days_ago) * kDaySeconds;
  for (int slot = 0; slot < 48; ++slot) {
    auto [normal, rev] = history_value(day_start + slot * kSlotSeconds);
    put_u32(out, reverse ? rev : normal);
  }
  return out;
}

Bytes MeterModel::fixed_value(bool reverse) const {
  Bytes out;
  put_date_time(out, to_civil(last_boundary_), true);
  auto [normal, rev] = history_value(last_boundary_);
  put_u32(out, reverse ? rev : normal);
  return out;
}

Bytes MeterModel::history2() const {
  std::int64_t start = last_boundary_;
  std::uint8_t count = 12;
  if (history2_request_) {
    const Bytes& r = *history2_request_;
    using namespace std::chrono;
    const year_month_day ymd{year{(r[0] << 8) | r[1]}, month{r[2]}, day{r[3]}};
    start = (sys_days{ymd}.time_since_epoch().count()) * kDaySeconds + r[4] * 3600 + r[5] * 60;
    count = r[6];
  }
  Bytes out;
  put_date_time(out, to_civil(start), false);
  out.push_back(count);
  for (std::uint8_t i = 0; i < count; ++i) {
    auto [normal, rev] = history_value(start - i * kSlotSeconds);
    put_u32(out, normal);
    put_u32(out, rev);
  }
  return out;
}

std::optional<Bytes> MeterModel::meter_property(std::uint8_t epc) {
  const Civil now = to_civil(clock().time_since_epoch().count());
  Bytes out;
  switch (epc) {
    case 0x80:
      return Bytes{0x30};
    case 0x81:
      return Bytes{location_};
    case 0x82:
      return Bytes{0x00, 0x00, 'F', 0x00};
    case 0x88:
      return Bytes{0x42};
    case 0x8A:
      return Bytes(kManufacturer.begin(), kManufacturer.end());
    case 0x8D: {
      const std::string serial = "SIM000000001";
      return Bytes(serial.begin(), serial.end());
    }
    case 0x97:
      return Bytes{static_cast<std::uint8_t>(now.hour), static_cast<std::uint8_t>(now.minute)};
    case 0x98:
      put_u16(out, static_cast<std::uint16_t>(now.year));
      out.push_back(static_cast<std::uint8_t>(now.month));
      out.push_back(static_cast<std::uint8_t>(now.day));
      return out;
    case 0x9D:
      return encode_property_map(kMeterAnnounceEpcs);
    case 0x9E:
      return encode_property_map(kMeterSetEpcs);
    case 0x9F: {
      std::vector<std::uint8_t> epcs;
      for (auto e : kMeterEpcs) {
        if (e != 0xD3 || options_.coefficient)
          epcs.push_back(e);
      }
      return encode_property_map(epcs);
    }
    case 0xD3:
      if (!options_.coefficient)
        return std::nullopt;
      put_u32(out, *options_.coefficient);
      return out;
    case 0xD7:
      return Bytes{options_.digits};
    case 0xE0:
      put_u32(out, import_raw());
      return out;
    case 0xE1:
      return Bytes{options_.unit};
    case 0xE2:
      return history_day(history_day_, false);
    case 0xE3:
      put_u32(out, export_raw());
      return out;
    case 0xE4:
      return history_day(history_day_, true);
    case 0xE5:
      return Bytes{history_day_};
    case 0xE7: {
      const std::int32_t watts = forced_power_.value_or(power_w_);
      put_u32(out, static_cast<std::uint32_t>(watts));
      return out;
    }
    case 0xE8: {
      // Currents at 100 V in 0.1 A: |P| / 100 V * 10, split 60/40 over R and T.
      const std::int32_t watts = forced_power_.value_or(power_w_);
      const std::int64_t total = watts / 10;
      const auto r = options_.single_phase ? clamp_current(total) : clamp_current(total * 6 / 10);
      const auto t = options_.single_phase ? std::int16_t{0x7FFE} : clamp_current(total - r);
      put_u16(out, static_cast<std::uint16_t>(r));
      put_u16(out, static_cast<std::uint16_t>(t));
      return out;
    }
    case 0xEA:
      return fixed_value(false);
    case 0xEB:
      return fixed_value(true);
    case 0xEC:
      return history2();
    case 0xED:
      if (history2_request_)
        return *history2_request_;
      return Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    default:
      return std::nullopt;
  }
}

std::optional<Bytes> MeterModel::node_profile_property(std::uint8_t epc) const {
  Bytes out;
  switch (epc) {
    case 0x80:
      return Bytes{0x30};
    case 0x82:
      return Bytes{0x01, 0x0D, 0x01, 0x00};
    case 0x83: {
      out = {0xFE, kManufacturer[0], kManufacturer[1], kManufacturer[2]};
      auto mac = from_hex(options_.meter_mac).value_or(Bytes(8, 0));
      out.insert(out.end(), mac.begin(), mac.end());
      out.resize(17, 0x00);
      return out;
    }
    case 0x8A:
      return Bytes(kManufacturer.begin(), kManufacturer.end());
    case 0x9D:
      return encode_property_map(kNodeProfileAnnounceEpcs);
    case 0x9E:
      return Bytes{0x00};
    case 0x9F:
      return encode_property_map(kNodeProfileEpcs);
    case 0xD3:
      return Bytes{0x00, 0x00, 0x01};
    case 0xD4:
      return Bytes{0x00, 0x02};  // meter class + node profile class (OQ-11)
    case 0xD6:
      return Bytes{0x01, 0x02, 0x88, 0x01};
    case 0xD7:
      return Bytes{0x01, 0x02, 0x88};
    default:
      return std::nullopt;
  }
}

bool MeterModel::set_meter_property(std::uint8_t epc, const Bytes& edt) {
  switch (epc) {
    case 0x81:
      if (edt.size() != 1)
        return false;
      location_ = edt[0];
      return true;
    case 0xE5:
      if (edt.size() != 1 || edt[0] > 0x63 || edt[0] >= options_.history_days)
        return false;
      history_day_ = edt[0];
      return true;
    case 0xED: {
      if (edt.size() != 7)
        return false;
      using namespace std::chrono;
      const year_month_day ymd{year{(edt[0] << 8) | edt[1]}, month{edt[2]}, day{edt[3]}};
      if (!ymd.ok() || edt[4] > 23 || (edt[5] != 0 && edt[5] != 30) || edt[6] < 1 || edt[6] > 12) {
        return false;
      }
      history2_request_ = edt;
      return true;
    }
    default:
      return false;
  }
}

MeterReply MeterModel::handle(ByteView request) {
  MeterReply reply;
  auto frame = decode_frame(request);
  if (!frame) {
    reply.note = "dropped frame: " + frame.error().message;
    return reply;
  }
  const std::uint32_t cls = frame->deoj >> 8;
  const std::uint32_t instance = frame->deoj & 0xFF;
  const bool to_meter = cls == (kMeterEoj >> 8) && (instance == 0x01 || instance == 0x00);
  const bool to_profile = cls == (kNodeProfileEoj >> 8) && (instance == 0x01 || instance == 0x00);
  if (!to_meter && !to_profile) {
    reply.note =
        "dropped frame for EOJ " + to_hex(Bytes{static_cast<std::uint8_t>(frame->deoj >> 16),
                                                static_cast<std::uint8_t>(frame->deoj >> 8),
                                                static_cast<std::uint8_t>(frame->deoj)});
    return reply;
  }
  ElFrame out;
  out.tid = frame->tid;
  out.seoj = to_meter ? kMeterEoj : kNodeProfileEoj;
  out.deoj = frame->seoj;
  bool all_ok = true;
  switch (frame->esv) {
    case esv::kGet:
    case esv::kInfReq:
      for (const auto& p : frame->properties) {
        auto edt = to_meter ? meter_property(p.epc) : node_profile_property(p.epc);
        all_ok = all_ok && edt.has_value();
        out.properties.push_back(ElProperty{p.epc, edt.value_or(Bytes{})});
      }
      // The forced value (crlf-binary) holds for the whole request that read E7, E8 included.
      for (const auto& p : frame->properties) {
        if (to_meter && p.epc == 0xE7)
          forced_power_.reset();
      }
      if (frame->esv == esv::kGet) {
        out.esv = all_ok ? esv::kGetRes : esv::kGetSna;
      } else {
        out.esv = all_ok ? esv::kInf : esv::kInfSna;
      }
      break;
    case esv::kSetC:
    case esv::kSetI:
      for (const auto& p : frame->properties) {
        const bool ok = to_meter && set_meter_property(p.epc, p.edt);
        all_ok = all_ok && ok;
        // Accepted properties come back with PDC 0, refused ones as they were sent.
        out.properties.push_back(ok ? ElProperty{p.epc, {}} : p);
      }
      if (frame->esv == esv::kSetC) {
        out.esv = all_ok ? esv::kSetRes : esv::kSetCSna;
      } else if (all_ok) {
        reply.note = "SetI accepted";
        return reply;
      } else {
        out.esv = esv::kSetISna;
      }
      break;
    case esv::kInfcRes:
      reply.infc_res_tid = frame->tid;
      reply.note = "INFC_Res received";
      return reply;
    default:
      reply.note = "ignored ESV " + to_hex(Bytes{frame->esv});
      return reply;
  }
  std::string epcs;
  for (const auto& p : frame->properties) {
    if (!epcs.empty())
      epcs += ',';  // not `"," + to_hex(...)`: a false -Wrestrict with GCC 12 at -O2
    epcs += to_hex(Bytes{p.epc});
  }
  reply.note = "ESV " + to_hex(Bytes{frame->esv}) + " [" + epcs + "] -> " + to_hex(Bytes{out.esv});
  reply.frame = encode_frame(out);
  return reply;
}

Bytes MeterModel::fixed_energy_push(std::uint16_t tid, bool infc) const {
  ElFrame f{tid,
            kMeterEoj,
            kControllerEoj,
            infc ? esv::kInfc : esv::kInf,
            {ElProperty{0xEA, fixed_value(false)}, ElProperty{0xEB, fixed_value(true)}}};
  return encode_frame(f);
}

Bytes MeterModel::instance_list_announcement() {
  ElFrame f{0x0000,
            kNodeProfileEoj,
            kNodeProfileEoj,
            esv::kInf,
            {ElProperty{0xD5, Bytes{0x01, 0x02, 0x88, 0x01}}}};
  return encode_frame(f);
}

}  // namespace hems::sim
