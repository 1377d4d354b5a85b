#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "fake_lan.hpp"

namespace hems::lan::testing {
namespace {
using namespace std::chrono_literals;
const echonet::Eoj kAc{0x01, 0x30, 0x01};
const std::string kAcId = "000006_5a449e88_013001";

// One air conditioner found and polled once.
struct Found {
  explicit Found(ControllerConfig config = test_config()) : lan(std::move(config)) {
    lan.add(ac_node("192.0.2.10", 0x01));
    lan.start();
    lan.run_for(5s);
    EXPECT_TRUE(lan.controller.devices().contains(kAcId));
    lan.clear();
  }
  FakeNode& node() { return *lan.node("192.0.2.10"); }
  FakeLan lan;
};

std::vector<TimePoint> send_times(const FakeLan& lan, const std::string& to, std::uint8_t esv) {
  std::vector<TimePoint> out;
  for (const auto& s : lan.sent_to(to)) {
    if (s.frame.esv == esv)
      out.push_back(s.at);
  }
  return out;
}

TEST(LanPolling, ReadsOnlyGetMapPropertiesInSmallFrames) {
  ControllerConfig config = test_config();
  config.max_epcs_per_frame = 2;
  FakeLan lan(config);
  FakeNode node = ac_node("192.0.2.10", 0x01);
  node.objects[0].values[0xF5] = {0x01, 0x02};  // readable by the node, but not in its Get map
  lan.add(node);
  lan.start();
  lan.run_for(5s);

  std::set<std::uint8_t> polled;
  for (const auto& s : lan.sent_to("192.0.2.10")) {
    if (s.frame.deoj != kAc || s.frame.find(0x9F) != nullptr || s.frame.find(0x9D) != nullptr)
      continue;  // the node profile and the map requests
    EXPECT_LE(s.frame.properties.size(), 2u);
    for (const auto& p : s.frame.properties)
      polled.insert(p.epc);
  }
  EXPECT_EQ(polled, (std::set<std::uint8_t>{0x80, 0x8A, 0xB0, 0xB3, 0xBB}));

  std::map<std::uint8_t, Bytes> values;
  for (const auto& update : lan.all<PropertiesUpdated>()) {
    EXPECT_EQ(update.device_id, kAcId);
    for (const auto& p : update.properties)
      values[p.epc] = p.edt;
  }
  EXPECT_EQ(values[0xB3], Bytes{0x1A});
  EXPECT_EQ(values[0xBB], Bytes{0x17});
  EXPECT_EQ(values.size(), 5u);

  // The next round comes a poll interval later, not before.
  lan.clear();
  lan.run_for(50s);
  EXPECT_TRUE(lan.all<PropertiesUpdated>().empty());
  lan.run_for(15s);
  EXPECT_FALSE(lan.all<PropertiesUpdated>().empty());
}

TEST(LanRequests, AnswersMustMatchTidSourceAndObject) {
  Found f;
  f.node().mute = true;  // we answer by hand
  f.lan.controller.get("r1", kAcId, {0x80}, f.lan.now);
  f.lan.run_for(10ms);
  const auto sent = f.lan.sent_to("192.0.2.10");
  ASSERT_EQ(sent.size(), 1u);
  const echonet::Frame request = sent[0].frame;

  echonet::Frame answer;
  answer.tid = request.tid;
  answer.seoj = kAc;
  answer.deoj = echonet::kController;
  answer.esv = echonet::esv::get_res;
  answer.properties = {{0x80, {0x31}}};

  echonet::Frame wrong_tid = answer;
  wrong_tid.tid = static_cast<std::uint16_t>(request.tid + 1);
  echonet::Frame wrong_object = answer;
  wrong_object.seoj = {0x01, 0x30, 0x02};
  echonet::Frame wrong_destination = answer;
  wrong_destination.deoj = {0x05, 0xFF, 0x02};
  echonet::Frame wrong_service = answer;
  wrong_service.esv = echonet::esv::set_res;

  f.lan.inject("192.0.2.10", echonet::encode(wrong_tid));
  f.lan.inject("192.0.2.10", echonet::encode(wrong_object));
  f.lan.inject("192.0.2.10", echonet::encode(wrong_destination));
  f.lan.inject("192.0.2.10", echonet::encode(wrong_service));
  f.lan.inject("192.0.2.11", echonet::encode(answer));  // right frame, wrong sender
  EXPECT_TRUE(f.lan.all<RequestDone>().empty());
  EXPECT_TRUE(f.lan.all<PropertiesUpdated>().empty());

  f.lan.inject("192.0.2.10", echonet::encode(answer));
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].request_id, "r1");
  EXPECT_EQ(done[0].device_id, kAcId);
  EXPECT_EQ(done[0].esv, echonet::esv::get_res);
  ASSERT_EQ(done[0].results.size(), 1u);
  EXPECT_EQ(done[0].results[0].first, (echonet::Property{0x80, {0x31}}));
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::accepted);
}

