// The meter's history end to end: the built hems2mqtt stopped for simulated hours while the
// simulator's meter goes on, then started again, reads back every half-hour it missed and
// publishes each once, in order, with the meter's own values (checked against the simulator's
// record of what it fixed at each boundary, not against the bridge's output). A meter that holds
// fewer days than the gap gives what it holds and the rest is logged as lost.

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

constexpr const char* kHistory = "hems2mqtt/smart_meter/history";
constexpr std::chrono::minutes kHalfHour{30};

using MeterClock = std::chrono::sys_seconds;  // the meter's local time, written as if UTC

MeterClock parse_at(const std::string& text) {
  std::tm tm{};
  EXPECT_TRUE(strptime(text.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) << text;
  return MeterClock{std::chrono::seconds{timegm(&tm)}};
}

class History : public BridgeFixture {
 protected:
  // What the simulated meter fixed at each boundary: its "fixed <time> E0=<raw> E3=<raw>" lines.
  std::map<MeterClock, std::pair<double, double>> sim_fixed() const {
    std::map<MeterClock, std::pair<double, double>> out;
    static const std::regex line(R"(fixed (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d) E0=(\d+) E3=(\d+))");
    const std::string text = sim_->output();
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
      out[parse_at((*it)[1])] = {std::stod((*it)[2]), std::stod((*it)[3])};
    }
    return out;
  }
  std::vector<std::pair<MeterClock, json>> history(std::size_t from = 0) const {
    std::vector<std::pair<MeterClock, json>> out;
    const auto all = observer_->messages();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].topic != kHistory)
        continue;
      EXPECT_FALSE(all[i].retain);
      json j = json::parse(all[i].payload, nullptr, false);
      EXPECT_TRUE(j.is_object()) << all[i].payload;
      if (j.is_object())
        out.emplace_back(parse_at(j.value("at", "")), j);
    }
    return out;
  }
  // The 30-minute boundaries published live (EA in the state), in messages [from, to).
  std::set<MeterClock> live(std::size_t from, std::size_t to = SIZE_MAX) const {
    std::set<MeterClock> out;
    const auto all = observer_->messages();
    for (std::size_t i = from; i < std::min(to, all.size()); ++i) {
      if (all[i].topic != kStateTopic)
        continue;
      json j = json::parse(all[i].payload, nullptr, false);
      if (j.is_object() && j.contains("energy_import_fixed_at"))
        out.insert(parse_at(j["energy_import_fixed_at"]));
    }
    return out;
  }
  bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return test::eventually(done, timeout);
  }
};

