#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hems/common/time.hpp"

namespace hems::meter {

// Decides whether a decoded value may be published (DESIGN.md principle 5). Cumulative
// counters may only grow, by no more than the largest plausible power allows since the last
// accepted value, except for a genuine wrap at 10^digits. A counter that jumps and then keeps
// moving consistently from its new level (a replaced meter) is accepted after a few readings.
class Plausibility {
 public:
  static constexpr double kMaxPowerW = 100000.0;  // far above any low-voltage contract
  static constexpr double kMaxCurrentA = 1000.0;
  static constexpr int kReadingsForNewBaseline = 3;

  struct Verdict {
    bool accept = true;
    std::string reason;  // why a value was dropped
  };

  Verdict check_power(std::int32_t watts) const;
  Verdict check_current(double amperes) const;

  enum class Counter { import_energy, export_energy };
  // raw: the counter as the meter shows it; kwh_per_count = coefficient x unit.
  Verdict check_counter(Counter which, std::uint32_t raw, std::uint8_t digits, double kwh_per_count,
                        TimePoint now);

  void forget_counters();  // after the meter's identity (unit, digits) changed

 private:
  struct Sample {
    std::uint32_t raw = 0;
    TimePoint at;
  };
  struct CounterState {
    std::optional<Sample> accepted;
    std::optional<Sample> candidate;  // an unexplained jump, waiting for confirmation
    int candidate_streak = 0;
  };
  static bool plausible_step(const Sample& from, std::uint32_t raw, TimePoint at,
                             std::uint8_t digits, double kwh_per_count);

  CounterState import_;
  CounterState export_;
};

}  // namespace hems::meter