TEST(LanRequests, RetriesFollowTheMeasuredRoundTripAndBackOff) {
  ControllerConfig config = test_config();
  config.retries = 3;
  Found f(config);  // its node answers in 10 ms: the first wait is the 250 ms floor
  f.node().mute = true;
  const TimePoint start = f.lan.now;
  f.lan.controller.get("r1", kAcId, {0x80}, start);
  f.lan.run_for(20s);
  const auto times = send_times(f.lan, "192.0.2.10", echonet::esv::get);
  ASSERT_EQ(times.size(), 4u);  // the first send and three retries
  EXPECT_EQ(times[0], start);
  EXPECT_EQ(times[1], start + 250ms);
  EXPECT_EQ(times[2], start + 750ms);
  EXPECT_EQ(times[3], start + 1750ms);
  // Retries keep the TID, so a late answer to an earlier send still counts.
  const auto sent = f.lan.sent_to("192.0.2.10");
  EXPECT_EQ(sent.front().frame.tid, sent.back().frame.tid);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].esv, 0);
  ASSERT_EQ(done[0].results.size(), 1u);
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::timeout);
}

TEST(LanRequests, UnmeasuredNodesWaitTheTimeoutAndRequestsEndWithTheirLifetime) {
  ControllerConfig config = test_config();
  config.retries = 5;
  config.request_lifetime = 8s;
  FakeLan lan(config);
  lan.start();
  lan.run_for(10s);
  lan.clear();
  const TimePoint start = lan.now;
  lan.controller.raw(
      "r1", "192.0.2.99",
      echonet::make_get(0, echonet::kController, kAc, std::vector<std::uint8_t>{0x80}), start);
  lan.run_for(30s);
  const auto times = send_times(lan, "192.0.2.99", echonet::esv::get);
  ASSERT_EQ(times.size(), 4u);  // 0, 1, 3, 7 s; the next would come after the lifetime
  EXPECT_EQ(times[1], start + 1s);
  EXPECT_EQ(times[3], start + 7s);
  const std::optional<RequestDone> done = done_with_id(lan.all<RequestDone>(), "r1");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->results.at(0).second, PropertyOutcome::timeout);
}

TEST(LanRequests, AnswerToAnEarlierCopyCountsAndSlowNodesAreLearnt) {
  ControllerConfig config = test_config();
  FakeLan lan(config);
  FakeNode slow = ac_node("192.0.2.10", 0x01);
  slow.delay = 2s;
  lan.add(slow);
  lan.start();
  lan.run_for(30s);
  ASSERT_TRUE(lan.controller.devices().contains(kAcId));
  lan.clear();
  // Measured from its discovery answers, the wait outlasts its 2 s: one send per request.
  lan.controller.get("r1", kAcId, {0x80}, lan.now);
  lan.run_for(5s);
  EXPECT_EQ(send_times(lan, "192.0.2.10", echonet::esv::get).size(), 1u);
  const std::optional<RequestDone> done = done_with_id(lan.all<RequestDone>(), "r1");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->results.at(0).second, PropertyOutcome::accepted);
}

