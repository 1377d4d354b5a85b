// The reader with history reads on: the missed half-hours come back, and live polls keep their
// pace (history reads go one between two live requests, never ahead of a due poll).

#include <gtest/gtest.h>

#include <map>

#include "hems/echonet/frame.hpp"
#include "hems/meter/reader.hpp"

namespace hems::meter {
namespace {

using namespace std::chrono;
using echonet::Frame;

MeterTime at(int h, int mi) {
  return MeterTime{local_days{year{2026} / month{5} / day{20}}} + hours{h} + minutes{mi};
}

Bytes hex(const std::string& text) {
  return *from_hex(text);
}

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The meter at 2026-05-20 14:05; its registers at slot s of today are 65000 + s (import) and
// 20000 + s (export), up to 14:00; each day before holds 48 less.
struct HistoryMeter {
  std::map<std::uint8_t, std::string> edt = {
      {0x8A, "000016"},
      {0x8D, "463234473336363530353030"},
      {0x82, "00004600"},
      {0x9F, "1941414160404000624300414040430202"},
      {0xD7, "06"},
      {0xE1, "01"},
      {0xE0, "0000FE73"},
      {0xE3, "00000015"},
      {0xE7, "00000278"},
      {0xE8, "001E0032"},
      {0xEA, "07EA05140E00000000FE1C"},  // 2026-05-20 14:00, 65052
      {0xEB, "07EA05140E000000000034"},
      {0x98, "07EA0514"},
  };
  int e5 = 0xFF;
  bool answer_history = true;

  static Bytes day_edt(int day, bool reverse) {
    Bytes out{0x00, static_cast<std::uint8_t>(day)};
    const std::uint32_t back = 48 * static_cast<std::uint32_t>(day);
    for (std::uint32_t slot = 0; slot < 48; ++slot) {
      if (day == 0 && slot > 28)
        put_u32(out, 0xFFFFFFFE);
      else
        put_u32(out, reverse ? 20000 + slot - back : 65000 + slot - back);
    }
    return out;
  }

  std::optional<Bytes> answer(const Bytes& request) {
    auto frame = echonet::decode(request);
    EXPECT_TRUE(frame);
    Frame reply;
    reply.tid = frame->tid;
    reply.seoj = frame->deoj;
    reply.deoj = frame->seoj;
    const bool history =
        frame->esv == echonet::esv::set_c || frame->find(0xE2) || frame->find(0xE4);
    if (history && !answer_history)
      return std::nullopt;
    if (frame->esv == echonet::esv::set_c) {
      e5 = frame->properties.at(0).edt.at(0);
      reply.esv = echonet::esv::set_res;
      reply.properties.push_back({0xE5, {}});
      return echonet::encode(reply);
    }
    reply.esv = echonet::esv::get_res;
    for (const auto& p : frame->properties) {
      if (p.epc == 0xE2 || p.epc == 0xE4) {
        reply.properties.push_back({p.epc, day_edt(e5, p.epc == 0xE4)});
        continue;
      }
      auto it = edt.find(p.epc);
      if (it == edt.end()) {
        reply.esv = echonet::esv::get_sna;
        reply.properties.push_back({p.epc, {}});
      } else {
        reply.properties.push_back({p.epc, hex(it->second)});
      }
    }
    return echonet::encode(reply);
  }
};

bool is_history(const Bytes& sent) {
  auto frame = echonet::decode(sent);
  return frame && (frame->esv == echonet::esv::set_c || frame->find(0xE2));
}

struct ReaderHistoryTest : ::testing::Test {
  ReaderConfig config;
  std::optional<Reader> reader;
  TimePoint now{};
  HistoryMeter meter;
  std::vector<std::pair<TimePoint, Bytes>> sent;
  std::vector<HistoryRecord> recovered;
  std::vector<MeterTime> progress;
  std::vector<history::DayAnswered> answers;
  std::vector<std::string> logs;
  int unresponsive = 0;

