// bridge/request/<name> without a broker: each request in, the answer, its topic, the log line
// and what the bridge must do out.

#include "hems/app/bridge_requests.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace hems::app {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

BridgeFacts facts() {
  BridgeFacts f;
  f.health.mqtt_connected = true;
  f.health.meter_enabled = true;
  f.health.link_state = "joined";
  f.health.link_up = true;
  f.health.last_reading_age_s = 3;
  f.health.stale_after_s = 82;
  f.info = {{"version", "0.1.0"}, {"meter", {{"state", "joined"}}}};
  f.log_level = Level::info;
  return f;
}

BridgeRequestOutcome ask(std::string_view name, std::string_view payload,
                         const BridgeFacts& known = facts()) {
  return answer_bridge_request("hems2mqtt", name, payload, known);
}

TEST(BridgeRequests, KnownNamesAreListedWithoutPlannedOnes) {
  EXPECT_THAT(bridge_request_names(),
              ElementsAre("health_check", "info", "log_level", "echonet", "history"));
}

TEST(BridgeRequests, HistoryHandsTheDayToTheMeterAndAnswersLater) {
  const auto out = ask("history", R"({"transaction":"d1","date":"2026-05-19"})");
  ASSERT_TRUE(out.read_history);
  EXPECT_EQ(out.read_history->date,
            std::chrono::local_days{std::chrono::year{2026} / std::chrono::month{5} /
                                    std::chrono::day{19}});
  EXPECT_EQ(out.read_history->transaction, "d1");
  EXPECT_TRUE(out.topic.empty()) << "answered only when the meter has";
  EXPECT_THAT(out.log_line, HasSubstr("2026-05-19"));
}

TEST(BridgeRequests, HistoryRefusesWhatIsNotADayClearly) {
  for (const char* payload :
       {R"({"transaction":"d"})", R"({"transaction":"d","date":"2026-02-30"})",
        R"({"transaction":"d","date":"20260519"})", R"({"transaction":"d","date":19})",
        R"({"transaction":"d","date":"2026-05-19T00:00"})", R"({"transaction":"d","date":null})"}) {
    SCOPED_TRACE(payload);
    const auto out = ask("history", payload);
    EXPECT_FALSE(out.read_history);
    EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/history");
    EXPECT_EQ(out.response["status"], "error");
    EXPECT_EQ(out.response["transaction"], "d");
    EXPECT_THAT(out.response["error"].get<std::string>(), HasSubstr("YYYY-MM-DD"));
  }
  const auto extra = ask("history", R"({"date":"2026-05-19","days":3})");
  EXPECT_FALSE(extra.read_history);
  EXPECT_EQ(extra.response["error"], "unknown key: days");
  BridgeFacts no_meter = facts();
  no_meter.health.meter_enabled = false;
  const auto off = ask("history", R"({"date":"2026-05-19"})", no_meter);
  EXPECT_FALSE(off.read_history);
  EXPECT_THAT(off.response["error"].get<std::string>(), HasSubstr("meter is off"));
}

TEST(BridgeRequests, HealthCheckWhenHealthy) {
  const auto out = ask("health_check", R"({"transaction":"h1"})");
  EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/health_check");
  EXPECT_EQ(out.response["status"], "ok");
  EXPECT_EQ(out.response["transaction"], "h1");
  EXPECT_EQ(out.response["data"]["healthy"], true);
  EXPECT_EQ(out.response["data"]["meter_link"]["state"], "joined");
  EXPECT_EQ(out.response["data"]["last_reading_age_s"]["value"], 3);
  EXPECT_FALSE(out.response.contains("error"));
  EXPECT_EQ(out.line_level, Level::debug);
  EXPECT_EQ(out.log_line, "bridge request health_check: healthy");
  EXPECT_FALSE(out.new_log_level);
  EXPECT_FALSE(out.republish_info);
  EXPECT_FALSE(out.forward_to_echonet);
}

