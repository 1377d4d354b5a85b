#include "hems/meter/history_backfill.hpp"

#include <gtest/gtest.h>

#include <map>

#include "hems/echonet/frame.hpp"

namespace hems::meter {
namespace {

using namespace std::chrono;
using echonet::Frame;

constexpr std::uint32_t kNoData = 0xFFFFFFFE;

MeterTime at(int y, unsigned mo, unsigned d, int h, int mi) {
  return MeterTime{local_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi};
}

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A meter with a memory: the registers at each boundary it has passed, and its own clock (which
// the host's clock has nothing to do with). Answers SetC E5 and Get E2/E4/98 as the reference
// describes; days further back than `days_held` are refused with SetC_SNA.
struct FakeMeter {
  MeterTime clock = at(2026, 5, 20, 14, 10);
  int days_held = 45;
  bool has_date = true;  // answers 0x98
  std::map<MeterTime, std::pair<std::uint32_t, std::uint32_t>> registers;
  int e5 = 0;
  int sets = 0;
  int gets = 0;

  // A register pair for every boundary in [from, to], import rising by 3 per half-hour.
  void fill(MeterTime from, MeterTime to) {
    for (MeterTime t = from; t <= to; t += kHalfHour) {
      const auto n = static_cast<std::uint32_t>((t - from) / kHalfHour);
      registers[t] = {1000 + 3 * n, 50 + n};
    }
  }
  local_days today() const { return floor<days>(clock); }

  Frame answer(const Frame& request) {
    Frame reply;
    reply.seoj = request.deoj;
    reply.deoj = request.seoj;
    if (request.esv == echonet::esv::set_c) {
      ++sets;
      const int day = request.properties.at(0).edt.at(0);
      if (day >= days_held) {
        reply.esv = echonet::esv::set_c_sna;
        reply.properties.push_back(request.properties.at(0));
      } else {
        e5 = day;
        reply.esv = echonet::esv::set_res;
        reply.properties.push_back({0xE5, {}});
      }
      return reply;
    }
    ++gets;
    reply.esv = echonet::esv::get_res;
    for (const auto& p : request.properties) {
      Bytes edt;
      if (p.epc == 0xE2 || p.epc == 0xE4) {
        edt = {0x00, static_cast<std::uint8_t>(e5)};
        const MeterTime start{today() - days{e5}};
        for (int slot = 0; slot < 48; ++slot) {
          const MeterTime t = start + kHalfHour * slot;
          auto it = registers.find(t);
          if (t > clock || it == registers.end()) {
            put_u32(edt, kNoData);
          } else {
            put_u32(edt, p.epc == 0xE2 ? it->second.first : it->second.second);
          }
        }
      } else if (p.epc == 0xEA) {
        // The latest boundary and the import register there.
        const MeterTime boundary =
            floor<minutes>(clock) - floor<minutes>(clock).time_since_epoch() % kHalfHour;
        const year_month_day ymd{floor<days>(boundary)};
        const hh_mm_ss<seconds> hms{boundary - floor<days>(boundary)};
        const int y = static_cast<int>(ymd.year());
        edt = {static_cast<std::uint8_t>(y >> 8),
               static_cast<std::uint8_t>(y),
               static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
               static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day())),
               static_cast<std::uint8_t>(hms.hours().count()),
               static_cast<std::uint8_t>(hms.minutes().count()),
               0};
        put_u32(edt, registers.count(boundary) ? registers.at(boundary).first : kNoData);
      } else if (p.epc == 0x98 && has_date) {
        const year_month_day ymd{today()};
        const int y = static_cast<int>(ymd.year());
        edt = {static_cast<std::uint8_t>(y >> 8), static_cast<std::uint8_t>(y),
               static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
               static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day()))};
      } else {
        reply.esv = echonet::esv::get_sna;
      }
      reply.properties.push_back({p.epc, edt});
    }
    return reply;
  }
};

MeterIdentity identity() {
  MeterIdentity id;
  id.unit_kwh = 0.1;
  id.coefficient = 2;
  id.digits = 6;
  return id;
}

