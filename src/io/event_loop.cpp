#include "hems/io/event_loop.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace hems::io {

EventLoop::EventLoop() : wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wake_fd_ < 0)
    throw std::system_error(errno, std::system_category(), "eventfd");
}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
}

void EventLoop::watch_fd(int fd, std::function<void()> on_readable) {
  watched_[fd] = std::move(on_readable);
}

void EventLoop::unwatch_fd(int fd) {
  watched_.erase(fd);
}

EventLoop::TimerId EventLoop::call_at(TimePoint when, std::function<void()> fn) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(std::pair{when, id}, std::move(fn));
  timer_due_.emplace(id, when);
  return id;
}

void EventLoop::cancel(TimerId id) {
  const auto found = timer_due_.find(id);
  if (found == timer_due_.end())
    return;
  timers_.erase(std::pair{found->second, id});
  timer_due_.erase(found);
}

void EventLoop::post(std::function<void()> fn) {
  {
    const std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(fn));
  }
  wake();
}

void EventLoop::stop() {
  stop_requested_.store(true);
  wake();
}

void EventLoop::run() {
  while (!stop_requested_.load())
    run_once(Duration::max());
  stop_requested_.store(false);  // the loop may be run again
}

void EventLoop::wake() {
  const std::uint64_t one = 1;
  // Can only fail when the counter is saturated, and then the loop is awake anyway.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::drain_wakeups() {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto got = ::read(wake_fd_, &count, sizeof count);
}

int EventLoop::poll_timeout_ms(Duration max_wait) const {
  Duration wait = max_wait;
  if (!timers_.empty()) {
    const auto until_due = timers_.begin()->first.first - now();
    // Round up: waking a little early would only spin until the timer is due.
    wait =
        std::min(wait, std::chrono::ceil<Duration>(std::max(until_due, Clock::duration::zero())));
  }
  if (wait == Duration::max())
    return -1;
  constexpr Duration::rep kLongest = 24 * 60 * 60 * 1000;  // poll's int milliseconds
  return static_cast<int>(std::clamp<Duration::rep>(wait.count(), 0, kLongest));
}

void EventLoop::run_posted() {
  std::vector<std::function<void()>> batch;
  {
    const std::lock_guard lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch)
    fn();
}

void EventLoop::run_due_timers() {
  // Only timers that existed when this round began: a callback that schedules another due
  // timer (call_after(0)) cannot keep the loop from polling its fds.
  const TimerId first_new_id = next_timer_id_;
  const TimePoint round_time = now();
  auto it = timers_.begin();
  while (it != timers_.end() && it->first.first <= round_time) {
    if (it->first.second >= first_new_id) {
      ++it;
      continue;
    }
    auto fn = std::move(it->second);
    timer_due_.erase(it->first.second);
    timers_.erase(it);
    fn();
    // The callback may have cancelled or added timers: search again from the start.
    it = timers_.begin();
  }
}

void EventLoop::run_once(Duration max_wait) {
  std::vector<pollfd> entries;
  entries.reserve(watched_.size() + 1);
  entries.push_back(pollfd{wake_fd_, POLLIN, 0});
  for (const auto& [fd, callback] : watched_)
    entries.push_back(pollfd{fd, POLLIN, 0});

  const int ready = ::poll(entries.data(), entries.size(), poll_timeout_ms(max_wait));
  if (ready < 0 && errno != EINTR) {
    throw std::system_error(errno, std::system_category(), "poll");
  }
  if (ready > 0 && (entries[0].revents & POLLIN) != 0)
    drain_wakeups();
  run_posted();
  if (ready > 0) {
    for (std::size_t i = 1; i < entries.size(); ++i) {
      if (entries[i].revents == 0)
        continue;
      // A callback may unwatch (or replace) this or any later fd; use what is current, and a
      // copy, so the callback can unwatch itself while it runs.
      const auto found = watched_.find(entries[i].fd);
      if (found == watched_.end())
        continue;
      auto callback = found->second;
      callback();
    }
  }
  run_due_timers();
}

}  // namespace hems::io
