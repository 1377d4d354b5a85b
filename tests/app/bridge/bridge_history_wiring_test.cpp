// The meter's history through the real bridge, in-process: half-hours the bridge could not read
// live are read back from the simulated meter's memory and published once, in order, with the
// meter's values; a day is read on request; where the history stands survives a restart.

#include <fstream>
#include <set>

#include "fakes/bridge_harness.hpp"
#include "hems/meter/meter_time.hpp"
#include "support/prometheus_exposition.hpp"

namespace hems::test {
namespace {

constexpr const char* kHistory = "hems2mqtt/smart_meter/history";
constexpr const char* kLatestDay = "hems2mqtt/smart_meter/history/latest_day";
constexpr const char* kHistoryResponse = "hems2mqtt/bridge/response/history";

// Meter-clock epoch seconds of "2026-05-20T14:00:00" (with or without "+09:00").
std::int64_t meter_seconds(const std::string& text) {
  auto at = meter::parse_iso8601(text.substr(0, 19));
  EXPECT_TRUE(at) << text;
  return at ? at->time_since_epoch().count() : 0;
}

class HistoryWiring : public BridgeHarness {
 protected:
  void write_progress(const std::string& text) {
    std::filesystem::create_directories(dir_.path());
    std::ofstream(dir_.path() / "history-published-through") << text << "\n";
  }
  std::string read_progress() const {
    std::ifstream in(dir_.path() / "history-published-through");
    std::string line;
    std::getline(in, line);
    return line;
  }
  std::vector<json> history() const {
    std::vector<json> out;
    for (const auto& m : mqtt_->on(kHistory)) {
      EXPECT_FALSE(m.retain) << "history records are not retained";
      out.push_back(json::parse(m.payload));
    }
    return out;
  }
  // The 30-minute boundaries the bridge published live (EA in the state).
  std::set<std::int64_t> live_boundaries() const {
    std::set<std::int64_t> out;
    for (const auto& m : mqtt_->on(kState)) {
      json j = json::parse(m.payload, nullptr, false);
      if (j.contains("energy_import_fixed_at"))
        out.insert(meter_seconds(j["energy_import_fixed_at"]));
    }
    return out;
  }
};

TEST_F(HistoryWiring, HalfHoursTheMeterWasSilentForAreReadBackOnceInOrderWithItsValues) {
  sim::SimOptions options = sim_options();
  // Silent from 10 minutes in for four hours: eight boundaries go by unread.
  options.faults.push_back(sim::FaultSpec{600, sim::FaultKind::silent_meter, 4 * 3600});
  start(config(), options);
  ASSERT_TRUE(wait_reading());
  ASSERT_TRUE(run(
      [&] {
        const auto live = live_boundaries();
        return !live.empty() && *live.rbegin() >= meter_seconds("2026-05-20T18:30:00") &&
               !history().empty() &&
               meter_seconds(history().back()["at"]) + 1800 >= *live.rbegin() - 1800;
      },
      std::chrono::hours(6)))
      << "no backfill after the meter came back";
  const auto records = history();
  const auto live = live_boundaries();
  ASSERT_GE(records.size(), 7u);
  const auto& meter = serial_->sim().meter();
  std::set<std::int64_t> seen;
  std::int64_t previous = 0;
  for (const auto& record : records) {
    const std::string at = record["at"];
    EXPECT_EQ(at.substr(19), "+09:00");
    const std::int64_t t = meter_seconds(at);
    EXPECT_GT(t, previous) << "out of order or twice: " << at;
    previous = t;
    EXPECT_TRUE(seen.insert(t).second);
    EXPECT_FALSE(live.count(t)) << at << " was published live and read back too";
    // The simulated meter's own registers at that boundary, x 0.1 kWh (its unit).
    auto fixed = meter.fixed_at(t);
    ASSERT_TRUE(fixed) << "the simulated meter has no value at " << at;
    EXPECT_DOUBLE_EQ(record["energy_import_kwh"].get<double>(), fixed->first / 10.0) << at;
    EXPECT_DOUBLE_EQ(record["energy_export_kwh"].get<double>(), fixed->second / 10.0) << at;
  }
  // Together, live and read back, every half-hour from the first live one to the last.
  std::set<std::int64_t> all = live;
  all.insert(seen.begin(), seen.end());
  for (std::int64_t t = *all.begin(); t <= *live.rbegin(); t += 1800)
    EXPECT_TRUE(all.count(t)) << "half-hour " << t << " missing";
  EXPECT_EQ(read_progress().substr(0, 11), "2026-05-20T");
  EXPECT_GE(meter_seconds(read_progress()), *live.rbegin() - 1800);
}

TEST_F(HistoryWiring, TheFirstStartReadsNoBackfillAndTellsTheLatestCompleteDay) {
  start();
  ASSERT_TRUE(run([&] { return !mqtt_->on(kLatestDay).empty(); }, std::chrono::minutes(5)));
  EXPECT_TRUE(history().empty()) << "weeks read back on a first start";
  const auto m = mqtt_->on(kLatestDay).back();
  EXPECT_TRUE(m.retain);
  const json day = json::parse(m.payload);
  ASSERT_EQ(day.size(), 48u);
  EXPECT_EQ(day[0]["at"], "2026-05-19T00:00:00+09:00");
  EXPECT_EQ(day[47]["at"], "2026-05-19T23:30:00+09:00");
  EXPECT_EQ(read_progress(), "2026-05-20T13:30:00");
}

TEST_F(HistoryWiring, AStartAfterAStopReadsBackFromWhereTheLastRunStopped) {
  write_progress("2026-05-20T11:00:00");
  start();
  ASSERT_TRUE(run([&] { return history().size() >= 4; }, std::chrono::minutes(5)));
  run([] { return false; }, std::chrono::minutes(2));
  const auto records = history();
  ASSERT_EQ(records.size(), 4u) << "11:30, 12:00, 12:30 and 13:00; 13:30 is live";
  EXPECT_EQ(records[0]["at"], "2026-05-20T11:30:00+09:00");
  EXPECT_EQ(records[3]["at"], "2026-05-20T13:00:00+09:00");

  http::Request scrape;
  scrape.path = "/metrics";
  const Exposition metrics = read_exposition(bridge_->serve_http(scrape).body);
  EXPECT_EQ(metrics.value("hems2mqtt_meter_history_values_backfilled_total"), 4);
}

TEST_F(HistoryWiring, ADayIsReadOnRequestAndBadRequestsGetAClearError) {
  start();
  // The meter's date comes with its first 30-minute value; before it a request is refused.
  ASSERT_TRUE(run([&] {
    return published(kState, 0, [](const json& s) { return s.contains("energy_import_fixed_at"); });
  }));
  mqtt_->deliver("hems2mqtt/bridge/request/history", R"({"transaction":"y","date":"2026-05-18"})");
  mqtt_->deliver("hems2mqtt/bridge/request/history",
                 R"({"transaction":"old","date":"2025-01-01"})");
  mqtt_->deliver("hems2mqtt/bridge/request/history", R"({"transaction":"bad","date":"May 18"})");
  mqtt_->deliver("hems2mqtt/bridge/request/history", "not json");
  ASSERT_TRUE(wait_response(kHistoryResponse, "y"));
  const auto y = *response(kHistoryResponse, "y");
  EXPECT_EQ(y["status"], "ok");
  ASSERT_EQ(y["data"].size(), 48u);
  EXPECT_EQ(y["data"][0]["at"], "2026-05-18T00:00:00+09:00");
  const auto old = response(kHistoryResponse, "old");
  ASSERT_TRUE(old);
  EXPECT_EQ((*old)["status"], "error");
  EXPECT_NE((*old)["error"].get<std::string>().find("does not hold 2025-01-01"), std::string::npos);
  const auto bad = response(kHistoryResponse, "bad");
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)["status"], "error");
  EXPECT_NE((*bad)["error"].get<std::string>().find("YYYY-MM-DD"), std::string::npos);
}

}  // namespace
}  // namespace hems::test