TEST(LanRequests, NodeDroppingTwoCopiesOfEveryRequestIsReadWithinSeconds) {
  ControllerConfig config = ControllerConfig{};  // the defaults, jitter included
  FakeLan lan(config);
  FakeNode lossy = ac_node("192.0.2.10", 0x01);
  lossy.drop_copies = 2;
  lan.add(lossy);
  lan.add(ac_node("192.0.2.11", 0x02));
  lan.start();
  std::optional<TimePoint> first_state;
  const TimePoint start = lan.now;
  for (int i = 0; i < 200 && !first_state; ++i) {
    lan.run_for(50ms);
    for (const auto& update : lan.all<PropertiesUpdated>()) {
      if (update.device_id == kAcId)
        first_state = lan.now;
    }
  }
  ASSERT_TRUE(first_state.has_value());
  EXPECT_LE(*first_state - start, 5s);
}

std::vector<TimePoint> jittered_sends(std::uint64_t seed) {
  ControllerConfig config = test_config();
  config.retries = 3;
  config.jitter = 0.5;
  config.seed = seed;
  Found f(config);
  f.node().mute = true;
  f.lan.controller.get("r1", kAcId, {0x80}, f.lan.now);
  f.lan.run_for(30s);
  return send_times(f.lan, "192.0.2.10", echonet::esv::get);
}

TEST(LanRequests, JitterLengthensWaitsWithinBoundsAndFollowsTheSeed) {
  const auto a = jittered_sends(7);
  ASSERT_EQ(a.size(), 4u);
  const Duration base[] = {250ms, 500ms, 1000ms};  // from the 10 ms round trip
  for (std::size_t i = 0; i < 3; ++i) {
    const auto wait = std::chrono::duration_cast<Duration>(a[i + 1] - a[i]);
    EXPECT_GE(wait, base[i]);
    EXPECT_LE(wait, base[i] * 3 / 2);
  }
  EXPECT_EQ(jittered_sends(7), a);  // same seed, same schedule
  EXPECT_NE(jittered_sends(8), a);
}

TEST(LanRequests, NodesAreServedInParallelAndGetsShareAWindowWritesGoAlone) {
  FakeLan lan(test_config());
  FakeNode slow = ac_node("192.0.2.10", 0x01);
  slow.delay = 800ms;
  lan.add(slow);
  lan.add(ac_node("192.0.2.11", 0x02));
  lan.start();
  lan.run_for(20s);
  ASSERT_EQ(lan.controller.devices().size(), 2u);
  lan.clear();

  const TimePoint start = lan.now;
  const std::string slow_id = "000006_5a449e88_013001";
  lan.controller.get("slow1", slow_id, {0x80}, start);
  lan.controller.get("slow2", slow_id, {0xB0}, start);
  lan.controller.set("write", slow_id, {{0xB0, {0x42}}}, true, start);
  lan.controller.get("slow3", slow_id, {0xB3}, start);
  lan.controller.get("fast", "000006_5d44a341_013001", {0x80}, start);
  lan.run_for(100ms);
  ASSERT_TRUE(done_with_id(lan.all<RequestDone>(), "fast").has_value());
  EXPECT_FALSE(done_with_id(lan.all<RequestDone>(), "slow1").has_value());
  // The node has answered enough to get two Gets at once; the write waits for both.
  EXPECT_EQ(send_times(lan, "192.0.2.10", echonet::esv::get).size(), 2u);
  EXPECT_TRUE(send_times(lan, "192.0.2.10", echonet::esv::set_c).empty());

  lan.run_for(3s);
  const auto sets = send_times(lan, "192.0.2.10", echonet::esv::set_c);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0], start + 800ms);  // right after the Gets before it were answered
  const auto gets = send_times(lan, "192.0.2.10", echonet::esv::get);
  ASSERT_EQ(gets.size(), 3u);
  EXPECT_EQ(gets[2], start + 1600ms);  // and the Get after it, after the write
  ASSERT_TRUE(done_with_id(lan.all<RequestDone>(), "slow3").has_value());
}

