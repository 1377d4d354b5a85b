#pragma once

// An io::Loop with manual time for in-process tests: nothing waits, time jumps to the next thing
// due (a timer, or a fake device's next output). Fake devices register as sources: the loop asks
// them whether their fd is readable, so the bridge's fd callbacks run as they would under poll(2).

#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "hems/io/loop.hpp"

namespace hems::test {

class ManualLoop final : public io::Loop {
 public:
  // A fake device behind an fd.
  struct Source {
    std::function<void(TimePoint now)> tick;  // lets the device catch up to `now`
    std::function<bool()> readable;
    std::function<std::optional<TimePoint>()> next_wakeup;
  };

  explicit ManualLoop(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365)) : now_(start) {}

  void add_source(int fd, Source source) { sources_[fd] = std::move(source); }
  void remove_source(int fd) { sources_.erase(fd); }

  // io::Loop
  void watch_fd(int fd, std::function<void()> on_readable) override {
    watched_[fd] = std::move(on_readable);
  }
  void unwatch_fd(int fd) override { watched_.erase(fd); }
  TimerId call_at(TimePoint when, std::function<void()> fn) override {
    const TimerId id = next_id_++;
    timers_.emplace(std::pair{when, id}, std::move(fn));
    return id;
  }
  void cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }
  void post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  void stop() override { stopped_ = true; }
  TimePoint now() const override { return now_; }

  bool stopped() const { return stopped_; }
  bool watching(int fd) const { return watched_.contains(fd); }
  std::size_t timers() const { return timers_.size(); }

  // Runs what is due now: posted work, readable fds and due timers, until nothing is left.
  void run_ready();
  // Runs until `done()` holds (checked after each step) or the time reaches `until`; returns
  // whether `done()` held. Time advances straight to the next timer or device output.
  bool run_until(TimePoint until, const std::function<bool()>& done = {});
  bool run_for(Duration span, const std::function<bool()>& done = {}) {
    return run_until(now_ + span, done);
  }

 private:
  std::optional<TimePoint> next_event() const;

  TimePoint now_;
  TimerId next_id_ = 1;
  bool stopped_ = false;
  std::vector<std::function<void()>> posted_;
  std::map<int, std::function<void()>> watched_;
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
  std::map<int, Source> sources_;
};

}  // namespace hems::test
