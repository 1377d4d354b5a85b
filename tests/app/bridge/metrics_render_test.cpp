#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/app/metrics.hpp"
#include "support/prometheus_exposition.hpp"

namespace hems::app {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

MetricsFacts meter_facts() {
  MetricsFacts facts;
  facts.version = "1.4.0";
  facts.healthy = true;
  facts.health.mqtt_connected = true;
  facts.health.meter_enabled = true;
  facts.health.link_up = true;
  facts.health.last_reading_age_s = 7;
  facts.rssi_dbm = -71.5;
  facts.requests = meter::RequestCounts{40, 2, 3, 9};
  return facts;
}

Metrics some_counts() {
  Metrics m;
  m.readings_instant = 120;
  m.readings_energy = 20;
  m.readings_fixed = 1;
  m.rejoins = 4;
  m.rescans = 3;
  m.port_reopens = 2;
  m.dongle_resets = 1;
  m.mqtt_connects = 3;
  return m;
}

TEST(MetricsRenderTest, MeterBridgeShowsEveryFamilyWithItsValue) {
  const std::string text = render_metrics(some_counts(), meter_facts());
  const auto read = test::read_exposition(text);
  ASSERT_THAT(read.problems, IsEmpty()) << text;
  EXPECT_EQ(read.value(R"(hems2mqtt_build_info{version="1.4.0"})"), 1);
  EXPECT_EQ(read.value("hems2mqtt_healthy"), 1);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_connected"), 1);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_reconnects_total"), 2);
  EXPECT_EQ(read.value("hems2mqtt_meter_link_up"), 1);
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_readings_total{kind="instant"})"), 120);
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_readings_total{kind="energy"})"), 20);
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_readings_total{kind="fixed"})"), 1);
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_requests_total{result="ok"})"), 40);
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_requests_total{result="error"})"), 5);
  EXPECT_EQ(read.value("hems2mqtt_meter_request_retries_total"), 9);
  EXPECT_EQ(read.value("hems2mqtt_meter_rejoins_total"), 4);
  EXPECT_EQ(read.value("hems2mqtt_meter_rescans_total"), 3);
  EXPECT_EQ(read.value("hems2mqtt_meter_port_reopens_total"), 2);
  EXPECT_EQ(read.value("hems2mqtt_meter_dongle_resets_total"), 1);
  EXPECT_EQ(read.value("hems2mqtt_meter_history_values_backfilled_total"), 0);
  EXPECT_EQ(read.value("hems2mqtt_meter_last_reading_age_seconds"), 7);
  EXPECT_EQ(read.value("hems2mqtt_meter_rssi_dbm"), -71.5);
  EXPECT_EQ(read.types.at("hems2mqtt_meter_readings_total"), "counter");
  EXPECT_EQ(read.types.at("hems2mqtt_meter_last_reading_age_seconds"), "gauge");
  // No LAN: no LAN families.
  EXPECT_FALSE(read.types.count("hems2mqtt_lan_devices_online"));
  EXPECT_FALSE(read.types.count("hems2mqtt_lan_devices_known"));
}

TEST(MetricsRenderTest, WhatIsNotKnownYetIsAbsentNotZero) {
  MetricsFacts facts = meter_facts();
  facts.healthy = false;
  facts.health.mqtt_connected = false;
  facts.health.link_up = false;
  facts.health.last_reading_age_s.reset();
  facts.rssi_dbm.reset();
  const auto read = test::read_exposition(render_metrics(Metrics{}, facts));
  ASSERT_THAT(read.problems, IsEmpty());
  EXPECT_EQ(read.value("hems2mqtt_healthy"), 0);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_connected"), 0);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_reconnects_total"), 0);  // never connected: no reconnect
  EXPECT_EQ(read.value("hems2mqtt_meter_link_up"), 0);
  EXPECT_FALSE(read.types.count("hems2mqtt_meter_last_reading_age_seconds"));
  EXPECT_FALSE(read.types.count("hems2mqtt_meter_rssi_dbm"));
  EXPECT_EQ(read.value(R"(hems2mqtt_meter_readings_total{kind="instant"})"), 0);
}

TEST(MetricsRenderTest, LanOnlyBridgeShowsItsDevicesAndNoMeter) {
  MetricsFacts facts;
  facts.version = "1.4.0";
  facts.health.lan_enabled = true;
  facts.health.lan_devices_online = 3;
  facts.health.lan_devices_total = 5;
  const auto read = test::read_exposition(render_metrics(Metrics{}, facts));
  ASSERT_THAT(read.problems, IsEmpty());
  EXPECT_EQ(read.value("hems2mqtt_lan_devices_online"), 3);
  EXPECT_EQ(read.value("hems2mqtt_lan_devices_known"), 5);
  for (const auto& [family, type] : read.types)
    EXPECT_THAT(family, Not(HasSubstr("_meter_")));
}

TEST(MetricsRenderTest, TheVersionLabelIsEscaped) {
  MetricsFacts facts;
  facts.version = "2.0 \"dev\"\\x";
  const std::string text = render_metrics(Metrics{}, facts);
  EXPECT_THAT(text, HasSubstr(R"(hems2mqtt_build_info{version="2.0 \"dev\"\\x"} 1)"));
  EXPECT_THAT(test::read_exposition(text).problems, IsEmpty());
}

TEST(MetricsTest, ReadingsCountUnderEachKindTheyCarry) {
  Metrics m;
  meter::MeterValues instant;
  instant.power_w = 500;
  m.count_reading(instant);
  meter::MeterValues current_only;
  current_only.current_r_a = 1.5;
  m.count_reading(current_only);
  meter::MeterValues both;
  both.energy_export_kwh = 1.0;
  both.energy_import_fixed_kwh = 2.0;
  m.count_reading(both);
  m.count_reading(meter::MeterValues{});
  EXPECT_EQ(m.readings_instant, 2u);
  EXPECT_EQ(m.readings_energy, 1u);
  EXPECT_EQ(m.readings_fixed, 1u);
}

TEST(MetricsTest, OnlyRecoveryStepsCountAsSuch) {
  Metrics m;
  for (const char* type : {"rejoin", "rescan", "rescan", "reopen", "reset", "joined",
                           "session_lost", "dongle_lost", "transmit_limited"})
    m.count_link_event(type);
  EXPECT_EQ(m.rejoins, 1u);
  EXPECT_EQ(m.rescans, 2u);
  EXPECT_EQ(m.port_reopens, 1u);
  EXPECT_EQ(m.dongle_resets, 1u);
}

}  // namespace
}  // namespace hems::app