TEST(LanRequests, ANodeThatDropsRequestsWhileBusyGetsFewerAtOnce) {
  FakeLan lan(test_config());
  FakeNode busy = ac_node("192.0.2.10", 0x01);
  busy.delay = 100ms;
  busy.one_at_a_time = true;
  lan.add(busy);
  lan.start();
  lan.run_for(20s);
  ASSERT_TRUE(lan.controller.devices().contains(kAcId));
  lan.clear();
  for (int i = 0; i < 6; ++i)
    lan.controller.get(std::string("r") + std::to_string(i), kAcId, {0x80}, lan.now);
  lan.run_for(20s);
  for (int i = 0; i < 6; ++i) {
    const std::optional<RequestDone> done =
        done_with_id(lan.all<RequestDone>(), std::string("r") + std::to_string(i));
    ASSERT_TRUE(done.has_value()) << i;
    EXPECT_EQ(done->results.at(0).second, PropertyOutcome::accepted) << i;
  }
  bool narrowed = false;
  for (const auto& line : lan.all<LanLog>())
    narrowed = narrowed || line.text.find("at most 1 at once") != std::string::npos;
  EXPECT_TRUE(narrowed);
}

TEST(LanRequests, PartialAnswersKeepWhatCameBack) {
  Found f;
  f.node().objects[0].refuse = {0xBB};
  f.lan.controller.get("r1", kAcId, {0x80, 0xBB, 0xB3}, f.lan.now);
  f.lan.run_for(1s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].esv, echonet::esv::get_sna);
  ASSERT_EQ(done[0].results.size(), 3u);
  EXPECT_EQ(done[0].results[0].first, (echonet::Property{0x80, {0x30}}));
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::accepted);
  EXPECT_EQ(done[0].results[1].first, (echonet::Property{0xBB, {}}));
  EXPECT_EQ(done[0].results[1].second, PropertyOutcome::rejected);
  EXPECT_EQ(done[0].results[2].first, (echonet::Property{0xB3, {0x1A}}));
  EXPECT_EQ(done[0].results[2].second, PropertyOutcome::accepted);
  // What came back is published as state too.
  const auto updates = f.lan.all<PropertiesUpdated>();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].properties.size(), 2u);
}

TEST(LanRequests, MultiEpcGetsIgnoredAreSplitIntoSingleEpcGets) {
  ControllerConfig config = test_config();
  config.retries = 1;
  FakeLan lan(config);
  FakeNode picky = ac_node("192.0.2.10", 0x01);
  picky.single_epc_only = true;
  lan.add(picky);
  lan.start();
  lan.run_for(30s);
  ASSERT_TRUE(lan.controller.devices().contains(kAcId));
  EXPECT_EQ(lan.controller.devices().at(kAcId).set_map,
            (std::vector<std::uint8_t>{0x80, 0xB0, 0xB3}));
  std::set<std::uint8_t> values;
  for (const auto& update : lan.all<PropertiesUpdated>()) {
    for (const auto& p : update.properties)
      values.insert(p.epc);
  }
  EXPECT_EQ(values, (std::set<std::uint8_t>{0x80, 0x8A, 0xB0, 0xB3, 0xBB}));

  // From then on, Gets to this node carry one EPC each.
  lan.clear();
  lan.controller.get("r1", kAcId, {0x80, 0xB0}, lan.now);
  lan.run_for(61s);
  for (const auto& s : lan.sent_to("192.0.2.10"))
    EXPECT_EQ(s.frame.properties.size(), 1u);
  const std::optional<RequestDone> done = done_with_id(lan.all<RequestDone>(), "r1");
  ASSERT_TRUE(done.has_value());
  ASSERT_EQ(done->results.size(), 2u);
  EXPECT_EQ(done->results[0].second, PropertyOutcome::accepted);
  EXPECT_EQ(done->results[1].second, PropertyOutcome::accepted);
}

