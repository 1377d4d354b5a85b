#include "hems/wisun/recovery_ladder.hpp"

#include <algorithm>

namespace hems::wisun {
namespace {

constexpr double kPauseGrowthPerRound = 2.0;

}  // namespace

std::string_view to_string(Recovery step) {
  switch (step) {
    case Recovery::rejoin:
      return "join again";
    case Recovery::rescan:
      return "scan again";
    case Recovery::reopen:
      return "reopen the serial port";
    case Recovery::reset:
      return "reset the dongle";
  }
  return "recover";
}

// A first pause above the cap is cut to the cap, so max_pause is the longest pause there is.
RecoveryLadder::RecoveryLadder(RecoveryConfig config)
    : rejoins_(std::max(1, config.joins_before_rescan)),
      rescans_(std::max(1, config.rescans_before_reopen)),
      pause_(std::min(config.first_pause, config.max_pause), config.max_pause,
             kPauseGrowthPerRound),
      reopen_pause_(std::min({config.first_pause, config.max_pause, config.max_reopen_pause}),
                    std::min(config.max_pause, config.max_reopen_pause), kPauseGrowthPerRound) {}

RecoveryPlan RecoveryLadder::climb(bool pan_known) {
  ++rung_;
  Recovery step;
  if (rung_ <= rejoins_) {
    step = rejoin_or_rescan(pan_known);
  } else if (rung_ <= rejoins_ + rescans_) {
    step = Recovery::rescan;
  } else if (rung_ == rejoins_ + rescans_ + 1) {
    step = Recovery::reopen;
  } else if (rung_ == rejoins_ + rescans_ + 2) {
    step = Recovery::reset;
  } else {
    rung_ = 1;  // a new round: from the bottom, with longer pauses
    pause_.next();
    step = rejoin_or_rescan(pan_known);
  }
  return {step, pause_.current()};
}

Duration RecoveryLadder::link_lost() {
  return reopen_pause_.next();
}

void RecoveryLadder::reset() {
  rung_ = 0;
  pause_.reset();
  reopen_pause_.reset();
}

Recovery RecoveryLadder::rejoin_or_rescan(bool pan_known) const {
  return pan_known ? Recovery::rejoin : Recovery::rescan;
}

}  // namespace hems::wisun
