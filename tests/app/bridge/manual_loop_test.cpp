// The manual-time loop the in-process bridge tests run on behaves like io::EventLoop where the
// bridge can tell: a timer that a timer arms for the same instant waits for the next round, after
// posted work and readable devices, so work at one instant cannot starve them.

#include "fakes/manual_loop.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace hems::test {
namespace {

using ::testing::ElementsAre;

TEST(ManualLoop, ATimerArmedForNowByATimerRunsAfterThePostedWork) {
  ManualLoop loop;
  std::vector<std::string> order;
  int runs = 0;
  std::function<void()> timer = [&] {
    order.push_back("timer");
    if (++runs == 1)
      loop.post([&] { order.push_back("posted"); });
    // Waits for the posted work, as the bridge's timer waits for its links (bounded here so that
    // a loop that never runs the posted work fails instead of spinning).
    if (runs < 50 && std::find(order.begin(), order.end(), "posted") == order.end())
      loop.call_at(loop.now(), timer);
  };
  loop.call_at(loop.now(), timer);
  loop.run_ready();
  EXPECT_THAT(order, ElementsAre("timer", "posted", "timer"));
}

TEST(ManualLoop, ATimerThatKeepsArmingItselfForNowIsReportedNotSpunOn) {
  ManualLoop loop;
  std::function<void()> timer = [&] { loop.call_at(loop.now(), timer); };
  loop.call_at(loop.now(), timer);
  EXPECT_THROW(loop.run_ready(), std::runtime_error);
}

TEST(ManualLoop, TimersDueAtOneInstantRunInTheOrderTheyWereArmed) {
  ManualLoop loop;
  std::vector<int> order;
  const TimePoint at = loop.now() + std::chrono::seconds(1);
  loop.call_at(at, [&] { order.push_back(1); });
  const auto second = loop.call_at(at, [&] { order.push_back(2); });
  loop.call_at(at, [&] { order.push_back(3); });
  loop.call_at(at - std::chrono::milliseconds(1), [&, second] { loop.cancel(second); });
  loop.run_for(std::chrono::seconds(2));
  EXPECT_THAT(order, ElementsAre(1, 3));
}

}  // namespace
}  // namespace hems::test
