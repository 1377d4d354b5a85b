#include <gtest/gtest.h>

#include "hems/sim/meter_model.hpp"
#include "sim_harness.hpp"

namespace hems::sim {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

std::chrono::sys_seconds at(std::string_view text) {
  return parse_local_datetime(text).value();
}

ElFrame get(MeterModel& m, std::initializer_list<std::uint8_t> epcs, std::uint16_t tid = 7) {
  ElFrame req{tid, kControllerEoj, kMeterEoj, esv::kGet, {}};
  for (auto e : epcs)
    req.properties.push_back(ElProperty{e, {}});
  auto reply = m.handle(encode_frame(req));
  EXPECT_TRUE(reply.frame.has_value()) << reply.note;
  return decode_frame(reply.frame.value_or(Bytes{})).value_or(ElFrame{});
}

std::uint32_t u32(const Bytes& b, std::size_t at = 0) {
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | b[at + 3];
}

TEST(SimMeter, AnswersAMultiEpcGetWithStaticValues) {
  SimOptions o;
  MeterModel m(o, at("2026-05-20T13:59:00"));
  auto f = get(m, {0xE1, 0xD3, 0xD7, 0x9F, 0x97, 0x98});
  EXPECT_EQ(f.esv, esv::kGetRes);
  EXPECT_EQ(f.seoj, kMeterEoj);
  EXPECT_EQ(f.deoj, kControllerEoj);
  EXPECT_EQ(f.tid, 7);
  ASSERT_EQ(f.properties.size(), 6u);
  EXPECT_EQ(to_hex(f.properties[0].edt), "01");
  EXPECT_EQ(to_hex(f.properties[1].edt), "00000001");
  EXPECT_EQ(to_hex(f.properties[2].edt), "06");
  EXPECT_EQ(to_hex(f.properties[3].edt), "1941414160404000624300414040430202");
  EXPECT_EQ(to_hex(f.properties[4].edt), "0D3B");
  EXPECT_EQ(to_hex(f.properties[5].edt), "07EA0514");
}

TEST(SimMeter, PartialGetAnswersGetSnaWithTheSupportedOnesFilled) {
  SimOptions o;
  o.coefficient.reset();
  MeterModel m(o, at("2026-05-20T13:59:00"));
  auto f = get(m, {0xE0, 0xE1, 0xD3, 0xD7, 0x83});
  EXPECT_EQ(f.esv, esv::kGetSna);
  ASSERT_EQ(f.properties.size(), 5u);
  EXPECT_EQ(f.properties[0].edt.size(), 4u);
  EXPECT_EQ(f.properties[1].edt, Bytes{0x01});
  EXPECT_TRUE(f.properties[2].edt.empty());
  EXPECT_EQ(f.properties[3].edt, Bytes{0x06});
  EXPECT_TRUE(f.properties[4].edt.empty());
  // The Get map no longer lists D3: 24 EPCs, still bitmap form.
  auto map = get(m, {0x9F}).properties[0].edt;
  ASSERT_EQ(map.size(), 17u);
  EXPECT_EQ(map[0], 24);
  EXPECT_EQ(map[1 + 3] & 0x20, 0);  // bit for D3 cleared
}

TEST(SimMeter, CumulativeEnergyIntegratesPowerAndWrapsAtTenToTheDigits) {
  SimOptions o;
  o.digits = 6;
  o.unit = 0x02;  // 0.01 kWh: about 70 raw per hour at 700 W
  o.energy_start = 999'900;
  MeterModel m(o, at("2026-05-20T13:59:00"));
  std::uint32_t last = m.import_raw();
  bool wrapped = false;
  for (int i = 1; i <= 12 && !wrapped; ++i) {
    m.advance_to(SimMs{hours{i}});
    const std::uint32_t now = m.import_raw();
    if (now < last) {
      wrapped = true;
      EXPECT_LT(now, 1000u);
    }
    last = now;
  }
  EXPECT_TRUE(wrapped);
  EXPECT_LT(m.import_raw(), 1'000'000u);
  auto f = get(m, {0xE0});
  EXPECT_EQ(u32(f.properties[0].edt), m.import_raw());
}

TEST(SimMeter, FixedTimeValuesAndHistoryFollowThe30MinuteBoundaries) {
  SimOptions o;
  MeterModel m(o, at("2026-05-20T13:59:00"));
  EXPECT_EQ(m.advance_to(SimMs{minutes{1} - SimMs{1}}), 0);
  EXPECT_EQ(m.advance_to(SimMs{minutes{1}}), 1);  // 14:00:00
  const std::uint32_t at_1400 = m.import_raw();
  auto ea = get(m, {0xEA}).properties[0].edt;
  EXPECT_EQ(to_hex(ea).substr(0, 14), "07EA05140E0000");
  EXPECT_EQ(u32(ea, 7), at_1400);

  EXPECT_EQ(m.advance_to(SimMs{minutes{31}}), 1);  // 14:30:00
  auto e2 = get(m, {0xE2}).properties[0].edt;
  ASSERT_EQ(e2.size(), 194u);
  EXPECT_EQ(u32(e2, 2 + 4 * 28), at_1400);         // slot 28 = 14:00
  EXPECT_EQ(u32(e2, 2 + 4 * 29), m.import_raw());  // slot 29 = 14:30
  EXPECT_EQ(u32(e2, 2 + 4 * 30), kNoData);         // 15:00 not reached
  EXPECT_LE(u32(e2, 2 + 4 * 27), at_1400);         // before the start: synthetic, not higher
}

TEST(SimMeter, HistoryDaysLimitsHowFarBackE5Reaches) {
  SimOptions o;
  auto parsed = parse_options(std::vector<std::string>{"--tcp", "0", "--history-days", "2"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  o = *parsed;
  EXPECT_EQ(o.history_days, 2);
  for (const char* bad : {"0", "101", "x"}) {
    EXPECT_FALSE(parse_options(std::vector<std::string>{"--tcp", "0", "--history-days", bad}))
        << bad;
  }
  MeterModel m(o, at("2026-05-20T13:59:00"));
  auto set_day = [&](std::uint8_t day) {
    ElFrame set{9, kControllerEoj, kMeterEoj, esv::kSetC, {ElProperty{0xE5, {day}}}};
    return decode_frame(m.handle(encode_frame(set)).frame.value()).value().esv;
  };
  EXPECT_EQ(set_day(1), esv::kSetRes);
  EXPECT_EQ(set_day(2), esv::kSetCSna);
  EXPECT_EQ(get(m, {0xE5}).properties[0].edt[0], 0x01) << "a refused day leaves E5 as it was";
}

TEST(SimMeter, SetCOfE5AndEdAnswersSetRes) {
  SimOptions o;
  MeterModel m(o, at("2026-05-20T13:59:00"));
  ElFrame set{9, kControllerEoj, kMeterEoj, esv::kSetC, {ElProperty{0xE5, {0x01}}}};
  auto r = decode_frame(m.handle(encode_frame(set)).frame.value()).value();
  EXPECT_EQ(r.esv, esv::kSetRes);
  EXPECT_TRUE(r.properties[0].edt.empty());
  EXPECT_EQ(get(m, {0xE2}).properties[0].edt[1], 0x01);

  ElFrame bad{10,
              kControllerEoj,
              kMeterEoj,
              esv::kSetC,
              {ElProperty{0xED, {0x07, 0xEA, 5, 20, 13, 15, 3}}}};
  EXPECT_EQ(decode_frame(m.handle(encode_frame(bad)).frame.value())->esv, esv::kSetCSna);
  ElFrame ed{11,
             kControllerEoj,
             kMeterEoj,
             esv::kSetC,
             {ElProperty{0xED, {0x07, 0xEA, 5, 20, 13, 30, 3}}}};
  EXPECT_EQ(decode_frame(m.handle(encode_frame(ed)).frame.value())->esv, esv::kSetRes);
  auto ec = get(m, {0xEC}).properties[0].edt;
  EXPECT_EQ(ec.size(), 7u + 8u * 3u);
}

TEST(SimMeter, CurrentsFollowPowerAndSinglePhaseMarksT) {
  SimOptions o;
  o.single_phase = true;
  MeterModel m(o, at("2026-05-20T13:59:00"));
  m.force_next_power(3338);
  auto f = get(m, {0xE7, 0xE8});
  EXPECT_EQ(to_hex(f.properties[0].edt), "00000D0A");
  EXPECT_EQ(to_hex(f.properties[1].edt), "014D7FFE");  // 333 = 33.3 A on R
}

TEST(SimMeter, PvMakesPowerNegativeAndExportGrow) {
  SimOptions o;
  o.pv = true;
  o.seed = 3;
  MeterModel m(o, at("2026-05-20T10:00:00"));
  const std::uint32_t export_start = m.export_raw();
  bool negative = false;
  for (int i = 1; i <= 2000 && !negative; ++i) {
    m.advance_to(SimMs{std::chrono::seconds{10 * i}});
    negative = m.power_w() < 0;
  }
  EXPECT_TRUE(negative);
  m.advance_to(SimMs{hours{48}});
  EXPECT_NE(m.export_raw(), export_start);
}

}  // namespace
}  // namespace hems::sim
