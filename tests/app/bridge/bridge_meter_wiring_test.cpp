// The meter's path through the real bridge, in-process: bytes from the simulated dongle become
// MQTT messages; MQTT requests reach the meter and come back answered.

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "fakes/bridge_harness.hpp"

namespace hems::test {
namespace {

using MeterWiring = BridgeHarness;

TEST_F(MeterWiring, AReadingFlowsFromTheDongleToTheStateTopic) {
  start();
  ASSERT_TRUE(run([&] {
    return published(kState, 0, [](const json& s) { return s.contains("energy_import_kwh"); });
  }));
  EXPECT_EQ(mqtt_->subscriptions,
            (std::vector<std::string>{"hems2mqtt/+/get", "hems2mqtt/+/set",
                                      "hems2mqtt/bridge/request/+", "homeassistant/status"}));
  EXPECT_TRUE(
      published("hems2mqtt/bridge/state", 0, [](const json& s) { return s["state"] == "online"; }));
  auto state = mqtt_->last_json(kState);
  ASSERT_TRUE(state);
  // The simulated meter starts at 65139 x 0.1 kWh and counts up slowly.
  const double energy = (*state)["energy_import_kwh"];
  EXPECT_GE(energy, 6513.9);
  EXPECT_LT(energy, 6513.9 + 5.0);
  EXPECT_TRUE((*state).contains("last_seen"));
  EXPECT_TRUE(published(kAvailability, 0, [](const json& s) { return s["state"] == "online"; }));
  auto info = mqtt_->last_json("hems2mqtt/bridge/info");
  ASSERT_TRUE(info);
  EXPECT_EQ((*info)["meter"]["state"], "joined");
  EXPECT_EQ((*info)["meter"]["channel"], "0x21");
  EXPECT_EQ((*info)["meter"]["pan_id"], "8888");
  // Home Assistant was told about the meter's entities once its identity was known.
  EXPECT_GT(mqtt_->count_prefix("homeassistant/sensor/"), 3u);
  // The PAN was kept for the next start.
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "pan-cache"));
}

// An ERXUDP line from the simulated meter to the dongle carrying `frame`, in the dongle's
// payload format.
std::string meter_line(SimSerial& serial, const Bytes& frame) {
  auto& sim = serial.sim();
  char length[8];
  std::snprintf(length, sizeof length, "%04zX", frame.size());
  std::string line = "ERXUDP " + sim.meter_address() + " " + sim.dongle_address() +
                     " 0E1A 0E1A 001C6400601421A3 1 " + length + " ";
  if (sim.payload_hex())
    line += to_hex(frame);
  else
    line.append(frame.begin(), frame.end());
  line += "\r\n";
  return line;
}

// The meter's INF of its instantaneous power (E7).
Bytes power_notification(std::uint16_t tid, std::uint32_t watts) {
  return *from_hex(
      "1081" + to_hex(Bytes{static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid)}) +
      "02880105FF017301E704" +
      to_hex(Bytes{static_cast<std::uint8_t>(watts >> 24), static_cast<std::uint8_t>(watts >> 16),
                   static_cast<std::uint8_t>(watts >> 8), static_cast<std::uint8_t>(watts)}));
}

TEST_F(MeterWiring, EveryReadingInOneReadOfThePortIsPublished) {
  start();
  ASSERT_TRUE(wait_reading());
  const std::size_t from = mark();
  // Two readings reach the bridge in one read of the port (a busy host reads late, a TCP link
  // delivers in bursts): each is published, in order, not only the last.
  serial_->inject(meter_line(*serial_, power_notification(0x7001, 1111)) +
                  meter_line(*serial_, power_notification(0x7002, 2222)));
  ASSERT_TRUE(run([&] {
    return published(kState, from, [](const json& s) { return s.value("power_w", 0) == 2222; });
  }));
  std::vector<int> powers;
  for (const auto& m : mqtt_->on(kState, from)) {
    json s = json::parse(m.payload, nullptr, false);
    if (!s.is_discarded() && s.contains("power_w"))
      powers.push_back(s["power_w"].get<int>());
  }
  const auto first = std::find(powers.begin(), powers.end(), 1111);
  const auto second = std::find(powers.begin(), powers.end(), 2222);
  EXPECT_NE(first, powers.end()) << "the first reading was never published on its own";
  EXPECT_LT(first, second);
}

