#pragma once

// Parts of the bridge that have deadlines. The bridge keeps one list of them and one timer on
// the loop, set to the earliest deadline of all; when it fires every part runs on_timer (early
// calls are harmless), so no part arms loop timers of its own.

#include <functional>
#include <optional>

#include "hems/common/time.hpp"

namespace hems::app {

class Timed {
 public:
  virtual ~Timed() = default;
  virtual std::optional<TimePoint> next_deadline() const = 0;
  virtual void on_timer(TimePoint now) = 0;
};

// One deadline and what to do when it has passed; whoever owns it arms it again.
class Alarm final : public Timed {
 public:
  explicit Alarm(std::function<void(TimePoint now)> fire) : fire_(std::move(fire)) {}

  void arm(TimePoint when) { due_ = when; }
  void disarm() { due_.reset(); }
  bool armed() const { return due_.has_value(); }

  std::optional<TimePoint> next_deadline() const override { return due_; }
  void on_timer(TimePoint now) override {
    if (due_ && now >= *due_) {
      due_.reset();
      fire_(now);
    }
  }

 private:
  std::function<void(TimePoint)> fire_;
  std::optional<TimePoint> due_;
};

}  // namespace hems::app
