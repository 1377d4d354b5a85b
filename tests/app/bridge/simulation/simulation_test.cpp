// Weeks of a household in minutes: the real bridge (session, reader, links, presenters) on the
// manual-time loop against the simulated dongle and meter, three simulated LAN appliances and a
// fake broker, with faults drawn from a seed: PANA lifetimes running out, re-authentication
// failing, the transmit-time limit, meter reboots and terminations, a silent meter, a noisy or
// unplugged dongle, broker restarts, appliances leaving and coming back. The meter pushes its
// 30-minute values (INFC) at every boundary.
//
// Checked for the whole run: every 30-minute value that reached the bridge is published once and
// in order, nothing is published that the meter did not send, every meter fault ends in readings
// again within a bound without anything being restarted, and an appliance that comes back is
// polled as before (several properties per Get). Half-hours whose value never reached the bridge
// (the meter could not be reached around the boundary) are counted apart: reading them back from
// the meter's history is a feature of its own.
//
// Each run prints its seed and its figures as [ MEASURED ] lines. A run replays exactly from its
// seed: HEMS_SIM_SEED=7 HEMS_SIM_DAYS=365 (several seeds: HEMS_SIM_SEED=1,2,3); HEMS_SIM_LOG=debug
// shows the bridge's log.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "fakes/bridge_harness.hpp"
#include "fault_plan.hpp"
#include "hems/app/log.hpp"
#include "hems/sim/options.hpp"
#include "meter_tap.hpp"
#include "reading_ledger.hpp"

namespace hems::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// CTest's run: two seeds of 30 days each, a minute or so on a loaded 2-core machine.
constexpr std::uint64_t kCiSeeds[] = {1, 2};
constexpr int kCiDays = 30;

// After a meter fault ends, a reading is published within this (the fault matrix's bound, which
// one round of the scan ladder plus a pause fits in, with room for a LAN poll or a push in the
// way). Faults on the meter's side are apart by more than this, so each is measured alone.
constexpr Duration kRecoveryBound = minutes(10);
constexpr Duration kMeterGapMin = minutes(20);
constexpr Duration kMeterGapMax = hours(8);
constexpr Duration kBrokerGapMin = hours(2);
constexpr Duration kBrokerGapMax = hours(72);
// An appliance that is back is polled as before within this; its next absence starts later.
constexpr Duration kLanSettle = minutes(20);
constexpr Duration kLanGapMin = minutes(30);
constexpr Duration kLanGapMax = hours(48);
// No fault starts in the run's last hours: what is under way settles and is checked.
constexpr Duration kQuietEnd = hours(2);

std::vector<std::uint64_t> seeds() {
  const char* env = std::getenv("HEMS_SIM_SEED");
  if (env == nullptr || *env == '\0')
    return {std::begin(kCiSeeds), std::end(kCiSeeds)};
  std::vector<std::uint64_t> out;
  std::stringstream list(env);
  for (std::string item; std::getline(list, item, ',');)
    out.push_back(std::stoull(item));
  return out;
}

int days() {
  const char* env = std::getenv("HEMS_SIM_DAYS");
  return env != nullptr && *env != '\0' ? std::stoi(env) : kCiDays;
}

// A 30-minute value published later than this after its boundary came late: the push comes
// within seconds (the simulator's within 8 s), so it was lost and read back by a later poll.
constexpr Duration kFixedLate = std::chrono::seconds(60);

