#pragma once

#include <chrono>

namespace hems {

// Protocol cores never read a clock: callers pass the current monotonic time in.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace hems