struct HistoryBackfillTest : ::testing::Test {
  FakeMeter meter;
  MeterIdentity id = identity();
  std::optional<HistoryBackfill> backfill;
  std::vector<HistoryRecord> recovered;
  std::vector<history::LatestDay> latest_days;
  std::vector<history::DayAnswered> answers;
  std::vector<MeterTime> progress;
  std::vector<std::string> logs;
  int requests = 0;

  void start(std::optional<MeterTime> through) {
    backfill.emplace(HistoryConfig{seconds(10), 3}, through);
  }
  void collect() {
    for (auto& e : backfill->take_events()) {
      if (auto* r = std::get_if<history::Recovered>(&e)) {
        EXPECT_FALSE(r->records.empty()) << "an empty batch of records";
        recovered.insert(recovered.end(), r->records.begin(), r->records.end());
      } else if (auto* l = std::get_if<history::LatestDay>(&e)) {
        latest_days.push_back(*l);
      } else if (auto* a = std::get_if<history::DayAnswered>(&e)) {
        answers.push_back(*a);
      } else if (auto* p = std::get_if<history::Progress>(&e)) {
        progress.push_back(p->published_through);
      } else if (auto* g = std::get_if<history::Log>(&e)) {
        logs.push_back(g->text);
      }
    }
  }
  // The meter's boundary, as the live EA read reports it.
  void boundary(MeterTime b) {
    backfill->on_boundary(b);
    collect();
  }
  // Sends and answers until the core has nothing more to ask (bounded).
  void run() {
    for (int guard = 0; guard < 1000 && backfill->wants_to_send(); ++guard) {
      auto frame = backfill->next_request(id);
      ASSERT_TRUE(frame);
      ++requests;
      backfill->on_answer(meter.answer(*frame), id);
      collect();
    }
    EXPECT_FALSE(backfill->next_request(id)) << "wants_to_send() said no but a frame came";
  }
  int count_logs(const std::string& part) const {
    int n = 0;
    for (const auto& l : logs)
      n += l.find(part) != std::string::npos;
    return n;
  }
  // The import kWh the fake meter holds for `t`: raw x coefficient x unit, computed here.
  double import_kwh(MeterTime t) const { return meter.registers.at(t).first * 2 * 0.1; }
  double export_kwh(MeterTime t) const { return meter.registers.at(t).second * 2 * 0.1; }

  void expect_consecutive(MeterTime first, MeterTime last) {
    ASSERT_FALSE(recovered.empty());
    EXPECT_EQ(recovered.front().at, first);
    EXPECT_EQ(recovered.back().at, last);
    ASSERT_EQ(recovered.size(), static_cast<std::size_t>((last - first) / kHalfHour + 1));
    for (std::size_t i = 0; i < recovered.size(); ++i) {
      const MeterTime t = first + kHalfHour * static_cast<int>(i);
      ASSERT_EQ(recovered[i].at, t) << "record " << i;
      ASSERT_TRUE(recovered[i].energy_import_kwh);
      EXPECT_DOUBLE_EQ(*recovered[i].energy_import_kwh, import_kwh(t));
      ASSERT_TRUE(recovered[i].energy_export_kwh);
      EXPECT_DOUBLE_EQ(*recovered[i].energy_export_kwh, export_kwh(t));
    }
  }
};

TEST_F(HistoryBackfillTest, TheFirstStartBeginsAtTheCurrentHalfHourWithoutBackfill) {
  meter.fill(at(2026, 4, 1, 0, 0), at(2026, 5, 20, 14, 0));
  start(std::nullopt);
  boundary(at(2026, 5, 20, 14, 0));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), at(2026, 5, 20, 14, 0));
  run();
  EXPECT_TRUE(recovered.empty());
  // Only the latest complete day is read, once (E5 then E2 + E4).
  EXPECT_EQ(requests, 2);
  ASSERT_EQ(latest_days.size(), 1u);
  EXPECT_EQ(latest_days[0].records.size(), 48u);
  EXPECT_EQ(latest_days[0].records.front().at, at(2026, 5, 19, 0, 0));
}

