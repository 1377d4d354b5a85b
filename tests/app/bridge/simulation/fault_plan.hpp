#pragma once

// The faults of a simulated run, drawn from one seeded generator: which fault comes next, how
// long it lasts and how long until the one after. Nothing here reads a clock, so a seed names one
// run, and a failing run replays exactly from its seed.

#include <array>
#include <cstdint>
#include <string_view>

#include "hems/common/splitmix64.hpp"
#include "hems/common/time.hpp"

namespace hems::test {

enum class SimFault {
  pana_expiry,      // the PANA session's lifetime ran out; re-authentication succeeds late
  reauth_fail,      // re-authentication fails, and every join for a while
  tx_limit,         // the radio's transmit-time limit (ARIB) holds
  meter_reboot,     // the meter restarts and forgets the session
  meter_terminate,  // the meter ends the session
  silent_meter,     // the meter answers nothing for a while
  garbage,          // the dongle writes noise between its lines
  dongle_unplug,    // the dongle is pulled out (it resets) and plugged in again
  broker_restart,   // the MQTT broker goes away and comes back
  lan_away,         // a LAN node is off the network for a while
};

struct SimFaultType {
  SimFault kind;
  std::string_view name;
  std::string_view console;  // the simulator's fault name; empty for the others
  int min_seconds;
  int max_seconds;
  int weight;  // among the meter-side faults
};

// Lengths are what each fault takes in real installations, from a blip to the worst seen: a
// transmit-time limit lasts up to the hour the ARIB rule counts over.
inline constexpr std::array<SimFaultType, 10> kSimFaults{{
    {SimFault::pana_expiry, "pana_expiry", "reauth", 2, 90, 30},
    {SimFault::reauth_fail, "reauth_fail", "reauth-fail", 10, 600, 10},
    {SimFault::tx_limit, "tx_limit", "tx-limit", 60, 3600, 10},
    {SimFault::meter_reboot, "meter_reboot", "meter-reboot", 60, 900, 8},
    {SimFault::meter_terminate, "meter_terminate", "terminate", 0, 0, 8},
    {SimFault::silent_meter, "silent_meter", "silent-meter", 30, 900, 8},
    {SimFault::garbage, "garbage", "garbage", 10, 300, 6},
    {SimFault::dongle_unplug, "dongle_unplug", "unplug", 5, 600, 10},
    {SimFault::broker_restart, "broker_restart", "", 1, 180, 0},
    {SimFault::lan_away, "lan_away", "", 10, 2700, 0},
}};

inline const SimFaultType& sim_fault_type(SimFault kind) {
  return kSimFaults[static_cast<std::size_t>(kind)];
}

class FaultPlan {
 public:
  explicit FaultPlan(std::uint64_t seed) : rng_(seed) {}

  // The next fault on the meter's side, by weight.
  const SimFaultType& next_meter_fault() {
    int total = 0;
    for (const auto& type : kSimFaults)
      total += type.weight;
    auto pick = static_cast<int>(rng_.next() % static_cast<std::uint64_t>(total));
    for (const auto& type : kSimFaults) {
      if (pick < type.weight)
        return type;
      pick -= type.weight;
    }
    return kSimFaults.front();
  }
  // How long a fault of this type lasts this time.
  Duration length_of(const SimFaultType& type) {
    return std::chrono::seconds(between(type.min_seconds, type.max_seconds));
  }
  // A span between the two, to the second.
  Duration span(Duration lo, Duration hi) {
    const auto lo_s = std::chrono::duration_cast<std::chrono::seconds>(lo).count();
    const auto hi_s = std::chrono::duration_cast<std::chrono::seconds>(hi).count();
    return std::chrono::seconds(between(lo_s, hi_s));
  }
  bool coin() { return (rng_.next() & 1) != 0; }

 private:
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng_.next() % static_cast<std::uint64_t>(hi - lo + 1));
  }

  SplitMix64 rng_;
};

}  // namespace hems::test