TEST_F(MeterWiring, TheNextStartJoinsTheCachedPanWithoutScanning) {
  start();
  ASSERT_TRUE(wait_reading());
  bridge_->shutdown();
  bridge_.reset();
  mqtt_ = std::make_shared<MqttRecord>();
  start();
  ASSERT_TRUE(wait_reading());
  for (const auto& m : mqtt_->on("hems2mqtt/bridge/info")) {
    json info = json::parse(m.payload);
    EXPECT_NE(info["meter"]["state"], "scanning") << "scanned although the PAN was cached";
  }
}

TEST_F(MeterWiring, HomeAssistantsBirthMessageRepublishesDiscoveryAndState) {
  start();
  ASSERT_TRUE(wait_reading());
  const std::size_t from = mark();
  mqtt_->deliver("homeassistant/status", "offline");
  loop_.run_ready();
  EXPECT_EQ(mark(), from) << "an offline birth message must change nothing";
  mqtt_->deliver("homeassistant/status", "online");
  loop_.run_ready();
  EXPECT_GT(mqtt_->count_prefix("homeassistant/sensor/", from), 3u);
  EXPECT_TRUE(published(kState, from, [](const json& s) { return s.contains("power_w"); }));
  EXPECT_TRUE(published(kAvailability, from, [](const json& s) { return s["state"] == "online"; }));
  EXPECT_TRUE(published("hems2mqtt/bridge/info", from));
}

TEST_F(MeterWiring, ABrokerReconnectRepublishesEverythingRetained) {
  start();
  ASSERT_TRUE(wait_reading());
  mqtt_->lose("connection reset");
  loop_.run_ready();
  const std::size_t from = mark();
  mqtt_->connect();
  loop_.run_ready();
  EXPECT_TRUE(published("hems2mqtt/bridge/state", from,
                        [](const json& s) { return s["state"] == "online"; }));
  EXPECT_GT(mqtt_->count_prefix("homeassistant/", from), 3u);
  EXPECT_TRUE(published(kState, from));
  EXPECT_TRUE(published(kAvailability, from));
  EXPECT_TRUE(published("hems2mqtt/bridge/devices", from));
}

TEST_F(MeterWiring, AGetWithATransactionIsAnsweredWithTheValuesAskedFor) {
  start();
  ASSERT_TRUE(wait_reading());
  mqtt_->deliver("hems2mqtt/smart_meter/get", R"({"transaction":"g1","power_w":""})");
  ASSERT_TRUE(wait_response(kResponse, "g1"));
  auto answer = response(kResponse, "g1");
  EXPECT_EQ((*answer)["status"], "ok");
  EXPECT_TRUE((*answer)["data"].contains("power_w"));
  EXPECT_FALSE((*answer)["data"].contains("energy_import_kwh"));
}

TEST_F(MeterWiring, AGetOfEverythingWaitsForEveryGroupOfValues) {
  // Asked as soon as the link is up, while the meter's identity (which brings power and current
  // along) is still being read: the answer must not stop at the identity's values.
  start();
  ASSERT_TRUE(run([&] {
    auto info = mqtt_->last_json("hems2mqtt/bridge/info");
    return info && (*info)["meter"]["state"] == "joined";
  }));
  ASSERT_FALSE(published(kState, 0)) << "too late: a reading came before the get";
  mqtt_->deliver("hems2mqtt/smart_meter/get", R"({"transaction":"all"})");
  ASSERT_TRUE(wait_response(kResponse, "all"));
  auto answer = response(kResponse, "all");
  EXPECT_EQ((*answer)["status"], "ok");
  EXPECT_TRUE((*answer)["data"].contains("power_w")) << answer->dump();
  EXPECT_TRUE((*answer)["data"].contains("energy_import_kwh")) << answer->dump();
  EXPECT_TRUE((*answer)["data"].contains("energy_export_kwh")) << answer->dump();
}

