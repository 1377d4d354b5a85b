#include "hems/meter/reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "hems/echonet/frame.hpp"

namespace hems::meter {
namespace {

using echonet::Frame;

Bytes hex(const std::string& text) {
  return *from_hex(text);
}

// A hand-written meter for the reader to talk to: answers each Get from a table of EDTs; an EPC
// missing from the table is answered as unsupported (Get_SNA with PDC 0).
struct FakeMeter {
  std::map<std::uint8_t, std::string> edt = {
      {0x8A, "000016"},
      {0x8D, "463234473336363530353030"},
      {0x82, "00004600"},
      {0x9F, "1941414160404000624300414040430202"},  // real Toshiba map: 25 EPCs, no 0xD0
      {0xD7, "06"},
      {0xE1, "01"},
      {0xE0, "0000FE73"},
      {0xE3, "00000015"},
      {0xE7, "00000278"},
      {0xE8, "001E0032"},
      {0xEA, "07EA05140E00000000FE68"},
      {0xEB, "07EA05140E000000000015"},
  };

  Bytes answer(const Bytes& request) const {
    auto frame = echonet::decode(request);
    EXPECT_TRUE(frame) << "the reader sent an undecodable frame";
    Frame reply;
    reply.tid = frame->tid;
    reply.seoj = frame->deoj;
    reply.deoj = frame->seoj;
    reply.esv = echonet::esv::get_res;
    for (const auto& p : frame->properties) {
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

struct ReaderTest : ::testing::Test {
  ReaderConfig config;
  std::optional<Reader> reader;
  TimePoint now{};
  std::vector<Bytes> sent;
  std::vector<MeterValues> updates;
  std::vector<MeterIdentity> identities;
  std::vector<std::string> logs;
  int unresponsive = 0;
  FakeMeter meter;

  void SetUp() override {
    config.min_gap = Duration(1000);
    config.response_timeout = Duration(12000);
    reader.emplace(config);
  }
  bool auto_answer = false;  // the fake meter answers every request at once

  void collect() {
    std::vector<Bytes> to_answer;
    for (auto& a : reader->take_actions()) {
      if (auto* s = std::get_if<SendFrame>(&a)) {
        sent.push_back(s->frame);
        if (auto_answer)
          to_answer.push_back(s->frame);
      }
      if (auto* v = std::get_if<ValuesUpdated>(&a))
        updates.push_back(v->values);
      if (auto* i = std::get_if<IdentityRead>(&a))
        identities.push_back(i->identity);
      if (auto* l = std::get_if<ReaderLog>(&a))
        logs.push_back(l->text);
      if (std::holds_alternative<MeterUnresponsive>(a))
        ++unresponsive;
    }
    for (const auto& request : to_answer) {
      if (echonet::decode(request)->esv == echonet::esv::get)
        deliver(meter.answer(request));
    }
  }
  void up() {
    reader->on_link_up(now);
    collect();
  }
  void deliver(const Bytes& frame) {
    reader->on_frame(frame, now);
    collect();
  }
  void answer_last() { deliver(meter.answer(sent.back())); }
  // Moves the fake clock, firing every deadline on the way as the event loop would.
  void advance(Duration d) {
    const TimePoint until = now + d;
    for (int guard = 0; guard < 1000; ++guard) {
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
  std::vector<std::uint8_t> epcs_of(const Bytes& frame) {
    std::vector<std::uint8_t> out;
    auto decoded = echonet::decode(frame);
    EXPECT_TRUE(decoded);
    if (!decoded)
      return out;
    for (const auto& p : decoded->properties)
      out.push_back(p.epc);
    return out;
  }
  // Identity read and answered, first poll answered, gap passed.
  void start_and_settle() {
    up();
    answer_last();
    advance(Duration(1000));
    answer_last();
  }
};

TEST_F(ReaderTest, ReadsIdentityFirstWithCoefficientDefaultingToOne) {
  up();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(epcs_of(sent[0]),
            (std::vector<std::uint8_t>{0x8A, 0x8D, 0x82, 0x9F, 0xD3, 0xD7, 0xE1, 0xE7, 0xE8}));
  answer_last();  // D3 is not in the table: Get_SNA
  ASSERT_EQ(updates.size(), 1u) << "the first answer already carries power and current";
  EXPECT_EQ(updates[0].power_w, 632);
  ASSERT_EQ(identities.size(), 1u);
  EXPECT_EQ(identities[0].coefficient, 1u);
  EXPECT_EQ(identities[0].digits, 6);
  EXPECT_DOUBLE_EQ(identities[0].unit_kwh, 0.1);
  EXPECT_EQ(identities[0].serial_number, "F24G36650500");
  EXPECT_EQ(identities[0].manufacturer_code, 0x16u);
  EXPECT_EQ(identities[0].get_map.size(), 25u);
}

TEST_F(ReaderTest, BatchesDuePropertiesIntoOneFrameAfterTheGap) {
  up();
  answer_last();
  EXPECT_EQ(sent.size(), 1u) << "nothing before the minimum gap";
  advance(Duration(999));
  EXPECT_EQ(sent.size(), 1u);
  advance(Duration(1));
  ASSERT_EQ(sent.size(), 2u);
  // Power and current came with the identity: the rest is due now, power again later.
  EXPECT_EQ(epcs_of(sent[1]), (std::vector<std::uint8_t>{0xE0, 0xE3, 0xEA, 0xEB}));
  answer_last();
  ASSERT_FALSE(updates.empty());
  EXPECT_DOUBLE_EQ(*updates.front().current_r_a, 3.0);
  EXPECT_DOUBLE_EQ(*updates.front().current_t_a, 5.0);
  const MeterValues& v = updates.back();
  EXPECT_NEAR(*v.energy_import_kwh, 6513.9, 1e-9);
  EXPECT_NEAR(*v.energy_export_kwh, 2.1, 1e-9);
  EXPECT_NEAR(*v.energy_import_fixed_kwh, 6512.8, 1e-9);
  EXPECT_EQ(v.energy_import_fixed_at, "2026-05-20T14:00:00");
  advance(Duration(9000));
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(epcs_of(sent[2]), (std::vector<std::uint8_t>{0xE7, 0xE8}));
}

TEST_F(ReaderTest, OnlyOneRequestInFlight) {
  start_and_settle();
  advance(Duration(10000));
  const std::size_t before = sent.size();
  reader->request_all(now);
  collect();
  reader->request_all(now);
  collect();
  EXPECT_EQ(sent.size(), before) << "a request is already waiting for its answer";
  answer_last();
  advance(Duration(1000));
  EXPECT_EQ(sent.size(), before + 1);
}

TEST_F(ReaderTest, RequestsOnlyWhatThePropertyMapListsAndKeepsPartialAnswers) {
  meter.edt[0x9F] = "0480E0E7E1";  // list form: 80 E0 E7 E1
  meter.edt[0xD7] = "06";
  up();
  answer_last();
  advance(Duration(1000));
  EXPECT_EQ(epcs_of(sent.back()), (std::vector<std::uint8_t>{0xE0}));
  answer_last();
  advance(Duration(9000));
  EXPECT_EQ(epcs_of(sent.back()), (std::vector<std::uint8_t>{0xE7})) << "no E8 in the map";
  answer_last();
  advance(Duration(1000));
  reader->request_all(now);  // everything due at once: one frame
  collect();
  EXPECT_EQ(epcs_of(sent.back()), (std::vector<std::uint8_t>{0xE7, 0xE0}));
  // A meter that lists E0 but answers SNA for it: the rest of the answer is still used.
  meter.edt.erase(0xE0);
  updates.clear();
  answer_last();
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().power_w, 632);
  EXPECT_FALSE(updates.back().energy_import_kwh);
}

TEST_F(ReaderTest, RetriesWithTheSameTidThenReportsUnresponsive) {
  config.tries = 3;
  config.misses_before_unresponsive = 2;
  reader.emplace(config);
  start_and_settle();
  advance(Duration(10000));
  const Bytes request = sent.back();
  advance(Duration(12000));
  EXPECT_EQ(sent.back(), request) << "resent unchanged, same TID";
  advance(Duration(12000));
  EXPECT_EQ(sent.back(), request);
  const std::size_t after_tries = sent.size();
  advance(Duration(12000));  // third try timed out: one miss
  EXPECT_EQ(unresponsive, 0);
  advance(Duration(1000));
  EXPECT_GT(sent.size(), after_tries);
  advance(Duration(36000));
  EXPECT_EQ(unresponsive, 1);
}

TEST_F(ReaderTest, CountsHowRequestsEnded) {
  config.tries = 3;
  reader.emplace(config);
  start_and_settle();  // the identity answer is a Get_SNA (no D3), the first poll's a Get_Res
  RequestCounts counts = reader->request_counts();
  EXPECT_EQ(counts.refused, 1u);
  EXPECT_EQ(counts.answered, 1u);
  EXPECT_EQ(counts.unanswered, 0u);
  EXPECT_EQ(counts.retries, 0u);
  advance(Duration(10000));  // the next poll, never answered: two more tries, then given up
  advance(Duration(36000));
  counts = reader->request_counts();
  EXPECT_EQ(counts.retries, 2u);
  EXPECT_EQ(counts.unanswered, 1u);
  EXPECT_EQ(counts.answered, 1u);
}

TEST_F(ReaderTest, AnswersInfcAndTakesFixedValuesFromNotifications) {
  start_and_settle();
  // INFC with EA, TID 5 (REFERENCE.md section 16.4).
  deliver(hex("1081000502880105FF017401EA0B07EA05140E1E000000FE70"));
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(to_hex(sent.back()), "1081000505FF010288017A01EA00");
  EXPECT_EQ(updates.back().energy_import_fixed_at, "2026-05-20T14:30:00");
  EXPECT_NEAR(*updates.back().energy_import_fixed_kwh, 6513.6, 1e-9);
  // INF: values taken, nothing sent back.
  const std::size_t before = sent.size();
  deliver(hex("1081000102880105FF017302EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015"));
  EXPECT_EQ(sent.size(), before);
  EXPECT_EQ(updates.back().energy_import_fixed_at, "2023-12-19T00:30:00");
  EXPECT_NEAR(*updates.back().energy_export_fixed_kwh, 2.1, 1e-9);
}

TEST_F(ReaderTest, AFixedValuePushedWhileTheIdentityIsReadAgainIsKept) {
  start_and_settle();
  // The session is set up again (a rejoin): the identity is read first, as after every join.
  reader->on_link_down(now);
  collect();
  up();
  const Bytes identity_request = sent.back();
  const auto asked = epcs_of(identity_request);
  ASSERT_NE(std::find(asked.begin(), asked.end(), 0xE1), asked.end());
  updates.clear();
  // The meter's 30-minute push comes before the identity's answer; the INFC is answered at once.
  deliver(hex("1081000502880105FF017401EA0B07EA05140E1E000000FE70"));
  EXPECT_EQ(to_hex(sent.back()), "1081000505FF010288017A01EA00");
  deliver(meter.answer(identity_request));
  // Once the unit is known again, the pushed value is taken, before the identity's own reading.
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.front().energy_import_fixed_at, "2026-05-20T14:30:00");
  EXPECT_NEAR(updates.front().energy_import_fixed_kwh.value_or(0), 6513.6, 1e-9);
  EXPECT_TRUE(updates.back().power_w);
}

TEST_F(ReaderTest, CounterGoingDownIsDroppedButAWrapIsAccepted) {
  meter.edt[0xE0] = "000F423F";  // 999999: the last value of a 6-digit counter
  start_and_settle();
  ASSERT_NEAR(*updates.back().energy_import_kwh, 99999.9, 1e-6);
  auto_answer = true;
  meter.edt[0xE0] = "00000005";  // six counts later, across the wrap
  updates.clear();
  advance(Duration(60000));
  ASSERT_FALSE(updates.empty());
  EXPECT_NEAR(*updates.back().energy_import_kwh, 0.5, 1e-9);
  meter.edt[0xE0] = "00000003";  // backwards: dropped
  updates.clear();
  advance(Duration(60000));
  for (const auto& u : updates)
    EXPECT_FALSE(u.energy_import_kwh) << *u.energy_import_kwh;
}

TEST_F(ReaderTest, ZeroAfterARealValueIsNeverPublished) {
  start_and_settle();
  auto_answer = true;
  meter.edt[0xE0] = "00000000";
  updates.clear();
  advance(Duration(120000));
  ASSERT_FALSE(updates.empty());
  for (const auto& u : updates)
    EXPECT_FALSE(u.energy_import_kwh);
  bool logged = false;
  for (const auto& l : logs)
    logged |= l.find("dropped cumulative energy") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_F(ReaderTest, ReplacedMeterBecomesTheNewBaselineAfterConsistentReadings) {
  start_and_settle();
  auto_answer = true;
  meter.edt[0xE0] = "00000100";
  updates.clear();
  advance(Duration(60000 * 2 + 500));
  for (const auto& u : updates)
    EXPECT_FALSE(u.energy_import_kwh);
  advance(Duration(60000));
  ASSERT_FALSE(updates.empty());
  EXPECT_NEAR(*updates.back().energy_import_kwh, 25.6, 1e-9);
}

TEST_F(ReaderTest, SentinelsAndNegativeValues) {
  meter.edt[0xE7] = "7FFFFFFE";  // no data
  meter.edt[0xE8] = "000AFFEC";  // R 1.0 A, T -2.0 A (reverse flow)
  start_and_settle();
  ASSERT_FALSE(updates.empty());
  EXPECT_FALSE(updates.front().power_w);
  EXPECT_DOUBLE_EQ(*updates.front().current_r_a, 1.0);
  EXPECT_DOUBLE_EQ(*updates.front().current_t_a, -2.0);
  meter.edt[0xE7] = "FFFFFB9A";  // -1126 W
  meter.edt[0xE8] = "001E7FFE";  // single-phase two-wire: T not applicable
  updates.clear();
  advance(Duration(10000));
  answer_last();
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().power_w, -1126);
  EXPECT_FALSE(updates.back().current_t_a);
}

TEST_F(ReaderTest, MalformedAndForeignFramesAreDropped) {
  start_and_settle();
  updates.clear();
  advance(Duration(10000));
  const Bytes request = sent.back();
  Bytes truncated = meter.answer(request);
  truncated.pop_back();
  deliver(truncated);
  deliver(hex("1082000102880105FF017201E70400000278"));  // wrong EHD
  Bytes wrong_tid = meter.answer(request);
  wrong_tid[3] ^= 0x55;
  deliver(wrong_tid);
  EXPECT_TRUE(updates.empty());
  answer_last();
  EXPECT_FALSE(updates.empty());
}

TEST_F(ReaderTest, EnergyIsHeldBackUntilTheUnitIsKnown) {
  meter.edt.erase(0xE1);
  up();
  answer_last();
  EXPECT_TRUE(identities.empty());
  advance(Duration(1000));
  // Identity is asked again instead of polling.
  const auto asked = epcs_of(sent.back());
  EXPECT_NE(std::find(asked.begin(), asked.end(), 0xE1), asked.end());
  EXPECT_EQ(std::find(asked.begin(), asked.end(), 0xE0), asked.end());
}

}  // namespace
}  // namespace hems::meter
