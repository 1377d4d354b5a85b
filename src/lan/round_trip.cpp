#include "hems/lan/round_trip.hpp"

#include <algorithm>

namespace hems::lan {
namespace {
// A clock tick's worth, so a node that always answers in the same time still gets some slack.
constexpr Duration kGranularity{50};
}  // namespace

void RoundTrip::sample(Duration rtt) {
  rtt = std::max(rtt, Duration{0});
  if (!smoothed_) {
    smoothed_ = rtt;
    variation_ = rtt / 2;
    return;
  }
  const Duration error = *smoothed_ > rtt ? *smoothed_ - rtt : rtt - *smoothed_;
  variation_ = (variation_ * 3 + error) / 4;
  smoothed_ = (*smoothed_ * 7 + rtt) / 8;
}

Duration RoundTrip::first_wait(const RetryBounds& bounds) const {
  const Duration wait =
      smoothed_ ? *smoothed_ + std::max(kGranularity, variation_ * 4) : bounds.initial;
  return std::clamp(wait, bounds.floor, std::max(bounds.floor, bounds.ceiling));
}

}  // namespace hems::lan