TEST_F(MeterWiring, AGetOfSeveralValuesWaitsForEachOfThem) {
  start();
  ASSERT_TRUE(run([&] {
    auto info = mqtt_->last_json("hems2mqtt/bridge/info");
    return info && (*info)["meter"]["state"] == "joined";
  }));
  mqtt_->deliver("hems2mqtt/smart_meter/get",
                 R"({"transaction":"two","power_w":"","energy_import_kwh":""})");
  ASSERT_TRUE(wait_response(kResponse, "two"));
  auto answer = response(kResponse, "two");
  EXPECT_TRUE((*answer)["data"].contains("power_w")) << answer->dump();
  EXPECT_TRUE((*answer)["data"].contains("energy_import_kwh")) << answer->dump();
}

TEST_F(MeterWiring, AGetTimesOutWhenTheMeterStaysSilent) {
  start();
  ASSERT_TRUE(wait_reading());
  serial_->sim().console("fault silent-meter 600", loop_.now());
  const TimePoint asked = loop_.now();
  mqtt_->deliver("hems2mqtt/smart_meter/get", R"({"transaction":7,"energy_import_kwh":""})");
  ASSERT_TRUE(run([&] {
    for (const auto& m : mqtt_->on(kResponse)) {
      json j = json::parse(m.payload);
      if (j["transaction"] == 7)
        return true;
    }
    return false;
  }));
  auto answer = mqtt_->last_json(kResponse);
  EXPECT_EQ((*answer)["status"], "error");
  EXPECT_EQ((*answer)["error"], "the meter did not answer in time");
  EXPECT_GE(loop_.now() - asked, app::MeterLink::kGetTimeout);
}

TEST_F(MeterWiring, AGetBeforeTheLinkIsUpIsRefusedAtOnce) {
  make_bridge(config(), sim_options());
  bridge_->start();
  mqtt_->connect();
  mqtt_->deliver("hems2mqtt/smart_meter/get", R"({"transaction":"early"})");
  loop_.run_ready();
  auto answer = response(kResponse, "early");
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"], "the meter is not connected");
}

TEST_F(MeterWiring, RawRequestsToTheMeterAreAnsweredAsTheMeterAnswered) {
  start();
  ASSERT_TRUE(wait_reading());
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 R"({"transaction":"r1","device":"smart_meter","eoj":"0x028801","esv":"get",)"
                 R"("properties":{"0x80":"","0xD3":""}})");
  ASSERT_TRUE(wait_response(kRawResponse, "r1"));
  auto answer = response(kRawResponse, "r1");
  EXPECT_EQ((*answer)["status"], "ok") << answer->dump();
  EXPECT_EQ((*answer)["data"]["esv"], "0x72");
  EXPECT_EQ((*answer)["data"]["properties"]["0x80"], "30");
  EXPECT_EQ((*answer)["data"]["properties"]["0xD3"], "00000001");
}

TEST_F(MeterWiring, RequestsThatBreakTheRulesAreRefusedWithTheReason) {
  start();
  const std::size_t from = mark();
  mqtt_->deliver("hems2mqtt/smart_meter/get", R"({"transaction":{"a":1}})");
  mqtt_->deliver("hems2mqtt/nothing_here/get", R"({"transaction":"u"})");
  mqtt_->deliver("hems2mqtt/smart_meter/set", R"({"transaction":"s","power_w":5})");
  mqtt_->deliver("hems2mqtt/bridge/request/echonet", R"({"transaction":[1],"device":"x"})");
  mqtt_->deliver("hems2mqtt/bridge/get", "{}");  // not a device: ignored
  loop_.run_ready();
  auto meter = mqtt_->on(kResponse, from);
  ASSERT_EQ(meter.size(), 2u);
  EXPECT_NE(meter[0].payload.find("transaction"), std::string::npos);
  EXPECT_NE(meter[1].payload.find("no writable values"), std::string::npos);
  EXPECT_NE(meter[1].payload.find(R"("transaction":"s")"), std::string::npos);
  auto unknown = mqtt_->on("hems2mqtt/nothing_here/response", from);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].payload.find("unknown device: nothing_here"), std::string::npos);
  // The raw request's transaction breaks the same rule as everywhere else.
  auto raw = mqtt_->on(kRawResponse, from);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_NE(raw[0].payload.find("\\\"transaction\\\" must be"), std::string::npos)
      << raw[0].payload;
  EXPECT_TRUE(mqtt_->on("hems2mqtt/bridge/response", from).empty());
}

