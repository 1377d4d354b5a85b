// Requests to the real bridge on hems2mqtt/bridge/request/<name>: health_check, log_level, info,
// unknown names and bad payloads, answered on hems2mqtt/bridge/response/<name>.
#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

constexpr const char* kRequest = "hems2mqtt/bridge/request/";
constexpr const char* kResponse = "hems2mqtt/bridge/response/";

class BridgeRequests : public BridgeFixture {
 protected:
  // Publishes a request and waits for the answer on bridge/response/<name> (after this request;
  // with `transaction`, the answer that carries it).
  std::optional<json> request(const std::string& name, const std::string& payload,
                              const std::optional<std::string>& transaction = std::nullopt,
                              std::chrono::milliseconds timeout = 20s) {
    const std::size_t from = mark();
    observer_->publish(kRequest + name, payload);
    auto reply = observer_->wait_for(
        kResponse + name, timeout,
        [&](const mqtt::Message& m) {
          auto j = json::parse(m.payload, nullptr, false);
          return !j.is_discarded() &&
                 (!transaction || j.value("transaction", json()) == json(*transaction));
        },
        from);
    if (!reply)
      return std::nullopt;
    return json::parse(reply->payload);
  }

  bool wait_bridge_online(std::chrono::milliseconds timeout) {
    return observer_
        ->wait_for("hems2mqtt/bridge/state", timeout,
                   [](const mqtt::Message& m) { return m.payload == R"({"state":"online"})"; })
        .has_value();
  }
};

TEST_F(BridgeRequests, HealthCheckReportsEveryPart) {
  start_all(SimSetup{"bp35c0", "pty", {}});
  auto reply = request("health_check", R"({"transaction":"h1"})", "h1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok") << reply->dump();
  const json& data = (*reply)["data"];
  EXPECT_EQ(data["healthy"], true);
  EXPECT_EQ(data["mqtt"]["status"], "ok");
  EXPECT_EQ(data["meter_link"]["status"], "ok");
  EXPECT_EQ(data["meter_link"]["state"], "joined");
  EXPECT_EQ(data["last_reading_age_s"]["status"], "ok");
  ASSERT_TRUE(data["last_reading_age_s"]["value"].is_number_integer());
  EXPECT_LE(data["last_reading_age_s"]["value"].get<int>(),
            data["last_reading_age_s"]["stale_after_s"].get<int>());
  EXPECT_EQ(data["lan"]["status"], "disabled");
  EXPECT_TRUE(bridge_->wait_for_output("DEBUG bridge request health_check: healthy", 5s));
}

TEST_F(BridgeRequests, HealthCheckWithoutAMeterIsUnhealthy) {
  device_ = dir_ + "/no-such-dongle";  // the link can never come up
  write_config();
  start_bridge();
  ASSERT_TRUE(wait_bridge_online(20s));
  auto reply = request("health_check", "", std::nullopt);  // empty payload: {} like zigbee2mqtt
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "error");
  EXPECT_NE((*reply).value("error", "").find("unhealthy"), std::string::npos) << reply->dump();
  EXPECT_EQ((*reply)["data"]["healthy"], false);
  EXPECT_EQ((*reply)["data"]["meter_link"]["status"], "problem");
  EXPECT_EQ((*reply)["data"]["last_reading_age_s"]["status"], "problem");
  EXPECT_TRUE((*reply)["data"]["last_reading_age_s"]["value"].is_null());
}