TEST(LanRequests, ASilentNodeIsNeverAskedOneEpcAtATime) {
  ControllerConfig config = test_config();
  config.retries = 1;
  Found f(config);
  f.node().mute = true;
  f.lan.controller.get("r1", kAcId, {0x80, 0xB0, 0xB3}, f.lan.now);
  f.lan.run_for(20s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0].results.size(), 3u);
  for (const auto& [prop, outcome] : done[0].results)
    EXPECT_EQ(outcome, PropertyOutcome::timeout);
  // It answered Gets of several EPCs before and now answers nothing: two sends of the whole
  // Get and no single-EPC parts.
  for (const auto& s : f.lan.sent_to("192.0.2.10"))
    EXPECT_EQ(s.frame.properties.size(), 3u);
  EXPECT_EQ(send_times(f.lan, "192.0.2.10", echonet::esv::get).size(), 2u);
}

TEST(LanAvailability, OfflineAfterFailedPollsOnlineOnAnyAnswer) {
  ControllerConfig config = test_config();
  config.poll_interval = 10s;
  config.retries = 1;
  config.failures_before_offline = 2;
  Found f(config);
  f.node().mute = true;
  f.lan.run_for(12s);  // one failed poll
  EXPECT_TRUE(f.lan.all<AvailabilityChanged>().empty());
  f.lan.run_for(10s);  // the second
  auto changes = f.lan.all<AvailabilityChanged>();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].device_id, kAcId);
  EXPECT_FALSE(changes[0].online);
  f.lan.run_for(20s);
  EXPECT_EQ(f.lan.all<AvailabilityChanged>().size(), 1u);  // said once

  f.node().mute = false;
  f.lan.run_for(10s);
  changes = f.lan.all<AvailabilityChanged>();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[1].online);
}

// An air conditioner with enough readable properties for a poll of several frames.
FakeNode big_ac_node(const std::string& address) {
  FakeNode node = ac_node(address, 0x01);
  FakeObject& ac = node.objects[0];
  std::vector<std::uint8_t> get_map{0x80, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB3, 0xBB};
  for (std::uint8_t epc = 0xC0; epc < 0xD0; ++epc) {
    ac.values[epc] = {0x01};
    get_map.push_back(epc);
  }
  ac.values[0x9F] = echonet::encode_property_map(get_map);
  return node;
}

// With the defaults (60 s polls, three retries, jitter): a node that vanishes at any moment of
// the poll cycle is offline within poll_interval + 10 s, and online at its first answer.
TEST(LanAvailability, VanishedNodeIsOfflineWithinAPollIntervalAndTenSeconds) {
  for (const Duration phase : {0ms, 1ms, 20000ms, 59000ms, 59990ms}) {
    FakeLan lan(ControllerConfig{});
    lan.add(big_ac_node("192.0.2.10"));
    lan.start();
    lan.run_for(10s);
    ASSERT_TRUE(lan.controller.devices().contains(kAcId));
    lan.run_for(phase);
    lan.clear();
    lan.node("192.0.2.10")->mute = true;
    const TimePoint vanished = lan.now;
    std::optional<TimePoint> offline;
    for (int i = 0; i < 1000 && !offline; ++i) {
      lan.run_for(100ms);
      for (const auto& change : lan.all<AvailabilityChanged>()) {
        if (change.device_id == kAcId && !change.online)
          offline = lan.now;
      }
    }
    ASSERT_TRUE(offline.has_value()) << phase.count();
    EXPECT_LE(*offline - vanished, 70s) << phase.count();
    // Asked once per frame and retried, but never one EPC at a time.
    for (const auto& s : lan.sent_to("192.0.2.10"))
      EXPECT_GT(s.frame.properties.size(), 1u) << phase.count();

    lan.clear();
    lan.node("192.0.2.10")->mute = false;
    lan.run_for(61s);
    const auto changes = lan.all<AvailabilityChanged>();
    ASSERT_EQ(changes.size(), 1u) << phase.count();
    EXPECT_TRUE(changes[0].online);
  }
}

