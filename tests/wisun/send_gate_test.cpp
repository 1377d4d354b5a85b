#include "hems/wisun/send_gate.hpp"

#include <gtest/gtest.h>

namespace hems::wisun {
namespace {

Bytes frame(std::uint8_t tag) {
  return Bytes{0x10, 0x81, 0x00, tag};
}

SendGateConfig config() {
  SendGateConfig c;
  c.queue_limit = 3;
  c.failures_before_trouble = 3;
  c.retry_pause = seconds(5);
  return c;
}

const TimePoint t0{};

TEST(SendGate, SendsQueuedFramesOneExchangeAtATime) {
  SendGate gate(config());
  EXPECT_FALSE(gate.start()) << "nothing queued";
  EXPECT_TRUE(gate.queue(frame(1)));
  EXPECT_TRUE(gate.queue(frame(2)));
  EXPECT_EQ(gate.start(), frame(1));
  EXPECT_TRUE(gate.busy());
  EXPECT_EQ(gate.queued(), 1u);
}

TEST(SendGate, ACopyOfAFrameStillWaitingIsNotQueuedAgain) {
  SendGate gate(config());
  EXPECT_TRUE(gate.queue(frame(1)));
  EXPECT_TRUE(gate.queue(frame(2)));
  EXPECT_TRUE(gate.queue(frame(1)));
  EXPECT_EQ(gate.queued(), 2u);
  EXPECT_EQ(gate.start(), frame(1));
  // Once it has gone, a copy is a new send (the meter layer's retry after no answer).
  EXPECT_TRUE(gate.queue(frame(1)));
  EXPECT_EQ(gate.queued(), 2u);
}

TEST(SendGate, TheExchangeEndsOnlyWhenBothTheRadioResultAndTheOkCame) {
  for (bool ok_first : {false, true}) {
    SendGate gate(config());
    gate.queue(frame(1));
    gate.start();
    if (ok_first) {
      EXPECT_EQ(gate.on_accepted(), SendVerdict::pending);
      EXPECT_TRUE(gate.busy());
      EXPECT_EQ(gate.on_radio_result(kRadioSent, t0), SendVerdict::pending);
    } else {
      EXPECT_EQ(gate.on_radio_result(kRadioSent, t0), SendVerdict::pending);
      EXPECT_TRUE(gate.busy());
      EXPECT_EQ(gate.on_accepted(), SendVerdict::pending);
    }
    EXPECT_FALSE(gate.busy()) << "OK first: " << ok_first;
    EXPECT_EQ(gate.queued(), 0u);
    EXPECT_FALSE(gate.held());
  }
}

TEST(SendGate, AddressResolutionIsNotAResult) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.start();
  EXPECT_EQ(gate.on_radio_result(kRadioResolving, t0), SendVerdict::pending);
  EXPECT_EQ(gate.on_accepted(), SendVerdict::pending);
  EXPECT_TRUE(gate.busy()) << "the real EVENT 21 is still to come";
  EXPECT_EQ(gate.on_radio_result(kRadioSent, t0), SendVerdict::pending);
  EXPECT_FALSE(gate.busy());
}

TEST(SendGate, ARadioFailureSendsTheSameFrameAgainAfterThePause) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.queue(frame(2));
  gate.start();
  EXPECT_EQ(gate.on_radio_result(0x01, t0), SendVerdict::failed);
  EXPECT_TRUE(gate.busy()) << "the OK is still due";
  gate.on_accepted();
  EXPECT_FALSE(gate.busy());
  EXPECT_TRUE(gate.held());
  EXPECT_EQ(gate.held_until(), t0 + seconds(5));
  EXPECT_FALSE(gate.start()) << "held";
  EXPECT_FALSE(gate.release(t0 + seconds(4)));
  EXPECT_TRUE(gate.release(t0 + seconds(5)));
  EXPECT_FALSE(gate.release(t0 + seconds(6))) << "only the call that ends the hold says so";
  EXPECT_EQ(gate.start(), frame(1));
}

TEST(SendGate, AResultWithoutItsParameterCountsAsAFailure) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.start();
  EXPECT_EQ(gate.on_radio_result(std::nullopt, t0), SendVerdict::failed);
  EXPECT_EQ(gate.failures(), 1);
}

TEST(SendGate, FailuresInARowBecomeTroubleWithTheFrameKept) {
  SendGate gate(config());
  gate.queue(frame(1));
  TimePoint now = t0;
  for (int i = 1; i < 3; ++i) {
    ASSERT_TRUE(gate.start());
    gate.on_accepted();
    EXPECT_EQ(gate.on_radio_result(0x01, now), SendVerdict::failed);
    now += seconds(5);
    gate.release(now);
  }
  // The third refusal by the dongle itself.
  ASSERT_TRUE(gate.start());
  EXPECT_EQ(gate.on_refused(now), SendVerdict::trouble);
  EXPECT_FALSE(gate.busy());
  EXPECT_FALSE(gate.held()) << "trouble is the recovery's to handle, not a retry pause";
  EXPECT_EQ(gate.queued(), 1u);
  EXPECT_EQ(gate.start(), frame(1));
}

