// The MQTT side of the real bridge: requests and responses, republishing, buffering, last will.
#include <algorithm>
#include <csignal>
#include <cstring>
#include <ctime>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

constexpr const char* kResponse = "hems2mqtt/smart_meter/response";
constexpr const char* kRawResponse = "hems2mqtt/bridge/response/echonet";
constexpr const char* kMqttSecret = "mqtt-s3cret-pw";

class BridgeMqtt : public BridgeFixture {
 protected:
  void SetUp() override {
    BridgeFixture::SetUp();
    if (HasFatalFailure())
      return;
    start_all(SimSetup{"bp35c0", "pty", {}}, "",
              std::string("username = \"bridge\"\npassword = \"") + kMqttSecret + "\"");
  }

  std::optional<json> request(const std::string& topic, const std::string& payload,
                              const std::string& reply_topic, const std::string& transaction,
                              std::chrono::milliseconds timeout = 30s) {
    const std::size_t from = mark();
    observer_->publish(topic, payload);
    auto reply = observer_->wait_for(
        reply_topic, timeout,
        [&](const mqtt::Message& m) {
          auto j = json::parse(m.payload, nullptr, false);
          return !j.is_discarded() && j.value("transaction", json()) == json(transaction);
        },
        from);
    if (!reply)
      return std::nullopt;
    return json::parse(reply->payload);
  }
};

TEST_F(BridgeMqtt, GetEverythingWithATransaction) {
  auto reply = request("hems2mqtt/smart_meter/get", R"({"transaction":"t1"})", kResponse, "t1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok");
  EXPECT_TRUE((*reply)["data"].contains("power_w"));
  EXPECT_TRUE((*reply)["data"].contains("energy_import_kwh"));
}

TEST_F(BridgeMqtt, GetOneValueAnswersOnlyThatValue) {
  auto reply =
      request("hems2mqtt/smart_meter/get", R"({"power_w":"","transaction":"t2"})", kResponse, "t2");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok");
  ASSERT_TRUE((*reply)["data"].contains("power_w"));
  EXPECT_FALSE((*reply)["data"].contains("energy_import_kwh"));
}

TEST_F(BridgeMqtt, GetWithoutTransactionPublishesFreshState) {
  const std::size_t from = mark();
  observer_->publish("hems2mqtt/smart_meter/get", "{}");
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 20s, from));
  for (const auto& m : observer_->messages())
    EXPECT_NE(m.topic, kResponse);
}

TEST_F(BridgeMqtt, InvalidRequestsAreAnsweredAndDoNoHarm) {
  struct Case {
    std::string topic, payload, reply_topic, expect;
  };
  const std::vector<Case> cases = {
      {"hems2mqtt/smart_meter/get", "not json", kResponse, "JSON object"},
      {"hems2mqtt/smart_meter/get", "[1,2]", kResponse, "JSON object"},
      {"hems2mqtt/smart_meter/get", R"({"transaction":"x","voltage":""})", kResponse,
       "unknown value: voltage"},
      {"hems2mqtt/smart_meter/get", R"({"transaction":"x","power_w":5})", kResponse,
       "must be \"\""},
      {"hems2mqtt/smart_meter/get", R"({"transaction":{"a":1}})", kResponse, "transaction"},
      {"hems2mqtt/smart_meter/get", std::string(20000, '{'), kResponse, "too large"},
      {"hems2mqtt/smart_meter/set", R"({"transaction":"x","power_w":5})", kResponse,
       "no writable values"},
      {"hems2mqtt/bridge/request/echonet", "{", kRawResponse, "JSON object"},
      {"hems2mqtt/bridge/request/echonet",
       R"({"transaction":"x","device":"nope","eoj":"0x028801","esv":"get","properties":{"0x80":""}})",
       kRawResponse, "unknown device"},
      {"hems2mqtt/bridge/request/echonet",
       R"({"transaction":"x","device":"smart_meter","eoj":"0x0288","esv":"get","properties":{"0x80":""}})",
       kRawResponse, "eoj"},
      {"hems2mqtt/bridge/request/echonet",
       R"({"transaction":"x","device":"smart_meter","eoj":"0x028801","esv":"delete","properties":{"0x80":""}})",
       kRawResponse, "esv"},
      {"hems2mqtt/bridge/request/echonet",
       R"({"transaction":"x","device":"smart_meter","eoj":"0x028801","esv":"get","properties":{"0xZZ":""}})",
       kRawResponse, "EPC"},
      {"hems2mqtt/bridge/request/echonet",
       R"({"transaction":"x","device":"smart_meter","eoj":"0x028801","esv":"get","properties":{"0x80":""},"extra":1})",
       kRawResponse, "unknown key"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.payload.substr(0, 80));
    const std::size_t from = mark();
    observer_->publish(c.topic, c.payload);
    auto reply = observer_->wait_for(c.reply_topic, 10s, nullptr, from);
    ASSERT_TRUE(reply);
    auto j = json::parse(reply->payload, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j["status"], "error");
    EXPECT_NE(j.value("error", "").find(c.expect), std::string::npos) << j.dump();
  }
  EXPECT_TRUE(bridge_->running());
  const std::size_t from = mark();
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 20s, from));
}

