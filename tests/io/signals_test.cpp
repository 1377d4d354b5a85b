#include "hems/io/signals.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <vector>

namespace hems::io {
namespace {

bool run_until(EventLoop& loop, const std::function<bool()>& done) {
  const auto deadline = Clock::now() + seconds(5);
  while (!done()) {
    if (Clock::now() >= deadline)
      return false;
    loop.run_once(milliseconds(10));
  }
  return true;
}

TEST(Signals, TerminationSignalsReachTheCallbackInsideTheLoop) {
  EventLoop loop;
  std::vector<int> received;
  on_termination_signals(loop, [&](int signo) { received.push_back(signo); });

  ASSERT_EQ(std::raise(SIGTERM), 0);
  ASSERT_TRUE(run_until(loop, [&] { return received.size() == 1; }));
  EXPECT_EQ(received[0], SIGTERM);

  ASSERT_EQ(std::raise(SIGINT), 0);
  ASSERT_TRUE(run_until(loop, [&] { return received.size() == 2; }));
  EXPECT_EQ(received[1], SIGINT);
}

TEST(Signals, RegisteringAgainMovesDeliveryToTheNewLoop) {
  int old_calls = 0;
  {
    EventLoop old_loop;
    on_termination_signals(old_loop, [&](int) { ++old_calls; });
  }
  EventLoop loop;
  int received = 0;
  on_termination_signals(loop, [&](int signo) { received = signo; });
  ASSERT_EQ(std::raise(SIGHUP), 0);
  ASSERT_TRUE(run_until(loop, [&] { return received != 0; }));
  EXPECT_EQ(received, SIGHUP);
  EXPECT_EQ(old_calls, 0);
}

}  // namespace
}  // namespace hems::io
