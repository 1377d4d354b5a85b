#include "hems/wisun/scan_ladder.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "hems/wisun/dialect.hpp"
#include "hems/wisun/session.hpp"

namespace hems::wisun {
namespace {

using Ladder = std::vector<std::uint8_t>;

TEST(ScanLadder, TheDefaultStartsShortAndRepeatsSixAndTheTop) {
  EXPECT_EQ(scan_ladder(8), (Ladder{4, 5, 6, 6, 7, 8, 8}));
  EXPECT_EQ(scan_ladder(kDefaultScanDurationMax), scan_ladder(8));
  EXPECT_EQ(SessionConfig{}.scan_durations, scan_ladder(kDefaultScanDurationMax));
}

TEST(ScanLadder, ASmallerMaximumCutsTheLadder) {
  EXPECT_EQ(scan_ladder(7), (Ladder{4, 5, 6, 6, 7}));
  EXPECT_EQ(scan_ladder(6), (Ladder{4, 5, 6, 6}));
  EXPECT_EQ(scan_ladder(5), (Ladder{4, 5}));
  EXPECT_EQ(scan_ladder(4), (Ladder{4}));
}

TEST(ScanLadder, UnderFourItIsOneScanAtTheMaximum) {
  EXPECT_EQ(scan_ladder(3), (Ladder{3}));
  EXPECT_EQ(scan_ladder(0), (Ladder{0}));
}

TEST(ScanLadder, AboveEightEachLongerDurationIsTriedOnce) {
  EXPECT_EQ(scan_ladder(9), (Ladder{4, 5, 6, 6, 7, 8, 8, 9}));
  EXPECT_EQ(scan_ladder(14), (Ladder{4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 13, 14}));
}

TEST(ScanLadder, OutOfRangeMaximaAreClamped) {
  EXPECT_EQ(scan_ladder(-1), scan_ladder(0));
  EXPECT_EQ(scan_ladder(15), scan_ladder(kMaxScanDuration));
  EXPECT_EQ(scan_ladder(1000), scan_ladder(14));
}

TEST(ScanLadder, NeverShrinksAndNeverPassesTheMaximum) {
  for (int max = 0; max <= kMaxScanDuration; ++max) {
    const auto ladder = scan_ladder(max);
    ASSERT_FALSE(ladder.empty()) << max;
    EXPECT_EQ(ladder.back(), max) << "the maximum asked for is always tried";
    for (std::size_t i = 1; i < ladder.size(); ++i)
      EXPECT_LE(ladder[i - 1], ladder[i]) << max;
  }
}

TEST(ScanLadder, TheDefaultLadderTakesAboutThreeMinutes) {
  // What a user waits, at most, before the first recovery pause when no meter answers.
  Duration total{};
  for (std::uint8_t duration : scan_ladder(kDefaultScanDurationMax))
    total += scan_time(duration);
  EXPECT_GT(total, seconds(180));
  EXPECT_LT(total, seconds(240));
}

}  // namespace
}  // namespace hems::wisun