// Dongles send EVENT 21 before the OK; a failure reported that way counts like any other.
TEST(SendGate, RadioFailuresCountWhicheverAnswerComesFirst) {
  for (bool ok_first : {false, true}) {
    SendGate gate(config());
    gate.queue(frame(1));
    TimePoint now = t0;
    SendVerdict verdict = SendVerdict::pending;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(gate.start()) << i;
      if (ok_first)
        gate.on_accepted();
      verdict = gate.on_radio_result(0x01, now);
      if (!ok_first && verdict != SendVerdict::trouble)
        gate.on_accepted();
      now += seconds(5);
      gate.release(now);
    }
    EXPECT_EQ(verdict, SendVerdict::trouble) << "OK first: " << ok_first;
    EXPECT_EQ(gate.failures(), 3) << "OK first: " << ok_first;
  }
}

TEST(SendGate, ARefusedCommandEndsTheExchangeAndPauses) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.start();
  EXPECT_EQ(gate.on_refused(t0), SendVerdict::failed);
  EXPECT_FALSE(gate.busy());
  EXPECT_EQ(gate.held_until(), t0 + seconds(5));
  EXPECT_EQ(gate.queued(), 1u);
}

TEST(SendGate, ATimeoutIsAlwaysTrouble) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.start();
  EXPECT_EQ(gate.on_timeout(), SendVerdict::trouble);
  EXPECT_EQ(gate.failures(), 1);
  EXPECT_FALSE(gate.busy());
  EXPECT_EQ(gate.start(), frame(1)) << "the frame goes again once the link is back";
}

TEST(SendGate, RepliesOutsideAnExchangeAreIgnored) {
  SendGate gate(config());
  gate.queue(frame(1));
  EXPECT_EQ(gate.on_radio_result(0x01, t0), SendVerdict::pending);
  EXPECT_EQ(gate.on_accepted(), SendVerdict::pending);
  EXPECT_EQ(gate.on_refused(t0), SendVerdict::pending);
  EXPECT_EQ(gate.on_timeout(), SendVerdict::pending);
  EXPECT_EQ(gate.failures(), 0);
  EXPECT_FALSE(gate.held());
  EXPECT_EQ(gate.queued(), 1u);
}

TEST(SendGate, ASuccessClearsTheFailureCount) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.start();
  gate.on_refused(t0);
  EXPECT_EQ(gate.failures(), 1);
  gate.release(t0 + seconds(5));
  gate.start();
  gate.on_radio_result(kRadioSent, t0);
  gate.on_accepted();
  EXPECT_EQ(gate.failures(), 0);
}

TEST(SendGate, AFullQueueDropsItsOldestFrame) {
  SendGate gate(config());
  EXPECT_TRUE(gate.queue(frame(1)));
  EXPECT_TRUE(gate.queue(frame(2)));
  EXPECT_TRUE(gate.queue(frame(3)));
  EXPECT_FALSE(gate.queue(frame(4)));
  EXPECT_EQ(gate.queued(), 3u);
  EXPECT_EQ(gate.start(), frame(2));
}

TEST(SendGate, AbandonedFramesAreDroppedNotSentAgain) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.queue(frame(2));
  gate.start();
  gate.abandon();
  EXPECT_FALSE(gate.busy());
  EXPECT_EQ(gate.start(), frame(2));
  // Starting over a stale exchange (the session left it without a word) drops its frame too.
  gate.queue(frame(3));
  EXPECT_EQ(gate.start(), frame(3));
  EXPECT_EQ(gate.queued(), 0u);
}

TEST(SendGate, DropQueuedKeepsTheExchangeUnderWay) {
  SendGate gate(config());
  gate.queue(frame(1));
  gate.queue(frame(2));
  gate.start();
  gate.drop_queued();
  EXPECT_EQ(gate.queued(), 0u);
  EXPECT_TRUE(gate.busy());
}

TEST(SendGate, AHoldKeepsEveryFrameBack) {
  SendGate gate(config());
  gate.hold(t0 + seconds(1));
  gate.queue(frame(1));
  EXPECT_FALSE(gate.start());
  EXPECT_TRUE(gate.release(t0 + seconds(1)));
  EXPECT_EQ(gate.start(), frame(1));
}

}  // namespace
}  // namespace hems::wisun
