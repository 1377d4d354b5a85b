#include "hems/meter/plausibility.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace hems::meter {
namespace {

std::uint64_t modulus(std::uint8_t digits) {
  std::uint64_t m = 1;
  for (std::uint8_t i = 0; i < digits; ++i)
    m *= 10;
  return m;
}

}  // namespace

Plausibility::Verdict Plausibility::check_power(std::int32_t watts) const {
  if (std::abs(static_cast<double>(watts)) > kMaxPowerW) {
    return {false,
            "instantaneous power " + std::to_string(watts) + " W is beyond any plausible value"};
  }
  return {};
}

Plausibility::Verdict Plausibility::check_current(double amperes) const {
  if (std::abs(amperes) > kMaxCurrentA) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "current %.1f A is beyond any plausible value", amperes);
    return {false, buf};
  }
  return {};
}

bool Plausibility::plausible_step(const Sample& from, std::uint32_t raw, TimePoint at,
                                  std::uint8_t digits, double kwh_per_count) {
  const std::uint64_t m = modulus(digits);
  if (raw >= m || from.raw >= m)
    return false;
  // Steps forward on a counter that wraps at 10^digits.
  const std::uint64_t step = (raw + m - from.raw) % m;
  const double hours = std::max(0.0, std::chrono::duration<double>(at - from.at).count()) / 3600.0;
  const double max_kwh = kMaxPowerW / 1000.0 * hours;
  // Always allow two counts of slack: the counter's resolution can be coarse.
  const double max_counts = std::max(2.0, max_kwh / kwh_per_count + 2.0);
  return static_cast<double>(step) <= max_counts;
}

Plausibility::Verdict Plausibility::check_counter(Counter which, std::uint32_t raw,
                                                  std::uint8_t digits, double kwh_per_count,
                                                  TimePoint now) {
  CounterState& state = which == Counter::import_energy ? import_ : export_;
  const char* name = which == Counter::import_energy ? "import" : "export";
  if (digits == 0 || kwh_per_count <= 0.0)
    return {false, "meter unit or digits not known yet"};
  if (raw >= modulus(digits)) {
    return {false, std::string(name) + " counter " + std::to_string(raw) + " exceeds " +
                       std::to_string(static_cast<int>(digits)) + " digits"};
  }
  if (!state.accepted || plausible_step(*state.accepted, raw, now, digits, kwh_per_count)) {
    state.accepted = Sample{raw, now};
    state.candidate.reset();
    state.candidate_streak = 0;
    return {};
  }
  // An unexplained jump (backwards, or too far forwards). Hold it as a candidate baseline.
  if (state.candidate && plausible_step(*state.candidate, raw, now, digits, kwh_per_count)) {
    ++state.candidate_streak;
  } else {
    state.candidate_streak = 1;
  }
  state.candidate = Sample{raw, now};
  if (state.candidate_streak >= kReadingsForNewBaseline) {
    state.accepted = state.candidate;
    state.candidate.reset();
    state.candidate_streak = 0;
    return {true, std::string(name) +
                      " counter moved to a new level and stayed there (meter "
                      "replaced or reset?); accepting it"};
  }
  return {false, std::string(name) + " counter went from " + std::to_string(state.accepted->raw) +
                     " to " + std::to_string(raw) + ", which no real consumption explains"};
}

void Plausibility::forget_counters() {
  import_ = {};
  export_ = {};
}

}  // namespace hems::meter