TEST(BridgeRequests, HealthCheckWhenUnhealthyIsAnErrorWithTheReport) {
  BridgeFacts known = facts();
  known.health.link_state = "scanning";
  known.health.link_up = false;
  const auto out = ask("health_check", R"({"transaction":7})", known);
  EXPECT_EQ(out.response["status"], "error");
  EXPECT_EQ(out.response["transaction"], 7);
  EXPECT_EQ(out.response["error"], "unhealthy: meter_link: the B-route link is scanning");
  EXPECT_EQ(out.response["data"]["healthy"], false);
  EXPECT_EQ(out.response["data"]["meter_link"]["status"], "problem");
  EXPECT_EQ(out.line_level, Level::debug);  // answered as asked: not a bad request
  EXPECT_THAT(out.log_line, HasSubstr("unhealthy"));
}

TEST(BridgeRequests, AnEmptyPayloadIsAnEmptyRequest) {
  const auto out = ask("health_check", "");
  EXPECT_EQ(out.response["status"], "ok");
  EXPECT_FALSE(out.response.contains("transaction"));
}

TEST(BridgeRequests, LogLevelChangesTheLevelAndSaysSo) {
  const auto out = ask("log_level", R"({"level":"debug","transaction":"l1"})");
  EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/log_level");
  ASSERT_TRUE(out.new_log_level);
  EXPECT_EQ(*out.new_log_level, Level::debug);
  EXPECT_EQ(out.response,
            (json{{"status", "ok"}, {"data", {{"level", "debug"}}}, {"transaction", "l1"}}));
  EXPECT_EQ(out.line_level, Level::info);
  EXPECT_EQ(out.log_line, "bridge request log_level: log level is now debug (was info)");
}

TEST(BridgeRequests, LogLevelAnswersWithTheLevelInItsOwnSpelling) {
  const auto out = ask("log_level", R"({"level":"warn"})");
  ASSERT_TRUE(out.new_log_level);
  EXPECT_EQ(*out.new_log_level, Level::warning);
  EXPECT_EQ(out.response["data"]["level"], "warning");
}

TEST(BridgeRequests, LogLevelWithoutALevelTellsTheLevelInForce) {
  BridgeFacts known = facts();
  known.log_level = Level::trace;
  const auto out = ask("log_level", "{}", known);
  EXPECT_FALSE(out.new_log_level);
  EXPECT_EQ(out.response["status"], "ok");
  EXPECT_EQ(out.response["data"]["level"], "trace");
  EXPECT_EQ(out.line_level, Level::debug);
}

TEST(BridgeRequests, ABadLevelListsTheValidOnes) {
  for (const char* payload :
       {R"({"level":"loud","transaction":"b"})", R"({"level":3,"transaction":"b"})",
        R"({"level":null,"transaction":"b"})"}) {
    SCOPED_TRACE(payload);
    const auto out = ask("log_level", payload);
    EXPECT_FALSE(out.new_log_level);
    EXPECT_EQ(out.response["status"], "error");
    EXPECT_EQ(out.response["transaction"], "b");
    EXPECT_EQ(out.response["error"], "\"level\" must be one of error, warning, info, debug, trace");
    EXPECT_EQ(out.line_level, Level::warning);
    EXPECT_THAT(out.log_line, HasSubstr("refused"));
  }
}

TEST(BridgeRequests, InfoRepublishesAndAnswersWithBridgeInfo) {
  const auto out = ask("info", R"({"transaction":"i"})");
  EXPECT_TRUE(out.republish_info);
  EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/info");
  EXPECT_EQ(out.response["status"], "ok");
  EXPECT_EQ(out.response["data"], facts().info);
  EXPECT_EQ(out.line_level, Level::debug);
}

TEST(BridgeRequests, AnUnknownNameListsTheKnownOnes) {
  for (const char* name : {"restart", "histories", "permit_join"}) {
    SCOPED_TRACE(name);
    const auto out = ask(name, R"({"transaction":"u"})");
    EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/" + std::string(name));
    EXPECT_EQ(out.response["status"], "error");
    EXPECT_EQ(out.response["transaction"], "u");
    EXPECT_EQ(out.response["error"], "unknown request '" + std::string(name) +
                                         "'; known: health_check, info, log_level, echonet, "
                                         "history");
    EXPECT_EQ(out.response["data"]["known_requests"],
              json::array({"health_check", "info", "log_level", "echonet", "history"}));
    EXPECT_EQ(out.line_level, Level::warning);
    EXPECT_FALSE(out.republish_info);
    EXPECT_FALSE(out.new_log_level);
  }
}

