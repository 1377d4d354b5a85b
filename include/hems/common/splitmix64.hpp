#pragma once

#include <cstdint>
#include <limits>

namespace hems {

// splitmix64 (Steele, Lea and Flood, 2014): a 64-bit generator with one word of state. Far from
// cryptographic, but enough to spread retries so that many clients do not act in lockstep, and
// the same sequence everywhere for a given seed, so tests and logs are reproducible. Meets the
// standard UniformRandomBitGenerator requirements.
class SplitMix64 {
 public:
  using result_type = std::uint64_t;

  constexpr explicit SplitMix64(std::uint64_t seed = 0) : state_(seed) {}

  constexpr std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1): the top 53 bits, as many as a double holds exactly.
  constexpr double next_unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  constexpr std::uint64_t operator()() { return next(); }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return std::numeric_limits<std::uint64_t>::max(); }

 private:
  std::uint64_t state_;
};

}  // namespace hems