TEST_F(BridgeRequests, LogLevelChangesTheLevelAtRunTime) {
  log_level_ = "info";
  start_all(SimSetup{"bp35a1", "pty", {}});
  // At info, the requests served leave no line; nothing at debug has been written at all.
  auto reply = request("health_check", R"({"transaction":"before"})", "before");
  ASSERT_TRUE(reply);
  EXPECT_EQ(bridge_->output().find(" DEBUG "), std::string::npos);

  const std::size_t from = bridge_->output_size();
  reply = request("log_level", R"({"level":"debug","transaction":"l1"})", "l1");
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply,
            (json{{"status", "ok"}, {"data", {{"level", "debug"}}}, {"transaction", "l1"}}));
  EXPECT_TRUE(bridge_->wait_for_output("log level is now debug (was info)", 5s, from));
  reply = request("health_check", R"({"transaction":"after"})", "after");
  ASSERT_TRUE(reply);
  EXPECT_TRUE(bridge_->wait_for_output("DEBUG bridge request health_check", 5s, from));

  // {} tells the level in force; a bad level is refused with the valid ones.
  reply = request("log_level", R"({"transaction":"q"})", "q");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["data"]["level"], "debug");
  reply = request("log_level", R"({"level":"loud","transaction":"bad"})", "bad");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "error");
  EXPECT_EQ((*reply)["error"], "\"level\" must be one of error, warning, info, debug, trace");
  EXPECT_TRUE(bridge_->wait_for_output("WARN  bridge request log_level refused", 5s, from));

  // Back to warning: served requests are silent again.
  reply = request("log_level", R"({"level":"warning","transaction":"w"})", "w");
  ASSERT_TRUE(reply);
  const std::size_t quiet = bridge_->output_size();
  reply = request("health_check", R"({"transaction":"silent"})", "silent");
  ASSERT_TRUE(reply);
  reply = request("info", R"({"transaction":"silent2"})", "silent2");
  ASSERT_TRUE(reply);
  EXPECT_EQ(bridge_->output().substr(quiet).find("bridge request"), std::string::npos)
      << bridge_->output().substr(quiet);
}

TEST_F(BridgeRequests, InfoRepublishesBridgeInfo) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  const std::size_t from = mark();
  auto reply = request("info", R"({"transaction":"i1"})", "i1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok");
  EXPECT_TRUE((*reply)["data"].contains("version"));
  EXPECT_EQ((*reply)["data"]["meter"]["state"], "joined");
  // Published again although nothing changed, with the same content as the answer.
  auto info = observer_->wait_for("hems2mqtt/bridge/info", 10s, nullptr, from);
  ASSERT_TRUE(info);
  EXPECT_EQ(json::parse(info->payload), (*reply)["data"]);
}

TEST_F(BridgeRequests, AnUnknownRequestListsTheKnownOnes) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  auto reply = request("restart", R"({"transaction":"u1"})", "u1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "error");
  EXPECT_EQ((*reply)["error"],
            "unknown request 'restart'; known: health_check, info, log_level, echonet, history");
  EXPECT_EQ((*reply)["data"]["known_requests"],
            json::array({"health_check", "info", "log_level", "echonet", "history"}));
  EXPECT_TRUE(bridge_->wait_for_output("WARN  bridge request restart refused", 5s));
}

TEST_F(BridgeRequests, BadPayloadsAreAnsweredAndDoNoHarm) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  struct Case {
    std::string name, payload, expect;
  };
  const std::vector<Case> cases = {
      {"health_check", "{", "request must be a JSON object"},
      {"log_level", "\"debug\"", "request must be a JSON object"},
      {"info", "[1,2]", "request must be a JSON object"},
      {"log_level", R"({"transaction":["x"]})", "\"transaction\" must be a string or a number"},
      {"health_check", "{\"a\":\"" + std::string(20000, 'x') + "\"}", "request too large"},
      {"nonsense", "\x01\x02", "request must be a JSON object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + " " + c.payload.substr(0, 40));
    auto reply = request(c.name, c.payload);
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)["status"], "error");
    EXPECT_NE((*reply).value("error", "").find(c.expect), std::string::npos) << reply->dump();
  }
  EXPECT_TRUE(bridge_->running());
  auto reply = request("health_check", R"({"transaction":"still"})", "still");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok");
}

}  // namespace
}  // namespace hems::testing