TEST_F(HistoryBackfillTest, AGapWithinTodayIsReadBackInOrderWithTheMetersValues) {
  meter.fill(at(2026, 5, 19, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 5, 20, 9, 30));
  boundary(at(2026, 5, 20, 14, 0));
  EXPECT_EQ(count_logs("reading 8 missed half-hours"), 1) << ::testing::PrintToString(logs);
  run();
  expect_consecutive(at(2026, 5, 20, 10, 0), at(2026, 5, 20, 13, 30));
  // After a start the latest complete day is told too.
  ASSERT_EQ(latest_days.size(), 1u);
  EXPECT_EQ(latest_days[0].date, local_days{year{2026} / 5 / 19});
  EXPECT_EQ(backfill->published_through(), at(2026, 5, 20, 14, 0));
  EXPECT_EQ(count_logs("read back 8 missed half-hours"), 1);
  EXPECT_EQ(count_logs("lost"), 0);
}

TEST_F(HistoryBackfillTest, AGapAcrossMidnightReadsYesterdayFirst) {
  meter.clock = at(2026, 5, 20, 2, 5);
  meter.fill(at(2026, 5, 18, 0, 0), at(2026, 5, 20, 2, 0));
  start(at(2026, 5, 19, 22, 0));
  boundary(at(2026, 5, 20, 2, 0));
  run();
  expect_consecutive(at(2026, 5, 19, 22, 30), at(2026, 5, 20, 1, 30));
  // Reading yesterday also gave the latest complete day.
  ASSERT_FALSE(latest_days.empty());
  EXPECT_EQ(latest_days.back().date, local_days{year{2026} / 5 / 19});
}

TEST_F(HistoryBackfillTest, AGapOfSeveralDaysSelectsEachDayOnTheMetersClock) {
  meter.fill(at(2026, 5, 10, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 5, 16, 23, 0));
  boundary(at(2026, 5, 20, 14, 0));
  run();
  expect_consecutive(at(2026, 5, 16, 23, 30), at(2026, 5, 20, 13, 30));
  // Four days from the 16th to today, each SetC E5 + one Get.
  EXPECT_EQ(meter.sets, 5);  // and the latest complete day, read with the backfill's answer
  EXPECT_EQ(count_logs("lost"), 0);
}

TEST_F(HistoryBackfillTest, DaysTheMeterNoLongerHoldsAreLoggedAsLostOnceWithTheirCount) {
  meter.days_held = 2;  // today and yesterday
  meter.fill(at(2026, 5, 10, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 5, 17, 12, 0));
  boundary(at(2026, 5, 20, 14, 0));
  run();
  // The 17th from 12:30 (23 half-hours) and the whole 18th (48) are lost.
  EXPECT_EQ(count_logs("71 missed half-hours (2026-05-17T12:30:00 to 2026-05-18T23:30:00) are "
                       "lost"),
            1)
      << ::testing::PrintToString(logs);
  expect_consecutive(at(2026, 5, 19, 0, 0), at(2026, 5, 20, 13, 30));
  EXPECT_EQ(backfill->published_through(), at(2026, 5, 20, 14, 0));
  // Nothing is asked again for them.
  boundary(at(2026, 5, 20, 14, 30));
  run();
  EXPECT_EQ(count_logs("lost:"), 1);
}

TEST_F(HistoryBackfillTest, AGapBeyondNinetyNineDaysIsLostWithoutAsking) {
  meter.clock = at(2026, 5, 20, 0, 40);
  meter.fill(at(2026, 5, 19, 0, 0), at(2026, 5, 20, 0, 30));
  start(at(2025, 12, 1, 0, 0));
  boundary(at(2026, 5, 20, 0, 30));
  run();
  // Up to 99 days back the meter is asked (it holds 45 here): from 2026-02-10 on.
  for (const auto& l : logs)
    EXPECT_EQ(l.find("2025-12-01T00:00:00 to"), std::string::npos) << l;
  EXPECT_EQ(count_logs("lost: the meter no longer holds them"), 1);
  EXPECT_LE(meter.sets, 46 + 10) << "asked for every day the meter does not hold";
  expect_consecutive(at(2026, 5, 19, 0, 0), at(2026, 5, 20, 0, 0));
}

