// Every fault the meter's path can meet, alone and in overlapping pairs, through the real bridge
// on the manual-time loop: the simulated dongle and meter misbehave (through the simulator's
// console), the serial port goes away, the broker goes away. For each case: the bridge recovers on
// its own within a bound after the last fault ends, every state it published is one the meter
// could have sent, and availability ends online. Each case prints a [ MEASURED ] line (simulated
// seconds) that docs/reliability.md's table is made from.

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "fakes/bridge_harness.hpp"

namespace hems::test {
namespace {

// One fault: how it starts and ends, and how long it lasts in simulated seconds. Console faults
// end by themselves in the simulator; the others are ended by the test through the loop.
struct Fault {
  std::string name;
  int seconds;
  std::string console;  // "fault KIND" for the simulator, empty for the others
};

const std::vector<Fault>& faults() {
  static const std::vector<Fault> all{
      {"silent_meter", 300, "fault silent-meter"},
      {"reauth", 30, "fault reauth"},
      {"reauth_fail", 60, "fault reauth-fail"},
      {"terminate", 0, "fault terminate"},
      {"tx_limit", 600, "fault tx-limit"},
      {"garbage", 120, "fault garbage"},
      {"split", 120, "fault split"},
      {"meter_reboot", 180, "fault meter-reboot"},
      {"no_beacon", 600, "fault no-beacon"},
      {"dongle_unplugged", 90, ""},
      {"dongle_garbled", 120, ""},
      {"broker_down", 600, ""},
  };
  return all;
}

struct Case {
  std::size_t first;
  std::size_t second;  // == first: the fault alone
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& all = faults();
  if (info.param.first == info.param.second)
    return all[info.param.first].name;
  return all[info.param.first].name + "_with_" + all[info.param.second].name;
}

std::vector<Case> every_case() {
  std::vector<Case> cases;
  for (std::size_t a = 0; a < faults().size(); ++a) {
    for (std::size_t b = a; b < faults().size(); ++b)
      cases.push_back(Case{a, b});
  }
  return cases;
}

// The second fault of a pair starts while the first is still on.
constexpr auto kSecondFaultAfter = std::chrono::seconds(20);
// After the last fault ends, a reading must come within this: one full round of the scan ladder
// (durations 4..8, about 225 s of scanning) that started just before the meter came back, plus a
// pause. The slowest case measured (a failed re-authentication while the meter reboots) took
// 137 s; the bound is there to catch waits of many minutes, which this matrix once found.
constexpr auto kRecoveryBound = std::chrono::minutes(5);

using Span = std::chrono::steady_clock::duration;

double seconds(Span d) {
  return std::chrono::duration<double>(d).count();
}

class FaultMatrix : public BridgeHarness, public ::testing::WithParamInterface<Case> {
 protected:
  // Starts a fault at the current time; returns when it will be over.
  TimePoint inject(const Fault& fault) {
    const TimePoint now = loop_.now();
    const TimePoint end = now + std::chrono::seconds(fault.seconds);
    if (!fault.console.empty()) {
      std::string command = fault.console;
      if (fault.seconds > 0) {
        command += ' ';
        command += std::to_string(fault.seconds);
      }
      serial_->sim().console(command, now);
    } else if (fault.name == "dongle_unplugged") {
      serial_->set_unplugged(true);
      loop_.call_at(end, [this] { serial_->set_unplugged(false); });
    } else if (fault.name == "dongle_garbled") {
      serial_->set_garbled(true);
      loop_.call_at(end, [this] { serial_->set_garbled(false); });
    } else if (fault.name == "broker_down") {
      mqtt_->lose("the broker went away");
      loop_.call_at(end, [this] { mqtt_->connect(); });
    }
    return end;
  }

  // The first state with a power reading published at or after message `from`, with its time.
  std::optional<TimePoint> reading_after(std::size_t from) const {
    for (std::size_t i = from; i < mqtt_->published.size(); ++i) {
      if (mqtt_->published[i].topic != kState)
        continue;
      json s = json::parse(mqtt_->published[i].payload, nullptr, false);
      if (!s.is_discarded() && s.contains("power_w"))
        return publish_times_[i];
    }
    return std::nullopt;
  }

