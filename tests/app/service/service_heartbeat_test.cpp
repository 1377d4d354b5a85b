// The heartbeat: what the service manager hears, and when, as the event loop turns.
#include "hems/app/service_heartbeat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace hems::app {
namespace {

using namespace std::chrono_literals;

// Records what would have been sent, in order.
class RecordingNotifier : public ServiceNotifier {
 public:
  bool enabled() const override { return enabled_; }
  void ready() override { sent.push_back("READY=1"); }
  void alive() override { sent.push_back("WATCHDOG=1"); }
  void stopping() override { sent.push_back("STOPPING=1"); }
  void status(const std::string& text) override { sent.push_back("STATUS=" + text); }
  std::optional<Duration> watchdog_interval() const override { return interval_; }

  bool enabled_ = true;
  std::optional<Duration> interval_ = Duration(20);
  std::vector<std::string> sent;

  std::size_t count(const std::string& what) const {
    return static_cast<std::size_t>(std::count(sent.begin(), sent.end(), what));
  }
};

// Turns the loop until `done` or the deadline; true when done.
bool run_until(io::EventLoop& loop, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = 10s) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline)
      return false;
    loop.run_once(Duration(10));
  }
  return true;
}

// Turns the loop for `span` whatever happens (for checking that nothing does).
void run_for(io::EventLoop& loop, std::chrono::milliseconds span) {
  const auto end = Clock::now() + span;
  while (Clock::now() < end)
    loop.run_once(Duration(10));
}

TEST(ServiceHeartbeat, ReadyComesFromTheRunningLoopThenWatchdogPings) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  ServiceHeartbeat heartbeat(loop, notifier, [] { return std::string("starting"); });
  heartbeat.start();
  EXPECT_TRUE(notifier.sent.empty()) << "sent before the loop ran";
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("WATCHDOG=1") >= 3; }));
  ASSERT_GE(notifier.sent.size(), 3u);
  EXPECT_EQ(notifier.sent[0], "READY=1");
  EXPECT_EQ(notifier.sent[1], "STATUS=starting");
  EXPECT_EQ(notifier.count("READY=1"), 1u);
}

TEST(ServiceHeartbeat, PingsFollowTheIntervalNotEveryRound) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  notifier.interval_ = Duration(200);
  ServiceHeartbeat heartbeat(loop, notifier, nullptr);
  heartbeat.start();
  const auto begin = Clock::now();
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("WATCHDOG=1") >= 3; }));
  // The first ping comes with READY=1, the next two at least one interval apart each.
  EXPECT_GE(Clock::now() - begin, Duration(400));
}

TEST(ServiceHeartbeat, StatusIsSentWhenItChanges) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  notifier.interval_.reset();
  std::string status = "meter scanning, MQTT connected";
  int asked = 0;
  ServiceHeartbeat heartbeat(
      loop, notifier,
      [&] {
        ++asked;
        return status;
      },
      Duration(10));
  heartbeat.start();
  ASSERT_TRUE(run_until(loop, [&] { return asked >= 5; }));
  EXPECT_EQ(notifier.count("STATUS=meter scanning, MQTT connected"), 1u);
  status = "meter joined, MQTT connected";
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("STATUS=" + status) == 1; }));
  const int asked_then = asked;
  ASSERT_TRUE(run_until(loop, [&] { return asked >= asked_then + 5; }));
  EXPECT_EQ(notifier.count("STATUS=" + status), 1u);
  EXPECT_EQ(notifier.count("WATCHDOG=1"), 0u) << "pinged although no watchdog was asked for";
}

TEST(ServiceHeartbeat, StoppingSaysSoAndEndsThePings) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  ServiceHeartbeat heartbeat(loop, notifier, [] { return std::string("running"); });
  heartbeat.start();
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("WATCHDOG=1") >= 2; }));
  heartbeat.stopping();
  ASSERT_GE(notifier.sent.size(), 2u);
  EXPECT_EQ(notifier.sent[notifier.sent.size() - 2], "STATUS=shutting down");
  EXPECT_EQ(notifier.sent.back(), "STOPPING=1");
  const std::size_t after = notifier.sent.size();
  run_for(loop, 200ms);  // ten intervals
  EXPECT_EQ(notifier.sent.size(), after);
}

TEST(ServiceHeartbeat, ALoopThatDoesNotTurnDoesNotPing) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  ServiceHeartbeat heartbeat(loop, notifier, nullptr);
  heartbeat.start();
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("WATCHDOG=1") >= 1; }));
  const std::size_t pings = notifier.count("WATCHDOG=1");
  // A callback that hangs for several intervals: no ping can come from elsewhere meanwhile.
  loop.post([] {
    const auto until = Clock::now() + 100ms;
    while (Clock::now() < until) {
    }
  });
  bool checked = false;
  loop.post([&] {
    checked = true;
    EXPECT_EQ(notifier.count("WATCHDOG=1"), pings);
  });
  ASSERT_TRUE(run_until(loop, [&] { return checked; }));
  ASSERT_TRUE(run_until(loop, [&] { return notifier.count("WATCHDOG=1") > pings; }));
}

TEST(ServiceHeartbeat, WithoutAServiceManagerNothingHappens) {
  io::EventLoop loop;
  RecordingNotifier notifier;
  notifier.enabled_ = false;
  int asked = 0;
  ServiceHeartbeat heartbeat(
      loop, notifier,
      [&] {
        ++asked;
        return std::string("x");
      },
      Duration(10));
  heartbeat.start();
  run_for(loop, 100ms);
  heartbeat.stopping();
  EXPECT_TRUE(notifier.sent.empty());
  EXPECT_EQ(asked, 0);
}

}  // namespace
}  // namespace hems::app
