#include "hems/wisun/recovery_ladder.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hems::wisun {
namespace {

RecoveryConfig config() {
  RecoveryConfig c;
  c.joins_before_rescan = 3;
  c.rescans_before_reopen = 2;
  c.first_pause = seconds(5);
  c.max_pause = seconds(600);
  return c;
}

std::vector<Recovery> climb(RecoveryLadder& ladder, int rungs, bool pan_known = true) {
  std::vector<Recovery> steps;
  for (int i = 0; i < rungs; ++i)
    steps.push_back(ladder.climb(pan_known).step);
  return steps;
}

using enum Recovery;

TEST(RecoveryLadder, ClimbsFromTheMildestStepToAResetThenStartsOver) {
  RecoveryLadder ladder(config());
  EXPECT_EQ(climb(ladder, 9), (std::vector<Recovery>{rejoin, rejoin, rejoin, rescan, rescan, reopen,
                                                     reset, rejoin, rejoin}));
}

TEST(RecoveryLadder, ScansInsteadOfJoiningWhileNoPanIsKnown) {
  RecoveryLadder ladder(config());
  EXPECT_EQ(climb(ladder, 8, false),
            (std::vector<Recovery>{rescan, rescan, rescan, rescan, rescan, reopen, reset, rescan}));
}

TEST(RecoveryLadder, EveryRoundDoublesThePauseUpToTheCap) {
  RecoveryLadder ladder(config());
  std::vector<Duration> pauses;
  for (int i = 0; i < 7 * 9; ++i)  // nine rounds of seven rungs
    pauses.push_back(ladder.climb(true).pause);
  for (int rung = 0; rung < 7; ++rung) {
    EXPECT_EQ(pauses[static_cast<std::size_t>(rung)], seconds(5)) << "first round";
    EXPECT_EQ(pauses[static_cast<std::size_t>(7 + rung)], seconds(10)) << "second round";
    EXPECT_EQ(pauses[static_cast<std::size_t>(14 + rung)], seconds(20)) << "third round";
  }
  EXPECT_EQ(pauses.back(), seconds(600));  // 5 s x 2^8 is past the cap
  EXPECT_EQ(ladder.rounds(), 8);
}

TEST(RecoveryLadder, ALostLinkIsReopenedWithinTenSecondsAndLeavesTheRoundsAlone) {
  RecoveryLadder ladder(config());
  EXPECT_EQ(ladder.link_lost(), seconds(5));
  EXPECT_EQ(ladder.link_lost(), seconds(10));
  EXPECT_EQ(ladder.link_lost(), seconds(10)) << "a re-plugged dongle is not left waiting";
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(ladder.link_lost(), seconds(10));
  // A long absence is not held against the dongle once it is back: a failed join is retried
  // after the first pause, as at any other time.
  EXPECT_EQ(ladder.rounds(), 0);
  EXPECT_EQ(ladder.climb(true), (RecoveryPlan{rejoin, seconds(5)}));
}

TEST(RecoveryLadder, TheMeterAnsweringBringsItBackToTheBottom) {
  RecoveryLadder ladder(config());
  climb(ladder, 12);
  ladder.link_lost();
  ladder.reset();
  EXPECT_EQ(ladder.rung(), 0);
  EXPECT_EQ(ladder.rounds(), 0);
  EXPECT_EQ(ladder.climb(true), (RecoveryPlan{rejoin, seconds(5)}));
}

TEST(RecoveryLadder, EachKindOfStepHappensAtLeastOnce) {
  RecoveryConfig c = config();
  c.joins_before_rescan = 0;  // taken as 1
  c.rescans_before_reopen = -2;
  RecoveryLadder ladder(c);
  EXPECT_EQ(climb(ladder, 5), (std::vector<Recovery>{rejoin, rescan, reopen, reset, rejoin}));
}

TEST(RecoveryLadder, NoPauseIsLongerThanTheCap) {
  RecoveryConfig c = config();
  c.first_pause = seconds(900);
  RecoveryLadder ladder(c);
  EXPECT_EQ(ladder.climb(true).pause, seconds(600));
  EXPECT_EQ(ladder.link_lost(), seconds(10));
}

TEST(RecoveryLadder, StepsHaveNamesForTheLog) {
  EXPECT_EQ(to_string(rejoin), "join again");
  EXPECT_EQ(to_string(rescan), "scan again");
  EXPECT_EQ(to_string(reopen), "reopen the serial port");
  EXPECT_EQ(to_string(reset), "reset the dongle");
}

}  // namespace
}  // namespace hems::wisun
