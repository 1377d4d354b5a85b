// The verdicts of health_check: which facts make a part a problem, and the whole unhealthy.

#include "hems/app/health_report.hpp"

#include <gtest/gtest.h>

namespace hems::app {
namespace {

using nlohmann::json;

// A bridge with the meter joined and read 5 s ago, and both LAN devices answering.
HealthFacts all_well() {
  HealthFacts facts;
  facts.mqtt_connected = true;
  facts.meter_enabled = true;
  facts.link_state = "joined";
  facts.link_up = true;
  facts.last_reading_age_s = 5;
  facts.stale_after_s = 82;
  facts.lan_enabled = true;
  facts.lan_devices_online = 2;
  facts.lan_devices_total = 2;
  return facts;
}

TEST(HealthReport, AllWellIsHealthyWithEveryPartOk) {
  const HealthReport report = health_report(all_well());
  EXPECT_TRUE(report.healthy);
  EXPECT_EQ(report.problems, "");
  EXPECT_EQ(report.data,
            (json{{"healthy", true},
                  {"mqtt", {{"status", "ok"}}},
                  {"meter_link", {{"status", "ok"}, {"state", "joined"}}},
                  {"last_reading_age_s", {{"status", "ok"}, {"value", 5}, {"stale_after_s", 82}}},
                  {"lan", {{"status", "ok"}, {"devices_online", 2}, {"devices_total", 2}}}}));
}

TEST(HealthReport, ALinkThatIsNotUpIsAProblem) {
  HealthFacts facts = all_well();
  facts.link_state = "scanning";
  facts.link_up = false;
  const HealthReport report = health_report(facts);
  EXPECT_FALSE(report.healthy);
  EXPECT_FALSE(report.data["healthy"]);
  EXPECT_EQ(report.data["meter_link"]["status"], "problem");
  EXPECT_EQ(report.data["meter_link"]["state"], "scanning");
  EXPECT_EQ(report.data["meter_link"]["reason"], "the B-route link is scanning");
  EXPECT_EQ(report.problems, "meter_link: the B-route link is scanning");
}

TEST(HealthReport, NoReadingYetIsAProblem) {
  HealthFacts facts = all_well();
  facts.last_reading_age_s.reset();
  const HealthReport report = health_report(facts);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(report.data["last_reading_age_s"]["status"], "problem");
  EXPECT_TRUE(report.data["last_reading_age_s"]["value"].is_null());
  EXPECT_EQ(report.problems, "last_reading_age_s: no reading from the meter yet");
}

TEST(HealthReport, AReadingIsStaleOnlyPastTheLimit) {
  HealthFacts facts = all_well();
  facts.last_reading_age_s = 82;
  EXPECT_TRUE(health_report(facts).healthy);
  facts.last_reading_age_s = 83;
  const HealthReport report = health_report(facts);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(report.data["last_reading_age_s"]["reason"], "the last reading is 83 s old");
}

TEST(HealthReport, ProblemsAreAllListed) {
  HealthFacts facts = all_well();
  facts.mqtt_connected = false;
  facts.link_state = "waiting";
  facts.link_up = false;
  facts.last_reading_age_s = 400;
  EXPECT_EQ(health_report(facts).problems,
            "mqtt: not connected to the broker; meter_link: the B-route link is waiting; "
            "last_reading_age_s: the last reading is 400 s old");
}

TEST(HealthReport, ADisabledMeterIsNeitherOkNorAProblem) {
  HealthFacts facts = all_well();
  facts.meter_enabled = false;
  facts.link_up = false;
  facts.last_reading_age_s.reset();
  const HealthReport report = health_report(facts);
  EXPECT_TRUE(report.healthy);
  EXPECT_EQ(report.data["meter_link"], (json{{"status", "disabled"}}));
  EXPECT_EQ(report.data["last_reading_age_s"], (json{{"status", "disabled"}}));
}

TEST(HealthReport, ALanWhereNobodyAnswersIsAProblemSomeOfflineIsNot) {
  HealthFacts facts = all_well();
  facts.lan_devices_online = 1;
  facts.lan_devices_total = 3;
  EXPECT_TRUE(health_report(facts).healthy);  // an appliance switched off looks the same
  facts.lan_devices_online = 0;
  HealthReport report = health_report(facts);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(report.data["lan"]["reason"], "none of the 3 LAN devices answers");
  facts.lan_devices_total = 1;
  EXPECT_EQ(health_report(facts).problems, "lan: the only LAN device does not answer");
  facts.lan_devices_total = 0;  // nothing found yet
  EXPECT_TRUE(health_report(facts).healthy);
  facts.lan_enabled = false;
  report = health_report(facts);
  EXPECT_EQ(report.data["lan"], (json{{"status", "disabled"}}));
}

TEST(HealthReport, StaleAfterIsAPollPlusTwoUnansweredRequests) {
  EXPECT_EQ(stale_reading_after_s(10, 3, 12.0), 82);  // the defaults
  EXPECT_EQ(stale_reading_after_s(2, 3, 3.0), 20);
  EXPECT_EQ(stale_reading_after_s(10, 1, 2.3), 15);  // 4.6 s rounds up
}

}  // namespace
}  // namespace hems::app