TEST_F(MeterWiring, AnUnpluggedDongleIsReopenedAndReadingsResume) {
  start();
  ASSERT_TRUE(wait_reading());
  serial_->set_unplugged(true);
  ASSERT_TRUE(run([&] {
    return published(kAvailability, 0, [](const json& s) { return s["state"] == "offline"; });
  }));
  const int opens = serial_->opens();
  const std::size_t from = mark();
  serial_->set_unplugged(false);
  ASSERT_TRUE(wait_reading(from));
  EXPECT_GT(serial_->opens(), opens);
  EXPECT_TRUE(published(kAvailability, from, [](const json& s) { return s["state"] == "online"; }));
}

TEST_F(MeterWiring, ShutdownSaysOfflineBeforeItDisconnects) {
  start();
  ASSERT_TRUE(wait_reading());
  const std::size_t from = mark();
  bridge_->shutdown();
  EXPECT_TRUE(loop_.stopped());
  ASSERT_TRUE(mqtt_->stopped_after);
  const auto& sent = mqtt_->published;
  std::vector<std::string> before_stop;
  for (std::size_t i = from; i < *mqtt_->stopped_after; ++i)
    before_stop.push_back(sent[i].topic + " " + sent[i].payload);
  EXPECT_NE(std::find(before_stop.begin(), before_stop.end(),
                      std::string(kAvailability) + R"( {"state":"offline"})"),
            before_stop.end());
  ASSERT_FALSE(before_stop.empty());
  EXPECT_EQ(before_stop.back(), R"(hems2mqtt/bridge/state {"state":"offline"})");
  EXPECT_EQ(sent.size(), *mqtt_->stopped_after) << "published after the disconnect";
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "health"));
}

TEST_F(MeterWiring, TheHealthFileIsRefreshedOnlyWhileConnected) {
  start();
  loop_.run_ready();
  const auto health = dir_.path() / "health";
  ASSERT_TRUE(std::filesystem::exists(health));
  std::filesystem::remove(health);
  ASSERT_TRUE(run([&] { return std::filesystem::exists(health); }, 2min));
  mqtt_->lose("gone");
  loop_.run_ready();
  std::filesystem::remove(health);
  run({}, 3min);
  EXPECT_FALSE(std::filesystem::exists(health));
}

// A state directory that cannot be written (here a file stands where it should be; a read-only
// or full disk fails the same way): each write is logged with the reason, and the bridge reads
// the meter as usual; only what the next start would have known is lost.
TEST_F(MeterWiring, AnUnwritableStateDirectoryIsLoggedAndSurvived) {
  std::ofstream(dir_.path() / "blocker") << "not a directory";
  app::Config c = config();
  c.meter.state_dir = (dir_.path() / "blocker" / "state").string();
  ::testing::internal::CaptureStdout();
  start(c, sim_options());
  const bool read = wait_reading();
  const std::string log = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(read);
  EXPECT_NE(log.find("could not write the PAN cache"), std::string::npos) << log;
  EXPECT_NE(log.find("could not remember the announced Home Assistant topics"), std::string::npos)
      << log;
  EXPECT_NE(log.find("Not a directory"), std::string::npos) << log;
}

}  // namespace
}  // namespace hems::test