TEST(BridgeRequests, PayloadsThatAreNotAnObjectAreRefused) {
  for (const char* payload : {"not json", "{", "[1,2]", "\"debug\"", "42", "null"}) {
    for (const char* name : {"health_check", "log_level", "info", "nonsense"}) {
      SCOPED_TRACE(std::string(name) + " " + payload);
      const auto out = ask(name, payload);
      EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/" + std::string(name));
      EXPECT_EQ(out.response["status"], "error");
      EXPECT_EQ(out.response["error"], "request must be a JSON object");
      EXPECT_FALSE(out.response.contains("transaction"));
      EXPECT_EQ(out.line_level, Level::warning);
      EXPECT_FALSE(out.new_log_level);
      EXPECT_FALSE(out.republish_info);
    }
  }
}

TEST(BridgeRequests, ATransactionMustBeAStringOrANumber) {
  const auto out = ask("health_check", R"({"transaction":{"a":1}})");
  EXPECT_EQ(out.response["status"], "error");
  EXPECT_EQ(out.response["error"], "\"transaction\" must be a string or a number");
  EXPECT_FALSE(out.response.contains("transaction"));
}

TEST(BridgeRequests, UnknownKeysAreRefusedRatherThanIgnored) {
  auto out = ask("log_level", R"({"lvl":"debug","transaction":"k"})");
  EXPECT_FALSE(out.new_log_level);
  EXPECT_EQ(out.response["error"], "unknown key: lvl");
  EXPECT_EQ(out.response["transaction"], "k");
  out = ask("health_check", R"({"verbose":true})");
  EXPECT_EQ(out.response["error"], "unknown key: verbose");
  out = ask("info", R"({"x":1})");
  EXPECT_EQ(out.response["error"], "unknown key: x");
  EXPECT_FALSE(out.republish_info);
}

TEST(BridgeRequests, OversizedPayloadsAreRefusedUnread) {
  const std::string big = "{\"level\":\"debug\"" + std::string(kMaxRequestBytes, ' ') + "}";
  for (const char* name : {"log_level", "echonet", "nonsense"}) {
    SCOPED_TRACE(name);
    const auto out = ask(name, big);
    EXPECT_EQ(out.topic, "hems2mqtt/bridge/response/" + std::string(name));
    EXPECT_EQ(out.response["status"], "error");
    EXPECT_THAT(out.response["error"].get<std::string>(), HasSubstr("request too large"));
    EXPECT_FALSE(out.new_log_level);
    EXPECT_FALSE(out.forward_to_echonet);
  }
  // At the limit it is still read.
  std::string at_limit = R"({"level":"debug"})";
  at_limit.insert(1, kMaxRequestBytes - at_limit.size(), ' ');
  ASSERT_EQ(at_limit.size(), kMaxRequestBytes);
  EXPECT_TRUE(ask("log_level", at_limit).new_log_level);
}

TEST(BridgeRequests, EchonetIsHandedToTheRawHandler) {
  const auto out = ask("echonet", R"({"device":"smart_meter"})");
  EXPECT_TRUE(out.forward_to_echonet);
  EXPECT_EQ(out.topic, "");
  EXPECT_EQ(out.line_level, Level::debug);
}

TEST(BridgeRequests, TopicsFollowTheBaseTopic) {
  const auto out = answer_bridge_request("home/hems", "info", "{}", facts());
  EXPECT_EQ(out.topic, "home/hems/bridge/response/info");
}

TEST(BridgeRequests, NamesInLogLinesArePrintable) {
  const std::string name = "bad\nname\x1b[31m" + std::string(100, 'x');
  const auto out = ask(name, "{}");
  EXPECT_THAT(out.log_line, Not(HasSubstr("\n")));
  EXPECT_THAT(out.log_line, Not(HasSubstr("\x1b")));
  EXPECT_THAT(out.log_line, HasSubstr("bad?name?[31m"));
  EXPECT_LT(out.log_line.size(), 300U);
}

TEST(BridgeRequests, LevelNamesRoundTrip) {
  for (Level level : {Level::error, Level::warning, Level::info, Level::debug, Level::trace}) {
    const auto parsed = level_from_string(level_name(level));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, level);
  }
}

}  // namespace
}  // namespace hems::app