TEST_F(HistoryBackfillTest, ValuesTheMeterMarksAsMissingStayAbsentNeverZero) {
  meter.fill(at(2026, 5, 20, 0, 0), at(2026, 5, 20, 14, 0));
  meter.registers[at(2026, 5, 20, 11, 0)] = {kNoData, 77};        // import missing
  meter.registers[at(2026, 5, 20, 11, 30)] = {kNoData, kNoData};  // nothing at all
  start(at(2026, 5, 20, 10, 0));
  boundary(at(2026, 5, 20, 12, 30));
  run();
  ASSERT_EQ(recovered.size(), 3u) << "10:30, 11:00 and 12:00; 11:30 has no value";
  EXPECT_EQ(recovered[0].at, at(2026, 5, 20, 10, 30));
  EXPECT_EQ(recovered[1].at, at(2026, 5, 20, 11, 0));
  EXPECT_FALSE(recovered[1].energy_import_kwh);
  ASSERT_TRUE(recovered[1].energy_export_kwh);
  EXPECT_DOUBLE_EQ(*recovered[1].energy_export_kwh, 77 * 2 * 0.1);
  EXPECT_EQ(recovered[2].at, at(2026, 5, 20, 12, 0));
  EXPECT_EQ(count_logs("no value for 1 more"), 1) << ::testing::PrintToString(logs);
}

TEST_F(HistoryBackfillTest, TheMetersClockDecidesTheDayNotTheHosts) {
  // The meter says 2026-01-02 00:30 (the host could say anything: the core never asks it).
  meter.clock = at(2026, 1, 2, 0, 35);
  meter.fill(at(2025, 12, 31, 0, 0), at(2026, 1, 2, 0, 30));
  start(at(2026, 1, 1, 23, 0));
  boundary(at(2026, 1, 2, 0, 30));
  run();
  expect_consecutive(at(2026, 1, 1, 23, 30), at(2026, 1, 2, 0, 0));
}

TEST_F(HistoryBackfillTest, AMeterWhoseDayTurnedBetweenTheRequestsIsAskedAgain) {
  meter.clock = at(2026, 5, 20, 23, 50);
  meter.fill(at(2026, 5, 19, 0, 0), at(2026, 5, 21, 1, 0));
  start(at(2026, 5, 20, 21, 0));
  boundary(at(2026, 5, 20, 23, 30));
  auto select = backfill->next_request(id);
  ASSERT_TRUE(select);
  backfill->on_answer(meter.answer(*select), id);  // E5 = 0 while it is still the 20th
  collect();
  meter.clock = at(2026, 5, 21, 0, 5);  // midnight passes before the Get
  run();
  expect_consecutive(at(2026, 5, 20, 21, 30), at(2026, 5, 20, 23, 0));
}

TEST_F(HistoryBackfillTest, AMeterWithoutItsDateIsCheckedByItsLatestBoundaryAcrossMidnight) {
  meter.has_date = false;
  id.get_map = {0x80, 0x8A, 0xD3, 0xD7, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xEA, 0xEB};
  meter.clock = at(2026, 5, 20, 23, 50);
  meter.fill(at(2026, 5, 19, 0, 0), at(2026, 5, 21, 1, 0));
  start(at(2026, 5, 20, 21, 0));
  boundary(at(2026, 5, 20, 23, 30));
  auto select = backfill->next_request(id);
  ASSERT_TRUE(select);
  backfill->on_answer(meter.answer(*select), id);  // E5 = 0 while it is still the 20th
  collect();
  meter.clock = at(2026, 5, 21, 0, 5);  // midnight passes before the Get; no boundary seen yet
  auto get = backfill->next_request(id);
  ASSERT_TRUE(get);
  EXPECT_TRUE(get->find(0xEA)) << "no 0x98: the Get must carry what tells the meter's day";
  EXPECT_FALSE(get->find(0x98));
  backfill->on_answer(meter.answer(*get), id);
  collect();
  run();
  expect_consecutive(at(2026, 5, 20, 21, 30), at(2026, 5, 20, 23, 0));
}