TEST_F(BridgeMqtt, RawEchonetGetOfTheMeter) {
  auto reply = request(
      "hems2mqtt/bridge/request/echonet",
      R"({"transaction":"r1","device":"smart_meter","eoj":"0x028801","esv":"get","properties":{"0x80":"","0xE1":""}})",
      kRawResponse, "r1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok") << reply->dump();
  EXPECT_EQ((*reply)["data"]["esv"], "0x72");
  EXPECT_EQ((*reply)["data"]["properties"]["0x80"], "30");
  EXPECT_EQ((*reply)["data"]["properties"]["0xE1"], "01");
}

TEST_F(BridgeMqtt, RepublishesAfterABrokerRestart) {
  broker_->stop();
  broker_->start();
  // A fresh broker holds no retained messages: these can only come from the bridge again.
  test::Subscriber fresh(broker_->port(), {"hems2mqtt/#"});
  EXPECT_TRUE(fresh.wait_for(
      "hems2mqtt/bridge/state", [](const std::string& p) { return p == R"({"state":"online"})"; },
      30s));
  EXPECT_TRUE(fresh.wait_for(
      "hems2mqtt/smart_meter",
      [](const std::string& p) { return p.find("power_w") != std::string::npos; }, 30s));
  EXPECT_TRUE(fresh.wait_for(
      "hems2mqtt/bridge/info", [](const std::string&) { return true; }, 30s));
}

TEST_F(BridgeMqtt, RepublishesWhenHomeAssistantComesOnline) {
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 10s));
  const std::size_t from = mark();
  observer_->publish("homeassistant/status", "online");
  EXPECT_TRUE(observer_->wait_for("hems2mqtt/bridge/state", 10s, nullptr, from));
  EXPECT_TRUE(observer_->wait_for("hems2mqtt/smart_meter/availability", 10s, nullptr, from));
  EXPECT_TRUE(bridge_->wait_for_output("Home Assistant came online", 5s));
}

TEST_F(BridgeMqtt, LastWillMarksAKilledBridgeOffline) {
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 10s));
  const std::size_t from = mark();
  bridge_->signal(SIGKILL);
  EXPECT_TRUE(observer_->wait_for(
      "hems2mqtt/bridge/state", 30s,
      [](const mqtt::Message& m) { return m.payload == R"({"state":"offline"})"; }, from));
}

TEST_F(BridgeMqtt, SigtermPublishesOfflineAndExitsCleanly) {
  bridge_->signal(SIGTERM);
  EXPECT_EQ(bridge_->wait_exit(15s), 0);
  // What a client connecting now is told: retained offline for the bridge and the meter.
  test::Subscriber late(broker_->port(),
                        {"hems2mqtt/bridge/state", "hems2mqtt/smart_meter/availability"});
  EXPECT_TRUE(late.wait_for(
      "hems2mqtt/bridge/state", [](const std::string& p) { return p == R"({"state":"offline"})"; },
      10s));
  EXPECT_TRUE(late.wait_for(
      "hems2mqtt/smart_meter/availability",
      [](const std::string& p) { return p == R"({"state":"offline"})"; }, 10s));
}

