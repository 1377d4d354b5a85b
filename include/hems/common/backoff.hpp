#pragma once

#include <cstdint>

#include "hems/common/splitmix64.hpp"
#include "hems/common/time.hpp"

namespace hems {

// Retry delays: initial, initial*factor, ... capped at max. Pure: no clock, and jitter
// (when enabled) comes from a caller-supplied seed, so a sequence is reproducible.
class Backoff {
 public:
  Backoff(Duration initial, Duration max, double factor = 2.0);

  // Each delay is shortened by a random share of up to `fraction` (0..1) of itself, so many
  // daemons restarted together do not retry in lockstep. The cap is never exceeded.
  void enable_jitter(double fraction, std::uint64_t seed);

  Duration next();
  // The delay next() starts from, before any jitter, without moving on: a caller that grows its
  // delay only at some events (each round of a retry ladder) reads it between them.
  Duration current() const;
  void reset();  // after a success: the next delay is `initial` again
  int attempts() const { return attempts_; }

 private:
  Duration initial_;
  Duration max_;
  double factor_;
  double current_ms_;
  int attempts_ = 0;
  double jitter_ = 0.0;
  SplitMix64 rng_;
};

}  // namespace hems
