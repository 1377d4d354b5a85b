#include "hems/mqtt/takeover_detector.hpp"

#include <gtest/gtest.h>

namespace hems::mqtt {
namespace {

TimePoint at(int s) {
  return TimePoint{} + seconds(s);
}

TEST(TakeoverDetector, ReportsTheThirdQuickDropInARowOnce) {
  TakeoverDetector d;
  int t = 0;
  std::vector<bool> reported;
  for (int i = 0; i < 6; ++i) {
    d.on_connected(at(t));
    t += 2;  // thrown off two seconds later, as when two bridges share an id
    reported.push_back(d.on_connection_lost(at(t)));
    t += 1;
  }
  EXPECT_EQ(reported, (std::vector<bool>{false, false, true, false, false, false}));
  EXPECT_EQ(d.short_lived_in_a_row(), 6);
}

TEST(TakeoverDetector, ALongConnectionStartsTheCountAgain) {
  TakeoverDetector d;
  d.on_connected(at(0));
  EXPECT_FALSE(d.on_connection_lost(at(1)));
  d.on_connected(at(2));
  EXPECT_FALSE(d.on_connection_lost(at(3)));
  d.on_connected(at(4));
  EXPECT_FALSE(d.on_connection_lost(at(4) + TakeoverDetector::kShortLived));  // lived long
  EXPECT_EQ(d.short_lived_in_a_row(), 0);
  for (int i = 0; i < 2; ++i) {
    d.on_connected(at(100 + i * 10));
    EXPECT_FALSE(d.on_connection_lost(at(101 + i * 10)));
  }
  d.on_connected(at(200));
  EXPECT_TRUE(d.on_connection_lost(at(201))) << "a new run is reported again";
}

TEST(TakeoverDetector, FailedConnectAttemptsAreNotTakeovers) {
  TakeoverDetector d;
  // A broker that is down: only losses, never a connection.
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(d.on_connection_lost(at(i)));
  EXPECT_EQ(d.short_lived_in_a_row(), 0);
}

}  // namespace
}  // namespace hems::mqtt