TEST_F(BridgeMqtt, NoSecretInAnyLogOrTopic) {
  observer_->publish("hems2mqtt/smart_meter/get", R"({"transaction":"s"})");
  ASSERT_TRUE(observer_->wait_for(kResponse, 20s));
  const std::string log = bridge_->output();
  for (const char* secret : {kPassword, kRouteBId, kMqttSecret}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
    for (const auto& m : observer_->messages()) {
      EXPECT_EQ(m.topic.find(secret), std::string::npos);
      EXPECT_EQ(m.payload.find(secret), std::string::npos) << m.topic;
    }
  }
}

// Readings taken while the broker is away arrive afterwards, in order.
class BridgeBuffering : public BridgeFixture {
 protected:
  test::MosquittoBroker::Options broker_options() const override {
    test::MosquittoBroker::Options o;
    o.persistence = true;  // keeps the subscriber's session across the restart
    return o;
  }
};

// "2026-11-26T15:10:03+09:00" -> seconds since the epoch.
std::optional<std::time_t> parse_last_seen(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest || std::strlen(rest) != 6)
    return std::nullopt;
  const int sign = rest[0] == '-' ? -1 : 1;
  const int offset = sign * (std::atoi(rest + 1) * 3600 + std::atoi(rest + 4) * 60);
  return timegm(&tm) - offset;
}

TEST_F(BridgeBuffering, ReadingsDuringABrokerOutageAreDeliveredInOrder) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  test::Subscriber::Options options;
  options.qos = 1;
  options.persistent_client_id = "buffer-check";
  auto subscriber = std::make_unique<test::Subscriber>(
      broker_->port(), std::vector<std::string>{"hems2mqtt/smart_meter"}, options);
  ASSERT_TRUE(subscriber->wait_for(
      "hems2mqtt/smart_meter", [](const std::string&) { return true; }, 20s));

  const std::size_t before = bridge_->output_size();
  const std::time_t stopped_at = std::time(nullptr);
  broker_->stop();
  ASSERT_TRUE(bridge_->wait_for_output("lost the connection to the MQTT broker", 10s, before));
  // Three reads served by the meter while the broker is down.
  std::size_t sim_at = sim_->output_size();
  for (int i = 0; i < 3; ++i) {
    auto next = sim_->wait_for_output("[E7,E8", 30s, sim_at);
    ASSERT_TRUE(next) << "read " << i;
    sim_at = *next;
  }
  const std::time_t restarted_at = std::time(nullptr);
  broker_->start();
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 60s, before));

  // The states taken during the outage arrive afterwards, in the order they were taken.
  std::vector<std::time_t> during;
  const bool arrived = test::eventually(
      [&] {
        during.clear();
        for (const auto& m : subscriber->messages()) {
          if (m.topic != "hems2mqtt/smart_meter")
            continue;
          auto j = json::parse(m.payload, nullptr, false);
          if (j.is_discarded())
            continue;
          auto seen = parse_last_seen(j.value("last_seen", ""));
          if (seen && *seen > stopped_at && *seen < restarted_at)
            during.push_back(*seen);
        }
        return during.size() >= 2;
      },
      30s);
  ASSERT_TRUE(arrived) << "readings taken while the broker was down were lost";
  EXPECT_TRUE(std::is_sorted(during.begin(), during.end()));
}

}  // namespace
}  // namespace hems::testing

namespace hems::testing {
namespace {

class Health : public BridgeFixture {};

int health_status(const std::string& config) {
  ChildProcess check(binary_dir() + "/src/app/hems2mqtt", {"--health", "--config", config});
  return check.wait_exit(30s).value_or(-1);
}

TEST_F(Health, HealthyWhileConnectedUnhealthyAfterStop) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  const std::string config = dir_ + "/config.toml";
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 10s));
  EXPECT_TRUE(test::eventually([&] { return health_status(config) == 0; }, 10s));
  bridge_->signal(SIGTERM);
  ASSERT_EQ(bridge_->wait_exit(15s), 0);
  EXPECT_EQ(health_status(config), 1);
}

}  // namespace
}  // namespace hems::testing
