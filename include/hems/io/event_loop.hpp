#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hems/common/time.hpp"
#include "hems/io/loop.hpp"

namespace hems::io {

// A poll(2) loop. One thread runs it and owns all state; other threads only post() and stop().
// Callbacks run on the loop thread and may watch, unwatch, schedule and cancel freely.
class EventLoop final : public Loop {
 public:
  EventLoop();  // throws std::system_error when the wake-up eventfd cannot be made
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls on_readable while fd has input, hang-up or error (the callback must drain or unwatch
  // it, or it is called again at once). Watching an fd again replaces its callback.
  void watch_fd(int fd, std::function<void()> on_readable) override;
  void unwatch_fd(int fd) override;

  // Timers due at the same time run in the order they were scheduled.
  TimerId call_at(TimePoint when, std::function<void()> fn) override;
  using Loop::call_after;
  void cancel(TimerId id) override;  // unknown or already-run ids are ignored

  void post(std::function<void()> fn) override;  // thread-safe; wakes the loop
  void run();            // until stop(); a stop() before run() ends the next run
  void stop() override;  // thread-safe
  // One round: waits at most max_wait for something to do, then does it. For tests and for
  // callers that drive the loop themselves. poll(2) failing other than by EINTR (only possible
  // on exhausted memory or a broken fd table) throws std::system_error; exceptions from callbacks
  // pass through.
  void run_once(Duration max_wait);
  TimePoint now() const override { return Clock::now(); }

 private:
  void wake();
  void drain_wakeups();
  void run_posted();
  void run_due_timers();
  int poll_timeout_ms(Duration max_wait) const;

  int wake_fd_ = -1;
  std::atomic<bool> stop_requested_{false};

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;

  std::map<int, std::function<void()>> watched_;
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, TimePoint> timer_due_;
  TimerId next_timer_id_ = 1;
};

}  // namespace hems::io
