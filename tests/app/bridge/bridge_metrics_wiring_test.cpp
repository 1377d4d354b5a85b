// /metrics and /health through the real bridge, in-process: the counters move where the events
// pass, and the answers are what a scraper would get.

#include <gmock/gmock.h>

#include "fakes/bridge_harness.hpp"
#include "support/prometheus_exposition.hpp"

namespace hems::test {
namespace {

using ::testing::IsEmpty;

class MetricsWiringTest : public BridgeHarness {
 protected:
  Exposition scrape() const {
    http::Request request;
    request.path = "/metrics";
    const http::Response response = bridge_->serve_http(request);
    EXPECT_EQ(response.status, 200);
    Exposition read = read_exposition(response.body);
    EXPECT_THAT(read.problems, IsEmpty()) << response.body;
    return read;
  }
  http::Response health() const {
    http::Request request;
    request.path = "/health";
    return bridge_->serve_http(request);
  }
};

TEST_F(MetricsWiringTest, ReadingsAndRequestsAreCountedAsTheyHappen) {
  start();
  const Exposition before = scrape();
  EXPECT_EQ(before.value(R"(hems2mqtt_meter_readings_total{kind="instant"})"), 0);
  EXPECT_FALSE(before.has("hems2mqtt_meter_last_reading_age_seconds"));
  EXPECT_EQ(health().status, 503);  // no reading yet
  ASSERT_TRUE(run([&] {
    return published(kState, 0, [](const json& s) { return s.contains("energy_import_kwh"); });
  }));
  const Exposition after = scrape();
  EXPECT_GE(after.value(R"(hems2mqtt_meter_readings_total{kind="instant"})"), 1);
  EXPECT_GE(after.value(R"(hems2mqtt_meter_readings_total{kind="energy"})"), 1);
  EXPECT_GE(after.value(R"(hems2mqtt_meter_requests_total{result="ok"})"), 2);
  EXPECT_EQ(after.value("hems2mqtt_meter_link_up"), 1);
  EXPECT_EQ(after.value("hems2mqtt_mqtt_connected"), 1);
  EXPECT_EQ(after.value("hems2mqtt_healthy"), 1);
  EXPECT_EQ(after.value("hems2mqtt_meter_last_reading_age_seconds"), 0);
  EXPECT_TRUE(after.has("hems2mqtt_meter_rssi_dbm"));
  const http::Response healthy = health();
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(json::parse(healthy.body)["meter_link"]["state"], "joined");
  // The age grows with the time since that reading, not with the time since the start.
  serial_->sim().console("fault silent-meter 600", loop_.now());
  const TimePoint silent_from = loop_.now();
  ASSERT_TRUE(run([&] { return loop_.now() - silent_from >= std::chrono::seconds(30); }));
  EXPECT_GE(scrape().value("hems2mqtt_meter_last_reading_age_seconds"), 30);
}

TEST_F(MetricsWiringTest, ASilentMeterShowsAsRetriesErrorsAndRecoverySteps) {
  start();
  ASSERT_TRUE(wait_reading());
  serial_->sim().console("fault silent-meter 900", loop_.now());
  ASSERT_TRUE(run([&] { return scrape().value("hems2mqtt_meter_rejoins_total") >= 1; },
                  std::chrono::minutes(15)));
  const Exposition read = scrape();
  EXPECT_GE(read.value("hems2mqtt_meter_request_retries_total"), 2);
  EXPECT_GE(read.value(R"(hems2mqtt_meter_requests_total{result="error"})"), 1);
}

TEST_F(MetricsWiringTest, BrokerReconnectionsAreCounted) {
  start();
  EXPECT_EQ(scrape().value("hems2mqtt_mqtt_reconnects_total"), 0);
  mqtt_->lose("keepalive timeout");
  loop_.run_ready();
  EXPECT_EQ(scrape().value("hems2mqtt_mqtt_connected"), 0);
  mqtt_->connect();
  loop_.run_ready();
  const Exposition read = scrape();
  EXPECT_EQ(read.value("hems2mqtt_mqtt_reconnects_total"), 1);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_connected"), 1);
}

TEST_F(MetricsWiringTest, UnknownPathsAreNotFound) {
  start();
  http::Request request;
  request.path = "/";
  EXPECT_EQ(bridge_->serve_http(request).status, 404);
}

}  // namespace
}  // namespace hems::test
