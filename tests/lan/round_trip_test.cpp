#include "hems/lan/round_trip.hpp"

#include <gtest/gtest.h>

namespace hems::lan {
namespace {
using namespace std::chrono_literals;

TEST(LanRoundTrip, WaitsTheInitialTimeUntilMeasured) {
  RoundTrip rtt;
  EXPECT_FALSE(rtt.measured());
  EXPECT_EQ(rtt.first_wait(RetryBounds{1000ms, 250ms, 3000ms}), 1000ms);
  EXPECT_EQ(rtt.first_wait(RetryBounds{5000ms, 250ms, 3000ms}), 3000ms);  // bounded
}

TEST(LanRoundTrip, FirstSampleGivesThreeTimesTheRoundTrip) {
  RoundTrip rtt;
  rtt.sample(400ms);  // srtt 400, rttvar 200: 400 + 4 * 200
  EXPECT_EQ(rtt.first_wait(RetryBounds{}), 1200ms);
}

TEST(LanRoundTrip, FastNodesWaitTheFloorSlowOnesTheCeiling) {
  RoundTrip fast;
  fast.sample(5ms);
  EXPECT_EQ(fast.first_wait(RetryBounds{}), 250ms);
  RoundTrip slow;
  slow.sample(2000ms);
  EXPECT_EQ(slow.first_wait(RetryBounds{}), 3000ms);
}

TEST(LanRoundTrip, SmoothsAsRfc6298AndSettlesOnASteadyRoundTrip) {
  RoundTrip rtt;
  rtt.sample(800ms);
  rtt.sample(400ms);  // rttvar = 3/4 * 400 + 1/4 * 400 = 400; srtt = 7/8 * 800 + 1/8 * 400 = 750
  EXPECT_EQ(rtt.smoothed(), 750ms);
  EXPECT_EQ(rtt.first_wait(RetryBounds{1000ms, 250ms, 10000ms}), 750ms + 1600ms);
  for (int i = 0; i < 60; ++i)
    rtt.sample(600ms);
  EXPECT_NEAR(static_cast<double>(rtt.smoothed()->count()), 600.0, 5.0);
  // The variation has died away to the granularity: 600 + 50.
  EXPECT_LE(rtt.first_wait(RetryBounds{1000ms, 250ms, 10000ms}), 660ms);
}

}  // namespace
}  // namespace hems::lan