  // Runs the loop in small steps, noting when each message was published.
  bool run_noting_times(const std::function<bool()>& done, Duration limit) {
    const TimePoint until = loop_.now() + limit;
    return loop_.run_until(until, [&] {
      while (publish_times_.size() < mqtt_->published.size())
        publish_times_.push_back(loop_.now());
      return done && done();
    });
  }

  std::vector<TimePoint> publish_times_;
};

TEST_P(FaultMatrix, RecoversAndPublishesOnlyWhatTheMeterSent) {
  const Fault& first = faults()[GetParam().first];
  const Fault* second =
      GetParam().first == GetParam().second ? nullptr : &faults()[GetParam().second];

  start();
  ASSERT_TRUE(run_noting_times(
      [&] { return published(kState, 0, [](const json& s) { return s.contains("power_w"); }); },
      std::chrono::minutes(10)));
  run_noting_times({}, std::chrono::seconds(30));

  const std::size_t before_faults = mark();
  const TimePoint began = loop_.now();
  TimePoint last_end = inject(first);
  if (second) {
    run_noting_times({}, kSecondFaultAfter);
    last_end = std::max(last_end, inject(*second));
  }
  run_noting_times({}, std::chrono::ceil<Duration>(last_end - loop_.now()));
  ASSERT_GE(loop_.now(), last_end);

  const std::size_t after_faults = mark();
  ASSERT_TRUE(
      run_noting_times([&] { return reading_after(after_faults).has_value(); }, kRecoveryBound))
      << "no reading within " << seconds(kRecoveryBound) << " s after the faults ended";
  const Span recovery = *reading_after(after_faults) - last_end;
  // Let availability and info settle after the first reading.
  run_noting_times({}, std::chrono::seconds(30));

  // The longest time without a reading, from the first fault to the end.
  Span longest_gap{0};
  TimePoint previous = began;
  bool offline_published = false;
  for (std::size_t i = before_faults; i < mqtt_->published.size(); ++i) {
    const auto& m = mqtt_->published[i];
    json j = json::parse(m.payload, nullptr, false);
    if (m.topic == kAvailability && !j.is_discarded() && j.value("state", "") == "offline")
      offline_published = true;
    if (m.topic == kState && !j.is_discarded() && j.contains("power_w")) {
      longest_gap = std::max(longest_gap, publish_times_[i] - previous);
      previous = publish_times_[i];
    }
  }

  // Every state the bridge published is whole and one the meter could have sent: a power value
  // within the simulated household's 80..4500 W, a cumulative energy that never runs backwards.
  double energy = 0;
  for (const auto& m : mqtt_->on(kState)) {
    json s = json::parse(m.payload, nullptr, false);
    ASSERT_FALSE(s.is_discarded()) << m.payload;
    if (s.contains("power_w")) {
      ASSERT_TRUE(s["power_w"].is_number_integer()) << m.payload;
      EXPECT_GE(s["power_w"].get<int>(), 80) << m.payload;
      EXPECT_LE(s["power_w"].get<int>(), 4500) << m.payload;
    }
    if (s.contains("energy_import_kwh")) {
      const double now = s["energy_import_kwh"].get<double>();
      EXPECT_GE(now, energy) << "the cumulative energy ran backwards: " << m.payload;
      EXPECT_LT(now, 6513.9 + 100.0) << m.payload;
      energy = now;
    }
  }
  auto availability = mqtt_->last_json(kAvailability);
  ASSERT_TRUE(availability);
  EXPECT_EQ((*availability)["state"], "online");
  EXPECT_TRUE(mqtt_->connected);

  std::ostringstream figures;
  figures << std::fixed << std::setprecision(0) << "[ MEASURED ] " << first.name;
  if (second)
    figures << " + " << second->name;
  figures << ": faults over after " << seconds(last_end - began) << " s, reading "
          << seconds(recovery) << " s later, longest gap " << seconds(longest_gap) << " s, "
          << (offline_published ? "availability offline" : "stayed online") << "\n";
  std::cout << figures.str();
}

INSTANTIATE_TEST_SUITE_P(AloneAndInPairs, FaultMatrix, ::testing::ValuesIn(every_case()),
                         case_name);

}  // namespace
}  // namespace hems::test
