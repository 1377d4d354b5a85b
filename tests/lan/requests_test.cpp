#include <gtest/gtest.h>

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

TEST(LanRequests, RetriesBackOffExponentiallyThenTimeOut) {
  ControllerConfig config = test_config();
  config.retries = 3;
  Found f(config);
  f.node().mute = true;
  const TimePoint start = f.lan.now;
  f.lan.controller.get("r1", kAcId, {0x80}, start);
  f.lan.run_for(20s);
  const auto times = send_times(f.lan, "192.0.2.10", echonet::esv::get);
  ASSERT_EQ(times.size(), 4u);  // the first send and three retries
  EXPECT_EQ(times[0], start);
  EXPECT_EQ(times[1], start + 1s);
  EXPECT_EQ(times[2], start + 3s);
  EXPECT_EQ(times[3], start + 7s);
  // Retries keep the TID, so a late answer to an earlier send still counts.
  const auto sent = f.lan.sent_to("192.0.2.10");
  EXPECT_EQ(sent.front().frame.tid, sent.back().frame.tid);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].esv, 0);
  ASSERT_EQ(done[0].results.size(), 1u);
  EXPECT_EQ(done[0].results[0].second, PropertyOutcome::timeout);
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
  const Duration base[] = {1000ms, 2000ms, 4000ms};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto wait = std::chrono::duration_cast<Duration>(a[i + 1] - a[i]);
    EXPECT_GE(wait, base[i]);
    EXPECT_LE(wait, base[i] * 3 / 2);
  }
  EXPECT_EQ(jittered_sends(7), a);  // same seed, same schedule
  EXPECT_NE(jittered_sends(8), a);
}

TEST(LanRequests, NodesAreServedInParallelAndEachNodeOneAtATime) {
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
  lan.controller.get("slow1", "000006_5a449e88_013001", {0x80}, start);
  lan.controller.get("slow2", "000006_5a449e88_013001", {0xB0}, start);
  lan.controller.get("fast", "000006_5d44a341_013001", {0x80}, start);
  lan.run_for(100ms);
  ASSERT_NE(done_with_id(lan.all<RequestDone>(), "fast"), nullptr);
  EXPECT_EQ(done_with_id(lan.all<RequestDone>(), "slow1"), nullptr);
  // Only one request went to the slow node so far.
  EXPECT_EQ(lan.sent_to("192.0.2.10").size(), 1u);

  lan.run_for(2s);
  const auto slow_sends = send_times(lan, "192.0.2.10", echonet::esv::get);
  ASSERT_EQ(slow_sends.size(), 2u);
  EXPECT_EQ(slow_sends[0], start);
  EXPECT_EQ(slow_sends[1], start + 800ms);  // right after the first answer
  ASSERT_NE(done_with_id(lan.all<RequestDone>(), "slow2"), nullptr);
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
  const RequestDone* done = done_with_id(lan.all<RequestDone>(), "r1");
  ASSERT_NE(done, nullptr);
  ASSERT_EQ(done->results.size(), 2u);
  EXPECT_EQ(done->results[0].second, PropertyOutcome::accepted);
  EXPECT_EQ(done->results[1].second, PropertyOutcome::accepted);
}

TEST(LanRequests, ASilentNodeIsNotAskedForEveryEpcAfterASplit) {
  ControllerConfig config = test_config();
  config.retries = 1;  // a try waits 1 s, the retry 2 s
  Found f(config);
  f.node().mute = true;
  f.lan.controller.get("r1", kAcId, {0x80, 0xB0, 0xB3}, f.lan.now);
  f.lan.run_for(20s);
  const auto done = f.lan.all<RequestDone>();
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0].results.size(), 3u);
  for (const auto& [prop, outcome] : done[0].results)
    EXPECT_EQ(outcome, PropertyOutcome::timeout);
  // Two sends of the whole Get, two of its first part, and nothing for the other parts.
  EXPECT_EQ(send_times(f.lan, "192.0.2.10", echonet::esv::get).size(), 4u);
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
  const RequestDone* ok = done_with_id(done, "ok");
  const RequestDone* no = done_with_id(done, "no");
  ASSERT_TRUE(ok && no);
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
  const RequestDone* known = done_with_id(done, "x1");
  const RequestDone* nobody = done_with_id(done, "x2");
  ASSERT_TRUE(known && nobody);
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