TEST_F(History, ABridgeStoppedForHoursPublishesEveryMissedHalfHourOnceInOrder) {
  // 1200x: a half-hour of meter time every 1.5 s.
  // The meter's clock starts in the afternoon: the gap and the read back stay within one day.
  start_all(SimSetup{"bp35a1", "pty", {"--speed", "1200", "--clock-start", "2026-05-20T13:59:00"}});
  ASSERT_TRUE(eventually([&] { return live(0).size() >= 2; }, 30s)) << "no live 30-minute values";
  bridge_->signal(SIGTERM);
  ASSERT_EQ(bridge_->wait_exit(10s), 0) << bridge_->output();
  const std::size_t stopped = mark();
  const MeterClock last_live = *live(0, stopped).rbegin();
  // Seven boundaries go by without the bridge: three and a half hours.
  ASSERT_TRUE(
      eventually([&] { return sim_fixed().rbegin()->first >= last_live + 7 * kHalfHour; }, 30s));
  start_bridge();
  ASSERT_TRUE(eventually(
      [&] {
        const auto after = live(stopped);
        const auto records = history(stopped);
        return !after.empty() && !records.empty() &&
               records.back().first >= *after.begin() - kHalfHour;
      },
      40s))
      << "the missed half-hours were not read back";
  const auto records = history(stopped);
  const auto live_after = live(stopped);
  const auto fixed = sim_fixed();
  // Every half-hour between the last live one before the stop and the first after the start,
  // once and in order.
  std::vector<MeterClock> expected;
  for (MeterClock t = last_live + kHalfHour; t < *live_after.begin(); t += kHalfHour)
    expected.push_back(t);
  // The seventh boundary was fixed before the restart, so the first answer after it may already
  // carry it live; the six before it can only come back from the meter's memory. More go by when
  // the restart is slow (a loaded machine).
  ASSERT_GE(expected.size(), 6u);
  std::vector<MeterClock> got;
  for (const auto& [at, record] : records) {
    if (at < *live_after.begin())
      got.push_back(at);
  }
  EXPECT_EQ(got, expected);
  std::set<MeterClock> once;
  MeterClock previous{};
  for (const auto& [at, record] : records) {
    EXPECT_TRUE(once.insert(at).second) << record.dump() << " published twice";
    EXPECT_GT(at, previous) << record.dump() << " out of order";
    previous = at;
    EXPECT_FALSE(live_after.count(at)) << record.dump() << " was also published live";
    EXPECT_EQ(record["at"].get<std::string>().substr(19), "+09:00");
    auto it = fixed.find(at);
    ASSERT_NE(it, fixed.end()) << "the simulator fixed nothing at " << record.dump();
    // The simulator's unit is 0.1 kWh and its coefficient 1.
    EXPECT_DOUBLE_EQ(record["energy_import_kwh"].get<double>(), it->second.first / 10.0)
        << record.dump();
    EXPECT_DOUBLE_EQ(record["energy_export_kwh"].get<double>(), it->second.second / 10.0)
        << record.dump();
  }
  EXPECT_TRUE(bridge_->wait_for_output(
      "reading " + std::to_string(expected.size()) + " missed half-hours", 1s))
      << bridge_->output();
  std::cout << "[ MEASURED ] bridge stopped for " << expected.size()
            << " half-hours; read back and published " << got.size() << "\n";
}

TEST_F(History, AMeterHoldingFewerDaysThanTheGapGivesWhatItHoldsAndTheRestIsLogged) {
  // The meter keeps today only; the bridge last published two days ago.
  start_sim(
      SimSetup{"bp35a1",
               "pty",
               {"--speed", "600", "--history-days", "1", "--clock-start", "2026-05-20T02:10:00"}});
  std::filesystem::create_directories(dir_ + "/state");
  std::ofstream(dir_ + "/state/history-published-through") << "2026-05-18T20:00:00\n";
  write_config();
  start_bridge();
  ASSERT_TRUE(bridge_->wait_for_output("are lost", 40s)) << bridge_->output();
  EXPECT_NE(bridge_->output().find("55 missed half-hours (2026-05-18T20:30:00 to "
                                   "2026-05-19T23:30:00) are lost: the meter no longer holds "
                                   "them"),
            std::string::npos)
      << bridge_->output();
  ASSERT_TRUE(bridge_->wait_for_output("read back ", 20s)) << bridge_->output();
  ASSERT_FALSE(live(0).empty());
  const auto first_live = *live(0).begin();
  // Today from midnight up to the first value the bridge read live (02:00 or a little later).
  const MeterClock midnight = parse_at("2026-05-20T00:00:00");
  ASSERT_GE(first_live, parse_at("2026-05-20T02:00:00"));
  const auto expected = static_cast<std::size_t>((first_live - midnight) / kHalfHour);
  // The log line can come before the broker has handed the records on.
  EXPECT_TRUE(eventually([&] { return history().size() >= expected; }, 10s));
  const auto records = history();
  ASSERT_EQ(records.size(), expected) << bridge_->output();
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].first, midnight + static_cast<int>(i) * kHalfHour);
    EXPECT_TRUE(records[i].second.contains("energy_import_kwh"));
  }
  // Lost once, not again at the next boundary.
  const std::size_t before = bridge_->output_size();
  ASSERT_TRUE(eventually([&] { return live(0).size() >= 2; }, 20s));
  EXPECT_EQ(bridge_->output().find("are lost", before), std::string::npos);
}

}  // namespace
}  // namespace hems::testing
