#pragma once

#include <string_view>

#include "hems/common/backoff.hpp"
#include "hems/common/time.hpp"

namespace hems::wisun {

// The steps the session takes to get the link back, mildest first.
enum class Recovery { rejoin, rescan, reopen, reset };
std::string_view to_string(Recovery step);  // "join again", "scan again", ...

struct RecoveryConfig {
  int joins_before_rescan = 3;        // rungs of joining again before scanning again
  int rescans_before_reopen = 2;      // rungs of scanning again before reopening the port
  Duration first_pause = seconds(5);  // the pause before each step of the first round
  Duration max_pause = seconds(600);  // cap for the pause, which doubles every round
  // Cap for the pause before reopening a lost serial link. Trying to open a device that is not
  // there costs nothing, and a user who plugs the dongle back in expects it to be used at once.
  Duration max_reopen_pause = seconds(10);
};

struct RecoveryPlan {
  Recovery step;
  Duration pause;  // to wait before taking the step
  auto operator<=>(const RecoveryPlan&) const = default;
};

// How the session climbs out of trouble. Each trouble (a failed join or scan, a meter that stops
// answering, sends that keep failing) is one rung up: join again (scan again while no PAN is
// known) joins_before_rescan times, scan again rescans_before_reopen times, reopen the serial
// port, reset the dongle; then the ladder starts over from the bottom with every pause twice as
// long, up to max_pause, so a meter that stays away is tried less and less often but forever. A
// lost serial link is reopened after pauses of its own, which stop growing at max_reopen_pause
// and leave the rounds alone: a dongle that was away for an hour is used within seconds of its
// return, and its first join that fails is retried as soon as any other. Only the meter
// answering again (reset()) brings the ladder back to its bottom and the first pauses.
class RecoveryLadder {
 public:
  explicit RecoveryLadder(RecoveryConfig config);

  RecoveryPlan climb(bool pan_known);  // one rung up
  Duration link_lost();                // the pause before reopening a lost serial link
  void reset();

  int rung() const { return rung_; }  // 0: no trouble since the meter last answered
  int rounds() const { return pause_.attempts(); }

 private:
  Recovery rejoin_or_rescan(bool pan_known) const;

  int rejoins_;
  int rescans_;
  Backoff pause_;
  Backoff reopen_pause_;
  int rung_ = 0;
};

}  // namespace hems::wisun