  void SetUp() override {
    config.read_history = true;
    config.instant_interval = seconds(10);
    config.energy_interval = seconds(60);
    config.min_gap = seconds(1);
    config.response_timeout = seconds(5);
    reader.emplace(config);
  }
  void collect() {
    std::vector<Bytes> to_answer;
    for (auto& a : reader->take_actions()) {
      if (auto* s = std::get_if<SendFrame>(&a)) {
        sent.emplace_back(now, s->frame);
        to_answer.push_back(s->frame);
      } else if (auto* r = std::get_if<history::Recovered>(&a)) {
        recovered.insert(recovered.end(), r->records.begin(), r->records.end());
      } else if (auto* p = std::get_if<history::Progress>(&a)) {
        progress.push_back(p->published_through);
      } else if (auto* d = std::get_if<history::DayAnswered>(&a)) {
        answers.push_back(*d);
      } else if (auto* l = std::get_if<ReaderLog>(&a)) {
        logs.push_back(l->text);
      } else if (std::holds_alternative<MeterUnresponsive>(a)) {
        ++unresponsive;
      }
    }
    for (const auto& request : to_answer) {
      if (auto reply = meter.answer(request)) {
        reader->on_frame(*reply, now);
        collect();
      }
    }
  }
  void advance(Duration d) {
    const TimePoint until = now + d;
    for (int guard = 0; guard < 10000; ++guard) {
      auto next = reader->next_deadline();
      if (!next || *next > until)
        break;
      now = std::max(now, *next);
      reader->on_timer(now);
      collect();
    }
    now = until;
    reader->on_timer(now);
    collect();
  }
  std::vector<TimePoint> power_polls() const {
    std::vector<TimePoint> out;
    for (const auto& [t, frame] : sent) {
      auto f = echonet::decode(frame);
      if (f && f->esv == echonet::esv::get && f->find(0xE7))
        out.push_back(t);
    }
    return out;
  }
};

TEST_F(ReaderHistoryTest, MissedHalfHoursComeBackWithTheMetersValuesInKwh) {
  reader->resume_history(at(12, 0));
  reader->on_link_up(now);
  collect();
  advance(seconds(60));
  ASSERT_EQ(recovered.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const int slot = 25 + static_cast<int>(i);  // 12:30, 13:00, 13:30
    EXPECT_EQ(recovered[i].at, at(12, 30) + kHalfHour * static_cast<int>(i));
    ASSERT_TRUE(recovered[i].energy_import_kwh);
    EXPECT_NEAR(*recovered[i].energy_import_kwh, (65000 + slot) * 0.1, 1e-9);
    ASSERT_TRUE(recovered[i].energy_export_kwh);
    EXPECT_NEAR(*recovered[i].energy_export_kwh, (20000 + slot) * 0.1, 1e-9);
  }
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), at(14, 0));
  EXPECT_EQ(meter.e5, 1) << "the latest complete day is read last";
}

TEST_F(ReaderHistoryTest, HistoryReadsGoOneBetweenLiveRequestsAndNeverDelayAPoll) {
  reader->resume_history(at(2, 0) - days{40});  // a long backfill: 41 days to read
  reader->on_link_up(now);
  collect();
  advance(seconds(300));
  int history_reads = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (!is_history(sent[i].second))
      continue;
    ++history_reads;
    ASSERT_TRUE(i == 0 || !is_history(sent[i - 1].second)) << "two history reads in a row at " << i;
  }
  EXPECT_GE(history_reads, 20) << "the backfill hardly moved";
  const auto polls = power_polls();
  ASSERT_GE(polls.size(), 25u);
  for (std::size_t i = 1; i < polls.size(); ++i) {
    // A poll is due every 10 s; a history read in flight may hold it up by one answer at most.
    EXPECT_LE(polls[i] - polls[i - 1], seconds(10) + config.min_gap + config.response_timeout)
        << "poll " << i;
  }
}

TEST_F(ReaderHistoryTest, AMeterThatIgnoresHistoryReadsStillGetsPolledAndIsNotCalledUnresponsive) {
  meter.answer_history = false;
  config.response_timeout = seconds(12);  // longer than a poll interval
  reader.emplace(config);
  reader->resume_history(at(12, 0));
  reader->on_link_up(now);
  collect();
  advance(seconds(120));
  EXPECT_EQ(unresponsive, 0);
  EXPECT_TRUE(recovered.empty());
  const auto polls = power_polls();
  ASSERT_GE(polls.size(), 9u);
  // A history read waits one poll interval for its answer, not the 12 s response timeout: with
  // a read of the other values before it, a poll goes out at most three gaps late.
  for (std::size_t i = 1; i < polls.size(); ++i)
    EXPECT_LE(polls[i] - polls[i - 1], seconds(10) + 3 * config.min_gap) << "poll " << i;
  int history_reads = 0;
  for (const auto& [t, frame] : sent)
    history_reads += is_history(frame);
  // Three tries for the missed day and three for the latest complete day, then nothing until
  // the meter's next boundary.
  EXPECT_EQ(history_reads, 6);
}

TEST_F(ReaderHistoryTest, ADayAskedForIsAnsweredAndALinkDownAnswersWaitingRequests) {
  reader->resume_history(at(14, 0));
  reader->read_history_day("early", local_days{year{2026} / month{5} / day{20}}, now);
  collect();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].records) << "no link yet";
  reader->on_link_up(now);
  collect();
  advance(seconds(5));
  reader->read_history_day("today", local_days{year{2026} / month{5} / day{20}}, now);
  collect();
  advance(seconds(40));
  ASSERT_EQ(answers.size(), 2u);
  ASSERT_TRUE(answers[1].records) << answers[1].records.error().message;
  EXPECT_EQ(answers[1].records->size(), 29u) << "00:00 to 14:00; later slots have no value";
  reader->read_history_day("cut", local_days{year{2026} / month{5} / day{20}}, now);
  reader->on_link_down(now);
  collect();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_FALSE(answers[2].records);
}

}  // namespace
}  // namespace hems::meter
