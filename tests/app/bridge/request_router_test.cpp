// The request router: MQTT topic + payload -> a typed request or a precise refusal.

#include "hems/app/request_router.hpp"

#include <gtest/gtest.h>

#include "hems/app/bridge_requests.hpp"
#include "hems/app/meter_presenter.hpp"

namespace hems::app {
namespace {

using nlohmann::json;

RouterContext context(bool lan = true) {
  RouterContext c;
  c.base_topic = "hems2mqtt";
  c.discovery_prefix = "homeassistant";
  c.meter_name = "smart_meter";
  c.lan_enabled = lan;
  c.lan_address = [](const std::string& id) -> std::optional<std::string> {
    if (id == "aircon")
      return "192.0.2.10";
    return std::nullopt;
  };
  return c;
}

Route route(const std::string& topic, const std::string& payload, bool lan = true) {
  return route_message(context(lan), mqtt::Message{topic, payload, 1, false});
}

// The route as the alternative the test expects (a copy: routes are temporaries here).
template <typename T>
T as(const Route& r) {
  EXPECT_TRUE(std::holds_alternative<T>(r)) << "route index " << r.index();
  return std::holds_alternative<T>(r) ? std::get<T>(r) : T{};
}

TEST(RequestRule, AnEmptyPayloadIsAnEmptyObject) {
  auto parsed = parse_request("");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body, json::object());
  EXPECT_TRUE(parsed->transaction.is_null());
}

TEST(RequestRule, TheTransactionIsTakenOutOfTheBody) {
  auto parsed = parse_request(R"({"transaction":42,"power_w":""})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->transaction, 42);
  EXPECT_EQ(parsed->body, (json{{"power_w", ""}}));
}

TEST(RequestRule, WhatIsNotAnObjectOrHasABadTransactionIsRefused) {
  for (const char* payload : {"not json", "[1,2]", "3", "\"x\"", "null"}) {
    auto parsed = parse_request(payload);
    ASSERT_FALSE(parsed) << payload;
    EXPECT_EQ(parsed.error().error, "request must be a JSON object");
  }
  for (const char* payload : {R"({"transaction":{"a":1}})", R"({"transaction":[1]})",
                              R"({"transaction":true})", R"({"transaction":null})"}) {
    auto parsed = parse_request(payload);
    ASSERT_FALSE(parsed) << payload;
    EXPECT_EQ(parsed.error().error, "\"transaction\" must be a string or a number");
  }
  auto large = parse_request(std::string(kMaxRequestBytes + 1, ' '));
  ASSERT_FALSE(large);
  EXPECT_NE(large.error().error.find("too large"), std::string::npos);
}

TEST(RequestRouter, HomeAssistantsBirthOnlyWhenOnline) {
  as<route::HomeAssistantOnline>(route("homeassistant/status", "online"));
  as<route::Ignored>(route("homeassistant/status", "offline"));
  auto off = context();
  off.discovery_prefix.clear();
  as<route::Ignored>(route_message(off, mqtt::Message{"homeassistant/status", "online", 1, false}));
}

TEST(RequestRouter, BridgeRequestsKeepTheirNameAndPayload) {
  const auto r = as<route::BridgeRequest>(route("hems2mqtt/bridge/request/health_check", "{}"));
  EXPECT_EQ(r.name, "health_check");
  EXPECT_EQ(r.payload, "{}");
}

TEST(RequestRouter, AMeterGetNamesItsKeysAndTheEpcsOnce) {
  const auto r = as<route::MeterGet>(route(
      "hems2mqtt/smart_meter/get", R"({"transaction":"t","current_r_a":"","current_t_a":""})"));
  EXPECT_EQ(r.request.transaction, "t");
  EXPECT_EQ(r.request.keys, (std::vector<std::string>{"current_r_a", "current_t_a"}));
  EXPECT_EQ(r.request.epcs, (std::vector<std::uint8_t>{0xE8}));
}

TEST(RequestRouter, AMeterGetOfAnUnknownValueIsRefusedWithItsTransaction) {
  const auto r =
      as<route::Refused>(route("hems2mqtt/smart_meter/get", R"({"transaction":"x","voltage":""})"));
  EXPECT_EQ(r.topic, "hems2mqtt/smart_meter/response");
  EXPECT_EQ(r.transaction, "x");
  EXPECT_EQ(r.error, "unknown value: voltage");
  const auto bad =
      as<route::Refused>(route("hems2mqtt/smart_meter/get", R"({"transaction":"x","power_w":5})"));
  EXPECT_EQ(bad.error, "the value of power_w must be \"\"");
}

TEST(RequestRouter, TheMeterHasNothingToSet) {
  const auto r = as<route::Refused>(route("hems2mqtt/smart_meter/set", R"({"transaction":1})"));
  EXPECT_EQ(r.error, "the smart meter has no writable values");
  EXPECT_EQ(r.transaction, 1);
}

TEST(RequestRouter, LanRequestsGoToKnownDevicesOnly) {
  const auto get = as<route::LanGet>(
      route("hems2mqtt/aircon/get", R"({"transaction":"g","operation_status":""})"));
  EXPECT_EQ(get.device, "aircon");
  EXPECT_EQ(get.body, (json{{"operation_status", ""}}));
  EXPECT_EQ(get.transaction, "g");
  as<route::LanSet>(route("hems2mqtt/aircon/set", R"({"operation_status":true})"));
  const auto unknown = as<route::Refused>(route("hems2mqtt/heater/set", "{}"));
  EXPECT_EQ(unknown.topic, "hems2mqtt/heater/response");
  EXPECT_EQ(unknown.error, "unknown device: heater");
  // The same rule for every device: a bad transaction is refused for the LAN too.
  const auto bad = as<route::Refused>(route("hems2mqtt/aircon/get", R"({"transaction":[]})"));
  EXPECT_EQ(bad.error, "\"transaction\" must be a string or a number");
}

// MQTT says topics are UTF-8, but not every broker checks. A device name that is not must not
// take the bridge down when the refusal that quotes it is serialised.
TEST(RequestRouter, ARefusalQuotingATopicThatIsNotUtf8CanBePublished) {
  const auto r = as<route::Refused>(route("hems2mqtt/bad\xA5name/get", "{}"));
  EXPECT_EQ(r.topic, "hems2mqtt/bad\xA5name/response");
  mqtt::Message answer;
  ASSERT_NO_THROW(answer =
                      response_message(r.topic, r.transaction, false, json::object(), r.error));
  const json envelope = json::parse(answer.payload);
  EXPECT_EQ(envelope["status"], "error");
  EXPECT_EQ(envelope["error"], "unknown device: bad\uFFFDname");
}

TEST(RequestRouter, OtherTopicsAreIgnored) {
  as<route::Ignored>(route("hems2mqtt/bridge/get", "{}"));
  as<route::Ignored>(route("hems2mqtt/smart_meter/state", "{}"));
  as<route::Ignored>(route("hems2mqtt/a/b/get", "{}"));
  as<route::Ignored>(route("other/smart_meter/get", "{}"));
  as<route::Ignored>(route("hems2mqtt//get", "{}"));
}

TEST(RawRequestRouter, TheMeterTheLanDeviceOrAnAddress) {
  const std::string frame = R"("eoj":"0x028801","esv":"get","properties":{"0x80":""})";
  const auto meter = as<route::MeterRaw>(
      route_raw_request(context(), R"({"transaction":"m","device":"smart_meter",)" + frame + "}"));
  EXPECT_EQ(meter.transaction, "m");
  EXPECT_EQ(meter.frame.properties.size(), 1u);
  const auto device =
      as<route::LanRaw>(route_raw_request(context(), R"({"device":"aircon",)" + frame + "}"));
  EXPECT_EQ(device.address, "192.0.2.10");
  const auto address =
      as<route::LanRaw>(route_raw_request(context(), R"({"address":"192.0.2.99",)" + frame + "}"));
  EXPECT_EQ(address.address, "192.0.2.99");
}

TEST(RawRequestRouter, RefusalsSayWhatIsWrong) {
  auto refused = [](const std::string& payload, bool lan = true) {
    return as<route::Refused>(route_raw_request(context(lan), payload)).error;
  };
  EXPECT_EQ(refused("{"), "request must be a JSON object");
  EXPECT_EQ(refused(R"({"transaction":{"a":1},"device":"smart_meter"})"),
            "\"transaction\" must be a string or a number");
  EXPECT_EQ(refused(R"({"device":"smart_meter","extra":1})"), "unknown key: extra");
  EXPECT_EQ(refused(R"({"eoj":"0x028801"})"), "\"device\" or \"address\" must name a target");
  EXPECT_EQ(refused(R"({"eoj":"0x028801"})", false), "\"device\" must name a device");
  EXPECT_EQ(refused(R"({"device":"nope","eoj":"0x028801"})"), "unknown device: nope");
  EXPECT_EQ(refused(R"({"address":"192.0.2.9"})", false), "\"device\" must name a device");
  EXPECT_NE(refused(R"({"device":"smart_meter","eoj":"0x0288","esv":"get"})").find("eoj"),
            std::string::npos);
}

}  // namespace
}  // namespace hems::app
