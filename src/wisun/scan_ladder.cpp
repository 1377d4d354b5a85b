#include "hems/wisun/scan_ladder.hpp"

#include <algorithm>

namespace hems::wisun {
namespace {

// The ladder up to the default top; see scan_ladder() for why these durations.
constexpr std::uint8_t kBaseLadder[] = {4, 5, 6, 6, 7, 8, 8};
constexpr int kShortestLadderStep = 4;

}  // namespace

std::vector<std::uint8_t> scan_ladder(int max_duration) {
  const int top = std::clamp(max_duration, 0, kMaxScanDuration);
  if (top < kShortestLadderStep)
    return {static_cast<std::uint8_t>(top)};
  std::vector<std::uint8_t> ladder;
  for (std::uint8_t duration : kBaseLadder) {
    if (duration <= top)
      ladder.push_back(duration);
  }
  for (int duration = kDefaultScanDurationMax + 1; duration <= top; ++duration)
    ladder.push_back(static_cast<std::uint8_t>(duration));
  return ladder;
}

}  // namespace hems::wisun
