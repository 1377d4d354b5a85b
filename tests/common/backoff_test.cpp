#include "hems/common/backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hems {
namespace {

std::vector<long> take(Backoff& backoff, int count) {
  std::vector<long> delays;
  for (int i = 0; i < count; ++i)
    delays.push_back(static_cast<long>(backoff.next().count()));
  return delays;
}

TEST(Backoff, DoublesUpToTheCap) {
  Backoff backoff(seconds(1), seconds(30));
  EXPECT_EQ(take(backoff, 8),
            (std::vector<long>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
  EXPECT_EQ(backoff.attempts(), 8);
}

TEST(Backoff, HonoursTheFactor) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 1.5);
  EXPECT_EQ(take(backoff, 7), (std::vector<long>{100, 150, 225, 338, 506, 759, 1000}));
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(seconds(2), seconds(60));
  take(backoff, 5);
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_EQ(backoff.next(), seconds(2));
  EXPECT_EQ(backoff.attempts(), 1);
}

TEST(Backoff, CurrentShowsTheNextDelayWithoutMovingOn) {
  Backoff backoff(seconds(1), seconds(5));
  EXPECT_EQ(backoff.current(), seconds(1));
  EXPECT_EQ(backoff.current(), seconds(1));
  EXPECT_EQ(backoff.attempts(), 0);
  backoff.next();
  EXPECT_EQ(backoff.current(), seconds(2));
  take(backoff, 4);
  EXPECT_EQ(backoff.current(), seconds(5));
  backoff.reset();
  EXPECT_EQ(backoff.current(), seconds(1));
}

TEST(Backoff, StaysAtTheCapForever) {
  Backoff backoff(seconds(1), seconds(5), 10.0);
  for (int i = 0; i < 5000; ++i)
    backoff.next();
  EXPECT_EQ(backoff.next(), seconds(5));
}

TEST(Backoff, JitterIsReproducibleFromTheSeedAndStaysInRange) {
  Backoff a(seconds(1), seconds(30));
  Backoff b(seconds(1), seconds(30));
  Backoff c(seconds(1), seconds(30));
  a.enable_jitter(0.5, 42);
  b.enable_jitter(0.5, 42);
  c.enable_jitter(0.5, 43);
  const auto first = take(a, 20);
  EXPECT_EQ(first, take(b, 20));
  EXPECT_NE(first, take(c, 20));

  Backoff plain(seconds(1), seconds(30));
  const auto base = take(plain, 20);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_LE(first[i], base[i]) << i;
    EXPECT_GE(first[i], base[i] / 2) << i;
  }
}

}  // namespace
}  // namespace hems
