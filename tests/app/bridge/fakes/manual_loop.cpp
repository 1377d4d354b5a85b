#include "manual_loop.hpp"

#include <algorithm>
#include <stdexcept>

namespace hems::test {
namespace {

// Work that keeps making work at one instant is a livelock in the code under test.
constexpr int kMaxRoundsPerInstant = 10000;

}  // namespace

void ManualLoop::run_ready() {
  for (int round = 0; round < kMaxRoundsPerInstant; ++round) {
    bool ran = false;
    if (!posted_.empty()) {
      auto posted = std::move(posted_);
      posted_.clear();
      for (auto& fn : posted)
        fn();
      ran = true;
    }
    for (auto& [fd, source] : sources_)
      source.tick(now_);
    for (auto& [fd, source] : sources_) {
      auto watched = watched_.find(fd);
      if (watched != watched_.end() && source.readable()) {
        auto callback = watched->second;  // the callback may unwatch itself
        callback();
        ran = true;
      }
    }
    // Only the timers armed before this round, as io::EventLoop runs them: one that a timer arms
    // for this same instant waits for the next round, after posted work and readable devices.
    // Run at once, a timer that re-arms itself until they have run would spin here for ever,
    // where the livelock bound never sees it.
    const TimerId first_new_id = next_id_;
    for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= now_;) {
      if (it->first.second >= first_new_id) {
        ++it;
        continue;
      }
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
      ran = true;
      it = timers_.begin();  // the callback may have cancelled or added timers
    }
    if (!ran)
      return;
  }
  throw std::runtime_error("ManualLoop: work keeps making work at one instant (livelock)");
}

std::optional<TimePoint> ManualLoop::next_event() const {
  std::optional<TimePoint> next;
  if (!timers_.empty())
    next = timers_.begin()->first.first;
  for (const auto& [fd, source] : sources_) {
    if (auto wake = source.next_wakeup(); wake && (!next || *wake < *next))
      next = wake;
  }
  return next;
}

bool ManualLoop::run_until(TimePoint until, const std::function<bool()>& done) {
  for (;;) {
    run_ready();
    if (done && done())
      return true;
    auto next = next_event();
    if (!next || *next > until) {
      now_ = std::max(now_, until);
      run_ready();
      return done ? done() : true;
    }
    // Timers due by now have run; a device naming a wake-up that is not later than now has
    // nothing more to give at this instant, so time steps on instead of stalling.
    now_ = *next > now_ ? *next : now_ + std::chrono::milliseconds(1);
  }
}

}  // namespace hems::test
