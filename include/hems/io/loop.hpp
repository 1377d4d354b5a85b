#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "hems/common/time.hpp"

namespace hems::io {

// What the bridge needs of an event loop: file descriptors to watch, timers, work posted from
// other threads, and the time. EventLoop is the poll(2) one; tests drive a manual-time one, so
// the wiring runs in-process without sockets, sleeps or a wall clock.
class Loop {
 public:
  using TimerId = std::uint64_t;

  virtual ~Loop() = default;
  // Calls on_readable while fd has input, hang-up or error (the callback must drain or unwatch
  // it, or it is called again at once). Watching an fd again replaces its callback.
  virtual void watch_fd(int fd, std::function<void()> on_readable) = 0;
  virtual void unwatch_fd(int fd) = 0;
  // Timers due at the same time run in the order they were scheduled.
  virtual TimerId call_at(TimePoint when, std::function<void()> fn) = 0;
  TimerId call_after(Duration d, std::function<void()> fn) {
    return call_at(now() + d, std::move(fn));
  }
  virtual void cancel(TimerId id) = 0;              // unknown or already-run ids are ignored
  virtual void post(std::function<void()> fn) = 0;  // thread-safe
  virtual void stop() = 0;                          // thread-safe
  virtual TimePoint now() const = 0;
};

}  // namespace hems::io
