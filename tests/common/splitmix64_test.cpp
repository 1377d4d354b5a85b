#include "hems/common/splitmix64.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>

namespace hems {
namespace {

// Reference outputs of splitmix64, computed independently of this code: seed 0, and seed 1234567
// (the published test vector of the algorithm).
TEST(SplitMix64, MatchesTheReferenceSequenceFromSeedZero) {
  SplitMix64 rng(0);
  constexpr std::array<std::uint64_t, 5> kExpected{0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL,
                                                   0x06C45D188009454FULL, 0xF88BB8A8724C81ECULL,
                                                   0x1B39896A51A8749BULL};
  for (std::uint64_t expected : kExpected)
    EXPECT_EQ(rng.next(), expected);
}

TEST(SplitMix64, MatchesThePublishedTestVector) {
  SplitMix64 rng(1234567);
  constexpr std::array<std::uint64_t, 5> kExpected{6457827717110365317ULL, 3203168211198807973ULL,
                                                   9817491932198370423ULL, 4593380528125082431ULL,
                                                   16408922859458223821ULL};
  for (std::uint64_t expected : kExpected)
    EXPECT_EQ(rng.next(), expected);
}

TEST(SplitMix64, IsUsableAtCompileTime) {
  constexpr std::uint64_t first = [] {
    SplitMix64 rng;
    return rng.next();
  }();
  static_assert(first == 0xE220A8397B1DCDAFULL);
}

TEST(SplitMix64, UnitValuesAreTheTop53BitsInTheHalfOpenUnitInterval) {
  SplitMix64 rng(0);
  EXPECT_DOUBLE_EQ(rng.next_unit(), static_cast<double>(0xE220A8397B1DCDAFULL >> 11) * 0x1.0p-53);
  SplitMix64 many(7);
  for (int i = 0; i < 10000; ++i) {
    const double u = many.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(SplitMix64, WorksWithStandardDistributions) {
  SplitMix64 a(99);
  SplitMix64 b(99);
  std::uniform_int_distribution<int> dice(1, 6);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(dice(a), dice(b));
}

}  // namespace
}  // namespace hems
