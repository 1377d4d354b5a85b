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
// lost serial link also counts as a round. Only the meter answering again (reset()) brings the
// ladder back to its bottom and the first pause.
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
  int rung_ = 0;
};

}  // namespace hems::wisun