TEST_F(HistoryBackfillTest, ADayNumberOtherThanTheOneSetIsNotTakenForIt) {
  meter.fill(at(2026, 5, 18, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 5, 19, 20, 0));
  boundary(at(2026, 5, 20, 14, 0));
  auto select = backfill->next_request(id);
  ASSERT_TRUE(select);
  backfill->on_answer(meter.answer(*select), id);
  collect();
  meter.e5 = 2;  // another controller moves E5 meanwhile
  run();
  expect_consecutive(at(2026, 5, 19, 20, 30), at(2026, 5, 20, 13, 30));
}

TEST_F(HistoryBackfillTest, AMeterThatStopsAnsweringPausesUntilItsNextBoundary) {
  meter.fill(at(2026, 5, 20, 0, 0), at(2026, 5, 20, 15, 0));
  start(at(2026, 5, 20, 10, 0));
  boundary(at(2026, 5, 20, 12, 0));
  // Three tries for the backfill's day, three for the latest complete day.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(backfill->next_request(id)) << i;
    backfill->on_answer(std::nullopt, id);
    collect();
  }
  EXPECT_FALSE(backfill->wants_to_send());
  EXPECT_TRUE(recovered.empty());
  EXPECT_EQ(backfill->published_through(), at(2026, 5, 20, 10, 0)) << "nothing given up as read";
  meter.clock = at(2026, 5, 20, 12, 40);
  boundary(at(2026, 5, 20, 12, 30));
  run();
  expect_consecutive(at(2026, 5, 20, 10, 30), at(2026, 5, 20, 11, 30));  // 12:00 was live
}

TEST_F(HistoryBackfillTest, ADayIsReadOnRequestAndBadDatesAreRefusedClearly) {
  meter.fill(at(2026, 5, 1, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 5, 20, 14, 0));
  backfill->read_day("early", local_days{year{2026} / 5 / 18});
  collect();
  ASSERT_EQ(answers.size(), 1u) << "answered before the meter's date is known";
  EXPECT_FALSE(answers[0].records);
  answers.clear();
  boundary(at(2026, 5, 20, 14, 0));
  run();
  ASSERT_EQ(latest_days.size(), 1u);
  backfill->read_day("a", local_days{year{2026} / 5 / 18});
  backfill->read_day("y", local_days{year{2026} / 5 / 19});
  backfill->read_day("future", local_days{year{2026} / 5 / 21});
  backfill->read_day("old", local_days{year{2026} / 1 / 1});
  collect();
  run();
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[3].request_id, "y");
  EXPECT_EQ(answers[0].request_id, "future");
  EXPECT_NE(answers[0].records.error().message.find("after the meter's today"), std::string::npos);
  EXPECT_EQ(answers[1].request_id, "old");
  EXPECT_NE(answers[1].records.error().message.find("does not hold 2026-01-01"), std::string::npos);
  EXPECT_EQ(answers[2].request_id, "a");
  ASSERT_TRUE(answers[2].records);
  ASSERT_EQ(answers[2].records->size(), 48u);
  EXPECT_EQ(latest_days.size(), 1u) << "the latest complete day told again";
  EXPECT_EQ(answers[2].records->front().at, at(2026, 5, 18, 0, 0));
  EXPECT_DOUBLE_EQ(*answers[2].records->back().energy_import_kwh,
                   import_kwh(at(2026, 5, 18, 23, 30)));
}

TEST_F(HistoryBackfillTest, ADayTheMeterRefusesIsAnsweredWithAnError) {
  meter.days_held = 3;
  start(at(2026, 5, 20, 14, 0));
  boundary(at(2026, 5, 20, 14, 0));
  backfill->read_day("r", local_days{year{2026} / 5 / 10});
  run();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_FALSE(answers[0].records);
  EXPECT_NE(answers[0].records.error().message.find("does not hold 2026-05-10"), std::string::npos);
}

