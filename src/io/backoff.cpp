#include "hems/io/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace hems::io {

Backoff::Backoff(Duration initial, Duration max, double factor)
    : initial_(std::max(initial, Duration::zero())),
      max_(std::max(max, initial_)),
      factor_(std::max(factor, 1.0)),
      current_ms_(static_cast<double>(initial_.count())) {}

void Backoff::enable_jitter(double fraction, std::uint64_t seed) {
  jitter_ = std::clamp(fraction, 0.0, 1.0);
  rng_state_ = seed;
}

double Backoff::next_unit_random() {
  // splitmix64: tiny, good enough for spreading retries, and the same everywhere.
  std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

Duration Backoff::next() {
  const double cap = static_cast<double>(max_.count());
  const double base = std::min(current_ms_, cap);
  current_ms_ = std::min(current_ms_ * factor_, cap);  // stays finite however long it runs
  ++attempts_;
  double delay = base;
  if (jitter_ > 0.0)
    delay -= base * jitter_ * next_unit_random();
  return Duration(static_cast<Duration::rep>(std::llround(delay)));
}

void Backoff::reset() {
  current_ms_ = static_cast<double>(initial_.count());
  attempts_ = 0;
}

}  // namespace hems::io