TEST(LanAvailability, ANodeAnnouncingItselfAgainIsPolledAndOnlineAtOnce) {
  ControllerConfig config = test_config();
  Found f(config);
  f.node().mute = true;
  f.lan.run_for(65s);
  ASSERT_EQ(f.lan.all<AvailabilityChanged>().size(), 1u);
  f.lan.clear();
  f.node().mute = false;
  echonet::Frame inf;
  inf.tid = 0;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::Eoj{0x0E, 0xF0, 0x01};
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xD5, f.node().instance_list()}};
  const TimePoint back = f.lan.now;
  f.lan.inject("192.0.2.10", echonet::encode(inf));
  f.lan.run_for(1s);
  const auto changes = f.lan.all<AvailabilityChanged>();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].online);
  ASSERT_FALSE(send_times(f.lan, "192.0.2.10", echonet::esv::get).empty());
  EXPECT_EQ(send_times(f.lan, "192.0.2.10", echonet::esv::get)[0], back);
}

// A node that was away for a while and comes back while a poll's last copy is still waiting (it
// announces itself, or answers another request) got that one Get asked one EPC at a time, and
// then, because the parts were answered, was taken for a node that answers single-EPC Gets only
// and polled that way for good. It answered Gets of several EPCs before: it is polled so again.
TEST(LanAvailability, ANodeBackFromAnAbsenceIsPolledSeveralEpcsAtATimeAgain) {
  const ControllerConfig defaults;
  FakeLan lan(defaults);
  lan.add(big_ac_node("192.0.2.10"));
  lan.start();
  lan.run_for(70s);
  ASSERT_TRUE(lan.controller.devices().contains(kAcId));
  lan.node("192.0.2.10")->mute = true;
  lan.clear();
  // Away until a poll Get has gone out for the last time.
  std::optional<std::uint16_t> last_copy_sent;
  for (int i = 0; i < 20000 && !last_copy_sent; ++i) {
    lan.run_for(10ms);
    std::map<std::uint16_t, int> copies;
    for (const auto& s : lan.sent_to("192.0.2.10")) {
      if (s.frame.esv == echonet::esv::get && s.frame.deoj.group == 0x01 &&
          s.frame.properties.size() > 1 && ++copies[s.frame.tid] == defaults.retries + 1)
        last_copy_sent = s.frame.tid;
    }
  }
  ASSERT_TRUE(last_copy_sent);
  // Back before that copy's wait is over, announcing itself as it does after a power cut.
  lan.node("192.0.2.10")->mute = false;
  echonet::Frame inf;
  inf.tid = 0;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::Eoj{0x0E, 0xF0, 0x01};
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xD5, lan.node("192.0.2.10")->instance_list()}};
  lan.inject("192.0.2.10", echonet::encode(inf));
  lan.run_for(2min);
  lan.clear();
  lan.run_for(2min);
  std::size_t most = 0;
  for (const auto& s : lan.sent_to("192.0.2.10")) {
    if (s.frame.esv == echonet::esv::get && s.frame.deoj.group == 0x01)
      most = std::max(most, s.frame.properties.size());
  }
  EXPECT_GT(most, 1u) << "polled one EPC at a time since it came back";
}

