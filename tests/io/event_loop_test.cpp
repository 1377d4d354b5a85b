#include "hems/io/event_loop.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "io/io_test_support.hpp"

namespace hems::io {
namespace {

using testing_support::kPatience;

// Drives the loop on this thread until `done` holds; false when the patience ran out.
bool run_until(EventLoop& loop, const std::function<bool()>& done) {
  const auto deadline = Clock::now() + kPatience;
  while (!done()) {
    if (Clock::now() >= deadline)
      return false;
    loop.run_once(milliseconds(10));
  }
  return true;
}

// Runs loop.run() on its own thread; always stopped and joined at the end of the test.
class LoopThread {
 public:
  explicit LoopThread(EventLoop& loop)
      : loop_(loop), thread_([this] {
          loop_.run();
          returned_ = true;
        }) {}
  ~LoopThread() {
    loop_.stop();
    thread_.join();
  }
  bool returned() const { return returned_; }

 private:
  EventLoop& loop_;
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

TEST(EventLoop, TimersFireInTimeOrderThenSchedulingOrder) {
  EventLoop loop;
  std::string order;
  const TimePoint base = loop.now();
  loop.call_at(base + milliseconds(30), [&] { order += 'd'; });
  loop.call_at(base + milliseconds(10), [&] { order += 'b'; });
  loop.call_at(base + milliseconds(10), [&] { order += 'c'; });
  loop.call_after(milliseconds(0), [&] { order += 'a'; });
  ASSERT_TRUE(run_until(loop, [&] { return order.size() == 4; }));
  EXPECT_EQ(order, "abcd");
  EXPECT_GE(loop.now() - base, milliseconds(30));
}

TEST(EventLoop, CancelledTimerNeverRuns) {
  EventLoop loop;
  bool cancelled_ran = false;
  bool later_ran = false;
  const auto id = loop.call_after(milliseconds(5), [&] { cancelled_ran = true; });
  loop.call_after(milliseconds(20), [&] { later_ran = true; });
  loop.cancel(id);
  loop.cancel(id);      // twice is harmless
  loop.cancel(999999);  // unknown too
  ASSERT_TRUE(run_until(loop, [&] { return later_ran; }));
  EXPECT_FALSE(cancelled_ran);
}

TEST(EventLoop, TimerCanCancelAnotherDueTimer) {
  EventLoop loop;
  EventLoop::TimerId second = 0;
  int runs = 0;
  bool done = false;
  loop.call_after(milliseconds(1), [&] {
    ++runs;
    loop.cancel(second);
  });
  second = loop.call_after(milliseconds(1), [&] { ++runs; });
  loop.call_after(milliseconds(15), [&] { done = true; });
  ASSERT_TRUE(run_until(loop, [&] { return done; }));
  EXPECT_EQ(runs, 1);
}

TEST(EventLoop, SelfReschedulingTimerDoesNotStarveFds) {
  EventLoop loop;
  std::function<void()> again = [&] { loop.call_after(milliseconds(0), again); };
  loop.call_after(milliseconds(0), again);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  bool readable = false;
  loop.watch_fd(fds[0], [&] { readable = true; });
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  EXPECT_TRUE(run_until(loop, [&] { return readable; }));
  loop.unwatch_fd(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, PostFromAnotherThreadWakesTheLoop) {
  EventLoop loop;
  std::atomic<std::thread::id> ran_on{};
  std::thread::id loop_thread_id;
  {
    std::atomic<bool> started{false};
    loop.post([&] { started = true; });
    LoopThread runner(loop);
    ASSERT_TRUE(testing_support::wait_until([&] { return started.load(); }));
    // The loop now sleeps in poll() with no timer: only the wake-up can bring this in.
    std::thread poster([&] { loop.post([&] { ran_on = std::this_thread::get_id(); }); });
    poster.join();
    EXPECT_TRUE(testing_support::wait_until([&] { return ran_on.load() != std::thread::id{}; }));
    loop_thread_id = ran_on.load();
    EXPECT_NE(loop_thread_id, std::this_thread::get_id());
  }
}

TEST(EventLoop, WatchedFdCallbackRunsAndUnwatchStopsIt) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string received;
  int calls = 0;
  loop.watch_fd(fds[0], [&] {
    ++calls;
    char buffer[16];
    const auto n = ::read(fds[0], buffer, sizeof buffer);
    if (n > 0)
      received.append(buffer, static_cast<std::size_t>(n));
  });
  ASSERT_EQ(::write(fds[1], "ping", 4), 4);
  ASSERT_TRUE(run_until(loop, [&] { return received == "ping"; }));

  loop.unwatch_fd(fds[0]);
  const int calls_before = calls;
  ASSERT_EQ(::write(fds[1], "more", 4), 4);
  bool marker = false;
  loop.call_after(milliseconds(20), [&] { marker = true; });
  ASSERT_TRUE(run_until(loop, [&] { return marker; }));
  EXPECT_EQ(calls, calls_before);
  EXPECT_EQ(received, "ping");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, CallbackMayUnwatchItself) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  int calls = 0;
  loop.watch_fd(fds[0], [&] {
    ++calls;
    loop.unwatch_fd(fds[0]);  // destroys this very std::function's original
  });
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  ASSERT_TRUE(run_until(loop, [&] { return calls > 0; }));
  loop.run_once(milliseconds(5));
  EXPECT_EQ(calls, 1);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, StopFromAnotherThreadEndsRun) {
  EventLoop loop;
  std::atomic<bool> started{false};
  loop.post([&] { started = true; });
  LoopThread runner(loop);
  ASSERT_TRUE(testing_support::wait_until([&] { return started.load(); }));
  EXPECT_FALSE(runner.returned());
  std::thread stopper([&] { loop.stop(); });
  stopper.join();
  EXPECT_TRUE(testing_support::wait_until([&] { return runner.returned(); }));
}

TEST(EventLoop, StopInsideACallbackEndsRunAndRunCanStartAgain) {
  EventLoop loop;
  int rounds = 0;
  loop.call_after(milliseconds(1), [&] {
    ++rounds;
    loop.stop();
  });
  loop.run();
  EXPECT_EQ(rounds, 1);
  loop.post([&] {
    ++rounds;
    loop.stop();
  });
  loop.run();
  EXPECT_EQ(rounds, 2);
}

}  // namespace
}  // namespace hems::io