TEST_F(HistoryBackfillTest, AMeterClockBehindThePublishedHalfHourRestartsFromIt) {
  meter.fill(at(2026, 5, 20, 0, 0), at(2026, 5, 20, 14, 0));
  start(at(2026, 6, 1, 9, 0));  // saved while the meter's clock was wrong
  boundary(at(2026, 5, 20, 14, 0));
  run();
  EXPECT_TRUE(recovered.empty());
  EXPECT_EQ(backfill->published_through(), at(2026, 5, 20, 14, 0));
  EXPECT_EQ(count_logs("before the last half-hour published"), 1);
}

TEST_F(HistoryBackfillTest, ABoundaryArrivingDuringTheBackfillExtendsItWithoutASecondStart) {
  meter.fill(at(2026, 5, 20, 0, 0), at(2026, 5, 20, 15, 0));
  start(at(2026, 5, 20, 10, 0));
  boundary(at(2026, 5, 20, 12, 0));
  auto select = backfill->next_request(id);
  ASSERT_TRUE(select);
  backfill->on_answer(meter.answer(*select), id);
  collect();
  meter.clock = at(2026, 5, 20, 13, 5);
  boundary(at(2026, 5, 20, 13, 0));
  run();
  // 12:00 was published live when the meter reported it: it is not read back.
  std::vector<MeterTime> times;
  for (const auto& r : recovered)
    times.push_back(r.at);
  EXPECT_EQ(times, (std::vector<MeterTime>{at(2026, 5, 20, 10, 30), at(2026, 5, 20, 11, 0),
                                           at(2026, 5, 20, 11, 30), at(2026, 5, 20, 12, 30)}));
  EXPECT_EQ(count_logs("reading "), 1);
  EXPECT_EQ(count_logs("read back 4 missed half-hours"), 1) << ::testing::PrintToString(logs);
  EXPECT_EQ(count_logs("no value"), 0) << "the live half-hour counted as one without a value";
}

TEST_F(HistoryBackfillTest, HalfHoursPublishedLiveDuringTheBackfillNeedNoRead) {
  meter.clock = at(2026, 5, 20, 23, 35);
  meter.fill(at(2026, 5, 19, 0, 0), at(2026, 5, 21, 1, 0));
  start(at(2026, 5, 20, 21, 0));
  boundary(at(2026, 5, 20, 23, 30));
  auto select = backfill->next_request(id);
  ASSERT_TRUE(select);
  backfill->on_answer(meter.answer(*select), id);
  collect();
  // Midnight, and two boundaries published live, before the Get.
  meter.clock = at(2026, 5, 21, 0, 35);
  boundary(at(2026, 5, 21, 0, 0));
  boundary(at(2026, 5, 21, 0, 30));
  run();
  expect_consecutive(at(2026, 5, 20, 21, 30), at(2026, 5, 20, 23, 0));
  // The 20th twice (the first answer was for the 21st), and not the 21st for 00:00, which was
  // published live.
  EXPECT_EQ(meter.sets, 2);
  EXPECT_EQ(meter.gets, 2);
  EXPECT_EQ(count_logs("read back 4 missed half-hours"), 1) << ::testing::PrintToString(logs);
}

TEST_F(HistoryBackfillTest, ARealMetersEmptyDaysCountAsLostAndAreFoundByHalving) {
  // This meter accepts any E5 but has nothing before the 10th (all 0xFFFFFFFE).
  meter.fill(at(2026, 5, 10, 0, 0), at(2026, 5, 20, 14, 0));
  meter.days_held = 100;
  start(at(2026, 3, 1, 0, 0));
  boundary(at(2026, 5, 20, 14, 0));
  run();
  EXPECT_EQ(count_logs("lost: the meter no longer holds them"), 1)
      << ::testing::PrintToString(logs);
  expect_consecutive(at(2026, 5, 10, 0, 0), at(2026, 5, 20, 13, 30));
  // 11 days read, and the edge of the memory found in a few probes rather than one per day.
  EXPECT_LE(meter.sets, 11 + 10);
}

}  // namespace
}  // namespace hems::meter