TEST(LanPolling, EachRoundsTimingIsLoggedAtDebug) {
  Found f;
  f.lan.run_for(61s);
  bool logged = false;
  for (const auto& line : f.lan.all<LanLog>()) {
    if (line.level == LogLevel::debug &&
        line.text.find(kAcId + ": poll round of 1 frames answered in ") == 0)
      logged = true;
  }
  EXPECT_TRUE(logged);
}

TEST(LanRequests, SetCReportsAcceptedAndRejectedPerProperty) {
  Found f;
  f.lan.controller.set("s1", kAcId, {{0xB0, {0x43}}, {0xBB, {0x10}}, {0xB3, {0x18}}}, true,
                       f.lan.now);
  f.lan.run_for(1s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].esv, echonet::esv::set_c_sna);
  ASSERT_EQ(done[0].results.size(), 3u);
  EXPECT_EQ(done[0].results[0].first, (echonet::Property{0xB0, {0x43}}));
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::accepted);
  EXPECT_EQ(done[0].results[1].second, PropertyOutcome::rejected);  // not settable
  EXPECT_EQ(done[0].results[2].second, PropertyOutcome::accepted);
  EXPECT_EQ(f.node().objects[0].values[0xB0], Bytes{0x43});
  const auto sets = f.lan.sent_to("192.0.2.10");
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0].frame.esv, echonet::esv::set_c);
}

TEST(LanRequests, SetCTimesOutPerProperty) {
  Found f;
  f.node().mute = true;
  f.lan.controller.set("s1", kAcId, {{0xB0, {0x43}}, {0xB3, {0x18}}}, true, f.lan.now);
  f.lan.run_for(10s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0].results.size(), 2u);
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::timeout);
  EXPECT_EQ(done[0].results[1].second, PropertyOutcome::timeout);
  EXPECT_EQ(send_times(f.lan, "192.0.2.10", echonet::esv::set_c).size(), 3u);
}

TEST(LanRequests, SetIIsAcceptedUnlessRefused) {
  Found f;
  f.lan.controller.set("ok", kAcId, {{0xB0, {0x44}}}, false, f.lan.now);
  f.lan.controller.set("no", kAcId, {{0xBB, {0x01}}}, false, f.lan.now);
  f.lan.run_for(5s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 2u);
  const std::optional<RequestDone> ok = done_with_id(done, "ok");
  const std::optional<RequestDone> no = done_with_id(done, "no");
  ASSERT_TRUE(ok.has_value() && no.has_value());
  EXPECT_EQ(ok->results.at(0).second, PropertyOutcome::accepted);
  EXPECT_EQ(no->results.at(0).second, PropertyOutcome::rejected);
  EXPECT_EQ(no->esv, echonet::esv::set_i_sna);
  EXPECT_EQ(send_times(f.lan, "192.0.2.10", echonet::esv::set_i).size(), 2u);  // never retried
}

TEST(LanRequests, UnknownDevicesAreRejectedAtOnce) {
  Found f;
  f.lan.controller.get("g", "nope", {0x80}, f.lan.now);
  f.lan.controller.set("s", "nope", {{0x80, {0x30}}}, true, f.lan.now);
  f.lan.run_for(10ms);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].results.at(0).second, PropertyOutcome::rejected);
  EXPECT_EQ(done[1].results.at(0).second, PropertyOutcome::rejected);
  EXPECT_TRUE(f.lan.sent.empty());
}

