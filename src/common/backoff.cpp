#include "hems/common/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace hems {

Backoff::Backoff(Duration initial, Duration max, double factor)
    : initial_(std::max(initial, Duration::zero())),
      max_(std::max(max, initial_)),
      factor_(std::max(factor, 1.0)),
      current_ms_(static_cast<double>(initial_.count())) {}

void Backoff::enable_jitter(double fraction, std::uint64_t seed) {
  jitter_ = std::clamp(fraction, 0.0, 1.0);
  rng_ = SplitMix64(seed);
}

Duration Backoff::next() {
  const double cap = static_cast<double>(max_.count());
  const double base = std::min(current_ms_, cap);
  current_ms_ = std::min(current_ms_ * factor_, cap);  // stays finite however long it runs
  ++attempts_;
  double delay = base;
  if (jitter_ > 0.0)
    delay -= base * jitter_ * rng_.next_unit();
  return Duration(static_cast<Duration::rep>(std::llround(delay)));
}

Duration Backoff::current() const {
  const double delay = std::min(current_ms_, static_cast<double>(max_.count()));
  return Duration(static_cast<Duration::rep>(std::llround(delay)));
}

void Backoff::reset() {
  current_ms_ = static_cast<double>(initial_.count());
  attempts_ = 0;
}

}  // namespace hems