// The bridge saves its PAN cache and discovery topics with fsync; a run rejoins hundreds of times,
// which a loaded disk turns into minutes. A memory file system makes fsync free.
std::filesystem::path memory_file_system() {
  std::error_code error;
  if (std::filesystem::is_directory("/dev/shm", error))
    return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

double seconds_of(Duration d) {
  return std::chrono::duration<double>(d).count();
}

// 64-bit FNV-1a over everything the bridge said and read: two runs of one seed must agree.
struct Digest {
  std::uint64_t value = 0xCBF29CE484222325ULL;
  void add(std::string_view text) {
    for (char c : text) {
      value ^= static_cast<unsigned char>(c);
      value *= 0x100000001B3ULL;
    }
    value ^= 0xFF;
    value *= 0x100000001B3ULL;
  }
};

struct LanAppliance {
  std::string address;
  sim::LanObjectKind kind;
  std::uint8_t node_byte;
};
const LanAppliance kAppliances[] = {
    {"192.0.2.10", sim::LanObjectKind::aircon, 1},
    {"192.0.2.11", sim::LanObjectKind::water_heater, 2},
    {"192.0.2.12", sim::LanObjectKind::battery, 3},
};

struct Outcome {
  std::uint64_t digest = 0;
  ReadingLedger::Figures figures;
  std::size_t lost = 0;
  std::size_t boundaries = 0;        // passed by the meter's clock during the run
  std::size_t in_run_delivered = 0;  // of those, the ones whose value reached the bridge
};

class Simulation : public BridgeHarness {
 protected:
  static constexpr const char* kDevices = "hems2mqtt/bridge/devices";

  Outcome simulate(std::uint64_t seed, int run_days) {
    seed_ = seed;
    plan_ = std::make_unique<FaultPlan>(seed);
    origin_ = loop_.now();
    ledger_.set_origin(origin_);
    trace_ = std::getenv("HEMS_SIM_LOG") != nullptr;
    quiet_from_ = loop_.now() + hours(24 * run_days) - kQuietEnd;
    for (const auto& appliance : kAppliances) {
      sim::LanOptions options;
      options.objects = {appliance.kind};
      options.node_id = Bytes(13, 0);
      options.node_id.back() = appliance.node_byte;
      options.maker = {0x00, 0x00, 0x0B};
      options.seed = seed * 16 + appliance.node_byte;
      lan_.add_node(appliance.address, options);
      nodes_[appliance.address];
    }
    app::Config c = config();
    c.meter.state_dir = state_dir_.path().string();
    c.lan.enabled = true;
    c.lan.ipv6 = false;
    sim::SimOptions o = sim_options();
    o.seed = seed;
    o.infc = true;
    make_bridge(c, o);
    serial_->watch_reads(
        [this](ByteView bytes) {
          tap_.feed(bytes, [this](const MeterFrameSeen& f) { delivered(f); });
          digest_.add(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        },
        [this] { tap_.reset(); });
    first_boundary_ = serial_->sim().meter().last_boundary() + 1800;
    bridge_->start();
    mqtt_->connect();

    loop_.call_at(loop_.now() + plan_->span(minutes(30), hours(4)), [this] { meter_fault(); });
    loop_.call_at(loop_.now() + plan_->span(kBrokerGapMin, kBrokerGapMax),
                  [this] { broker_restart(); });
    for (const auto& appliance : kAppliances) {
      loop_.call_at(loop_.now() + plan_->span(hours(1), kLanGapMax),
                    [this, address = appliance.address] { lan_away(address); });
    }
    loop_.run_until(quiet_from_ + kQuietEnd, [this] {
      step();
      return false;
    });
    step();

    Outcome out;
    out.digest = digest_.value;
    out.figures = ledger_.figures();
    out.lost = ledger_.lost().size();
    out.in_run_delivered = in_run_delivered_.size();
    out.boundaries = static_cast<std::size_t>(
        (serial_->sim().meter().last_boundary() - first_boundary_) / 1800 + 1);
    return out;
  }

  // A frame from the meter reached the bridge.
  void delivered(const MeterFrameSeen& frame) {
    ledger_.delivered(frame, loop_.now());
    if (!frame.fixed_at || !frame.fixed_import_raw)
      return;
    // What the wire carried is what the simulated meter fixed at that boundary (the tap reads
    // the wire right), and the boundaries of the run are counted.
    const auto at = sim::parse_local_datetime(*frame.fixed_at);
    ASSERT_TRUE(at) << *frame.fixed_at;
    const std::int64_t boundary = at->time_since_epoch().count();
    if (boundary < first_boundary_)
      return;  // fixed before the run: the meter's made-up past
    const auto fixed = serial_->sim().meter().fixed_at(boundary);
    ASSERT_TRUE(fixed) << "the meter never fixed a value at " << *frame.fixed_at;
    ASSERT_EQ(fixed->first, *frame.fixed_import_raw) << *frame.fixed_at;
    in_run_delivered_.insert(boundary);
  }

  // ---- faults ---------------------------------------------------------------------------------

  bool quiet() const { return loop_.now() >= quiet_from_; }

  void meter_fault() {
    if (quiet())
      return;
    const SimFaultType& type = plan_->next_meter_fault();
    const Duration length = type.max_seconds > 0 ? plan_->length_of(type) : Duration{0};
    std::string command = "fault " + std::string(type.console);
    if (length > Duration{0})
      command += " " + std::to_string(std::chrono::duration_cast<seconds>(length).count());
    serial_->sim().take_log();
    serial_->sim().console(command, loop_.now());
    bool skipped = false;  // the simulator says so, e.g. a re-authentication with no session up
    for (const auto& line : serial_->sim().take_log())
      skipped = skipped ||
                line.find("fault " + std::string(type.console) + " skipped") != std::string::npos;
    if (trace_) {
      std::cout << "[" << seconds_of(std::chrono::duration_cast<Duration>(loop_.now() - origin_))
                << " s] " << command << (skipped ? " (skipped)" : "") << std::endl;
    }
    if (skipped) {
      ++skipped_[std::string(type.name)];
    } else {
      ++injected_[std::string(type.name)];
      pending_recovery_.push_back(Pending{type.name, loop_.now() + length});
    }
    loop_.call_at(loop_.now() + length + plan_->span(kMeterGapMin, kMeterGapMax),
                  [this] { meter_fault(); });
  }

  void broker_restart() {
    if (quiet())
      return;
    const Duration length = plan_->length_of(sim_fault_type(SimFault::broker_restart));
    ++injected_["broker_restart"];
    mqtt_->lose("the broker restarted");
    loop_.call_at(loop_.now() + length, [this] {
      mqtt_->connect();
      ++broker_connects_;
    });
    loop_.call_at(loop_.now() + length + plan_->span(kBrokerGapMin, kBrokerGapMax),
                  [this] { broker_restart(); });
  }

  void lan_away(const std::string& address) {
    if (quiet())
      return;
    const Duration length = plan_->length_of(sim_fault_type(SimFault::lan_away));
    const bool announces = plan_->coin();  // switched off and on, or only out of reach
    ++injected_["lan_away"];
    nodes_[address].baseline_taken = true;
    lan_.node_console(address, "vanish");
    loop_.call_at(loop_.now() + length, [this, address, announces] {
      lan_.node_console(address, "return");
      if (announces)
        lan_.node_console(address, "announce");
      Node& node = nodes_[address];
      node.back_at = loop_.now();
      node.max_epcs_since_back = 0;
      loop_.call_at(loop_.now() + kLanSettle, [this, address] { check_lan_node(address); });
      loop_.call_at(loop_.now() + kLanSettle + plan_->span(kLanGapMin, kLanGapMax),
                    [this, address] { lan_away(address); });
    });
  }

  // ---- what the bridge did --------------------------------------------------------------------

  void step() {
    serial_->sim().take_log();  // the simulator keeps its log until asked; nobody reads it here
    for (auto& sent : lan_.take_bridge_sends())
      lan_sent(sent);
    for (auto& m : mqtt_->published)
      published(m);
    mqtt_->published.clear();
  }

  void lan_sent(const SimLan::Sent& sent) {
    digest_.add(sent.to);
    digest_.add(
        std::string_view(reinterpret_cast<const char*>(sent.payload.data()), sent.payload.size()));
    const Bytes& f = sent.payload;
    // A Get (0x62) to a device object, not to the node profile (0x0EF0).
    if (sent.multicast || f.size() < 12 || f[10] != 0x62 || (f[7] == 0x0E && f[8] == 0xF0))
      return;
    auto node = nodes_.find(sent.to);
    if (node == nodes_.end())
      return;
    if (!node->second.baseline_taken)
      node->second.baseline_epcs = std::max<int>(node->second.baseline_epcs, f[11]);
    if (node->second.back_at && loop_.now() >= *node->second.back_at + kLanSettle / 2)
      node->second.max_epcs_since_back = std::max<int>(node->second.max_epcs_since_back, f[11]);
  }

  void published(const mqtt::Message& m) {
    digest_.add(m.topic);
    if (m.topic == kState) {
      json state = json::parse(m.payload, nullptr, false);
      ASSERT_FALSE(state.is_discarded()) << m.payload;
      state.erase("last_seen");  // the host's wall clock, not simulated time
      digest_.add(state.dump());
      fixed_published(state);
      if (auto reading_sent_at = ledger_.published(state))
        reading(*reading_sent_at);
      return;
    }
    digest_.add(m.payload);
    if (m.topic == kDevices) {
      json devices = json::parse(m.payload, nullptr, false);
      for (const auto& d : devices) {
        if (d.contains("address") && nodes_.contains(d["address"].get<std::string>()))
          nodes_[d["address"].get<std::string>()].ids.insert(d["id"].get<std::string>());
      }
    } else if (m.topic == "hems2mqtt/bridge/state" && m.payload.find("online") != m.payload.npos) {
      ++bridge_online_;
    } else if (m.topic.ends_with("/availability")) {
      const std::string id = m.topic.substr(10, m.topic.size() - 10 - 13);
      availability_[id] = m.payload.find("online") != std::string::npos;
    }
  }

  // How long after its boundary a 30-minute value was first published.
  void fixed_published(const json& state) {
    if (!state.contains("energy_import_fixed_at"))
      return;
    const auto at_text = state["energy_import_fixed_at"].get<std::string>();
    if (at_text == last_fixed_at_)
      return;
    last_fixed_at_ = at_text;
    const auto at = sim::parse_local_datetime(at_text);
    if (!at || at->time_since_epoch().count() < first_boundary_)
      return;
    const auto delay = serial_->sim().meter().clock() - *at;
    fixed_delay_max_ = std::max(fixed_delay_max_, delay);
    if (delay > kFixedLate)
      ++fixed_late_;
  }

  // A new reading reached MQTT; it left the meter at `sent_at`.
  void reading(TimePoint sent_at) {
    for (auto it = pending_recovery_.begin(); it != pending_recovery_.end();) {
      if (sent_at < it->fault_over) {
        ++it;
        continue;
      }
      const Duration took = std::chrono::duration_cast<Duration>(loop_.now() - it->fault_over);
      recoveries_.push_back(took);
      slowest_[std::string(it->kind)] = std::max(slowest_[std::string(it->kind)], took);
      if (took > kRecoveryBound)
        slow_.push_back(std::string(it->kind) + " took " + std::to_string(seconds_of(took)) + " s");
      it = pending_recovery_.erase(it);
    }
  }

  void check_lan_node(const std::string& address) {
    Node& node = nodes_[address];
    ++lan_checked_;
    if (node.max_epcs_since_back < node.baseline_epcs) {
      lan_problems_.push_back(address + " was polled with at most " +
                              std::to_string(node.max_epcs_since_back) + " EPCs per Get " +
                              std::to_string(seconds_of(kLanSettle)) + " s after it came back, " +
                              std::to_string(node.baseline_epcs) + " before it left");
    }
    for (const auto& id : node.ids) {
      if (!availability_[id])
        lan_problems_.push_back(id + " at " + address + " was still offline " +
                                std::to_string(seconds_of(kLanSettle)) + " s after it came back");
    }
  }

  // ---- the report -----------------------------------------------------------------------------

  void report(const Outcome& out, int run_days) {
    const auto& f = out.figures;
    std::ostringstream line;
    line << "[ MEASURED ] simulation seed " << seed_ << ": " << run_days << " simulated days, "
         << out.boundaries << " half-hours; 30-minute values expected (reached the bridge) "
         << f.fixed_delivered << ", published " << f.fixed_published << ", lost " << out.lost
         << ", duplicated " << f.fixed_duplicated << ", out of order " << f.fixed_out_of_order
         << ", not sent " << f.fixed_not_sent << ", published over " << seconds_of(kFixedLate)
         << " s after the boundary " << fixed_late_ << " (latest "
         << std::chrono::duration_cast<seconds>(fixed_delay_max_).count()
         << " s); half-hours that never reached the bridge (meter unreachable) "
         << out.boundaries - out.in_run_delivered << "; readings published " << f.readings_published
         << ", not sent " << f.readings_not_sent << ", left out (answers to requests given up) "
         << f.readings_skipped << "\n";
    line << "[ MEASURED ] simulation seed " << seed_ << ": faults injected";
    for (const auto& type : kSimFaults) {
      const std::string name(type.name);
      line << " " << name << "=" << injected_[name];
      if (skipped_[name] > 0)
        line << " (+" << skipped_[name] << " skipped)";
    }
    line << "\n";
    std::vector<Duration> sorted = recoveries_;
    std::sort(sorted.begin(), sorted.end());
    line << std::fixed << std::setprecision(0) << "[ MEASURED ] simulation seed " << seed_
         << ": meter recoveries " << sorted.size();
    if (!sorted.empty()) {
      line << ", reading after the fault ended min " << seconds_of(sorted.front()) << " s, median "
           << seconds_of(sorted[sorted.size() / 2]) << " s, max " << seconds_of(sorted.back())
           << " s";
    }
    line << "; slowest by kind:";
    for (const auto& [kind, took] : slowest_)
      line << " " << kind << "=" << seconds_of(took) << " s";
    line << "; LAN returns checked " << lan_checked_ << "; digest " << std::hex << out.digest
         << "\n";
    if (trace_) {
      for (const auto& note : ledger_.notes())
        line << "left out: " << note << "\n";
    }
    std::cout << line.str() << std::flush;
  }

  struct Pending {
    std::string_view kind;
    TimePoint fault_over;
  };
  struct Node {
    std::set<std::string> ids;
    int baseline_epcs = 0;  // the most EPCs in one Get before it first left
    bool baseline_taken = false;
    std::optional<TimePoint> back_at;
    int max_epcs_since_back = 0;
  };

  TempDir state_dir_{memory_file_system()};
  std::uint64_t seed_ = 0;
  TimePoint origin_;
  bool trace_ = false;  // HEMS_SIM_LOG: the faults are listed as they start
  std::unique_ptr<FaultPlan> plan_;
  TimePoint quiet_from_;
  std::int64_t first_boundary_ = 0;
  MeterTap tap_{[this] { return serial_->sim().payload_hex(); }};
  ReadingLedger ledger_;
  Digest digest_;
  std::map<std::string, Node> nodes_;
  std::map<std::string, bool> availability_;
  std::map<std::string, int> injected_;
  std::map<std::string, int> skipped_;
  std::vector<Pending> pending_recovery_;
  std::vector<Duration> recoveries_;
  std::vector<std::string> slow_;
  std::vector<std::string> lan_problems_;
  std::size_t lan_checked_ = 0;
  std::size_t broker_connects_ = 1;  // the first, at the start
  std::size_t bridge_online_ = 0;    // "online" on bridge/state: once per connect
  std::map<std::string, Duration> slowest_;
  std::set<std::int64_t> in_run_delivered_;
  std::string last_fixed_at_;
  std::chrono::seconds fixed_delay_max_{0};
  std::size_t fixed_late_ = 0;
};

// The bridge's log at error level only, unless HEMS_SIM_LOG names another.
class QuietLog {
 public:
  QuietLog() : before_(app::log_level()) {
    const char* env = std::getenv("HEMS_SIM_LOG");
    app::set_log_level(
        app::level_from_string(env != nullptr ? env : "").value_or(app::Level::error));
  }
  ~QuietLog() { app::set_log_level(before_); }

 private:
  app::Level before_;
};

class SimulatedDays : public Simulation, public ::testing::WithParamInterface<std::uint64_t> {};

TEST_P(SimulatedDays, EveryFixedValueOnceInOrderAndEveryFaultRecovered) {
  QuietLog quiet;
  const int run_days = days();
  std::cout << "simulation seed " << GetParam() << ", " << run_days
            << " days (replay: HEMS_SIM_SEED=" << GetParam() << " HEMS_SIM_DAYS=" << run_days
            << ")\n";
  const Outcome out = simulate(GetParam(), run_days);
  report(out, run_days);

  const auto& f = out.figures;
  for (const auto& problem : ledger_.problems())
    ADD_FAILURE() << problem;
  // Readings left out are counted, not failed: answers that come after the reader gave their
  // request up (it waited in the send queue through a transmit limit) are not taken.
  EXPECT_EQ(out.lost, 0u) << "30-minute values that reached the bridge but were never published";
  EXPECT_EQ(f.fixed_duplicated, 0u);
  EXPECT_EQ(f.fixed_out_of_order, 0u);
  EXPECT_EQ(f.fixed_not_sent, 0u);
  EXPECT_EQ(f.readings_not_sent, 0u);
  EXPECT_EQ(f.fixed_published, f.fixed_delivered);
  // Most half-hours are pushed and published: the faults cover a small part of the time.
  EXPECT_GT(out.in_run_delivered, out.boundaries * 9 / 10);
  for (const auto& slow : slow_)
    ADD_FAILURE() << "no reading within " << seconds_of(kRecoveryBound)
                  << " s after a fault ended: " << slow;
  EXPECT_TRUE(pending_recovery_.empty()) << pending_recovery_.size() << " faults never recovered";
  EXPECT_GT(recoveries_.size(), 0u);
  for (const auto& problem : lan_problems_)
    ADD_FAILURE() << problem;
  // At the end, after the quiet hours: everything online, nothing restarted (one bridge, the
  // same loop throughout).
  EXPECT_TRUE(availability_["smart_meter"]) << "the meter is not online at the end";
  for (const auto& [address, node] : nodes_) {
    EXPECT_FALSE(node.ids.empty()) << address << " was never found";
    for (const auto& id : node.ids)
      EXPECT_TRUE(availability_[id]) << id << " at " << address << " is offline at the end";
  }
  EXPECT_TRUE(mqtt_->connected);
  EXPECT_EQ(bridge_online_, broker_connects_) << "a reconnect to the broker without the bridge "
                                                 "saying it is online again";
}

std::string seed_name(const ::testing::TestParamInfo<std::uint64_t>& seed) {
  return "seed_" + std::to_string(seed.param);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimulatedDays, ::testing::ValuesIn(seeds()), seed_name);

// A whole run in a fixture of its own, so that one test can make several.
struct OneRun : Simulation {
  using Simulation::simulate;
  void TestBody() override {}
};

// The same seed gives the same run, byte for byte; another seed another run.
TEST(SimulationReplay, ASeedReplaysExactly) {
  QuietLog quiet;
  constexpr int kDays = 2;
  auto run = [](std::uint64_t seed) { return OneRun().simulate(seed, kDays).digest; };
  const std::uint64_t first = run(5);
  EXPECT_EQ(run(5), first);
  EXPECT_NE(run(6), first);
}

}  // namespace
}  // namespace hems::test