TEST(LanRequests, RawRequestsReachAnyAddress) {
  Found f;
  f.lan.controller.raw(
      "x1", "192.0.2.10",
      echonet::make_get(0, echonet::kController, kAc, std::vector<std::uint8_t>{0x80, 0xF0}),
      f.lan.now);
  f.lan.controller.raw(
      "x2", "192.0.2.99",
      echonet::make_get(0, echonet::kController, kAc, std::vector<std::uint8_t>{0x80}), f.lan.now);
  f.lan.run_for(10s);
  const auto done = f.lan.all<RequestDone>();
  const std::optional<RequestDone> known = done_with_id(done, "x1");
  const std::optional<RequestDone> nobody = done_with_id(done, "x2");
  ASSERT_TRUE(known.has_value() && nobody.has_value());
  EXPECT_EQ(known->device_id, kAcId);
  EXPECT_EQ(known->esv, echonet::esv::get_sna);
  ASSERT_EQ(known->results.size(), 2u);
  EXPECT_EQ(known->results[0].first, (echonet::Property{0x80, {0x30}}));
  EXPECT_EQ(known->results[0].second, PropertyOutcome::accepted);
  EXPECT_EQ(known->results[1].second, PropertyOutcome::rejected);
  EXPECT_EQ(nobody->device_id, "");
  EXPECT_EQ(nobody->esv, 0);
  EXPECT_EQ(nobody->results.at(0).second, PropertyOutcome::timeout);
}

TEST(LanNotifications, InfAndInfcUpdateStateAndInfcIsAnswered) {
  Found f;
  echonet::Frame infc;
  infc.tid = 0x1234;
  infc.seoj = kAc;
  infc.deoj = echonet::kController;
  infc.esv = echonet::esv::infc;
  infc.properties = {{0x80, {0x31}}};
  f.lan.inject("192.0.2.10", echonet::encode(infc));
  echonet::Frame inf = infc;
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xB0, {0x44}}};
  f.lan.inject("192.0.2.10", echonet::encode(inf));

  const auto updates = f.lan.all<PropertiesUpdated>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].device_id, kAcId);
  EXPECT_EQ(updates[0].properties, (std::vector<echonet::Property>{{0x80, {0x31}}}));
  EXPECT_EQ(updates[1].properties, (std::vector<echonet::Property>{{0xB0, {0x44}}}));
  const auto replies = f.lan.sent_to("192.0.2.10");
  ASSERT_EQ(replies.size(), 1u);  // the INF needs none
  EXPECT_EQ(replies[0].frame.esv, echonet::esv::infc_res);
  EXPECT_EQ(replies[0].frame.tid, 0x1234);
  EXPECT_EQ(replies[0].frame.seoj, echonet::kController);
  EXPECT_EQ(replies[0].frame.deoj, kAc);
  EXPECT_EQ(replies[0].frame.properties, (std::vector<echonet::Property>{{0x80, {}}}));
}

TEST(LanRequests, ValuesTooLongToEncodeAreRejectedWithoutSending) {
  Found f;
  f.lan.controller.set("s1", kAcId,
                       {
                           {0xB0, Bytes(300, 0x41)},
                       },
                       true, f.lan.now);
  f.lan.run_for(1s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0].results.size(), 1u);
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::rejected);
  EXPECT_TRUE(f.lan.sent_to("192.0.2.10").empty());
}

TEST(LanRequests, PollsOfKnownDevicesGoBeforeInterrogatingNewObjects) {
  ControllerConfig config = test_config();
  config.poll_interval = 10s;
  Found f(config);
  // The node now announces many objects that never answer.
  Bytes list{20};
  for (std::uint8_t i = 0; i < 20; ++i) {
    list.push_back(0x02);
    list.push_back(0x6B);
    list.push_back(static_cast<std::uint8_t>(i + 1));
  }
  echonet::Frame inf;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::kNodeProfile;
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xD5, list}};
  f.lan.inject("192.0.2.10", echonet::encode(inf));
  f.lan.run_for(30s);
  // Each ghost costs seconds of the node's single slot, yet the known device is still polled
  // every 10 s.
  int polls = 0;
  for (const auto& update : f.lan.all<PropertiesUpdated>())
    polls += update.device_id == kAcId ? 1 : 0;
  EXPECT_GE(polls, 3);
  EXPECT_EQ(f.lan.controller.devices().size(), 1u);
}

}  // namespace
}  // namespace hems::lan::testing
