#include "hems/wisun/pan_choice.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hems::wisun {
namespace {

constexpr const char* kRouteBId = "00112233445566778899AABBAABBCCDD";  // PairID AABBCCDD

PanDescriptorRecord beacon(std::uint8_t channel, std::uint8_t lqi, std::string pair_id) {
  PanDescriptorRecord b;
  b.channel = channel;
  b.channel_page = 9;
  b.pan_id = static_cast<std::uint16_t>(0x8800 + channel);
  b.address = "12345678ABCDEF" + std::string(channel < 0x30 ? "01" : "02");
  b.lqi = lqi;
  b.pair_id = std::move(pair_id);
  return b;
}

TEST(PanChoice, NothingHeardNothingChosen) {
  EXPECT_EQ(choose_pan({}, kRouteBId), std::nullopt);
}

TEST(PanChoice, TakesTheBeaconsFields) {
  const std::vector<PanDescriptorRecord> heard{beacon(0x21, 0xE1, "AABBCCDD")};
  const auto pan = choose_pan(heard, kRouteBId);
  ASSERT_TRUE(pan);
  EXPECT_EQ(pan->channel, 0x21);
  EXPECT_EQ(pan->pan_id, 0x8821);
  EXPECT_EQ(pan->mac, "12345678ABCDEF01");
  EXPECT_EQ(pan->lqi, 0xE1);
  EXPECT_EQ(pan->ipv6, "") << "SKLL64 gives the address later";
}

TEST(PanChoice, OurPairIdBeatsAStrongerNeighbour) {
  const std::vector<PanDescriptorRecord> heard{
      beacon(0x21, 0xF0, "11111111"), beacon(0x33, 0x40, "AABBCCDD"), beacon(0x22, 0xFF, "")};
  EXPECT_EQ(choose_pan(heard, kRouteBId)->channel, 0x33);
}

TEST(PanChoice, WithoutAMatchTheBestLqiWins) {
  const std::vector<PanDescriptorRecord> heard{
      beacon(0x21, 0x80, "11111111"), beacon(0x22, 0xC0, "22222222"), beacon(0x23, 0xA0, "")};
  EXPECT_EQ(choose_pan(heard, kRouteBId)->channel, 0x22);
}

TEST(PanChoice, AmongMatchesTheBestLqiWinsAndTheFirstHeardAmongEquals) {
  const std::vector<PanDescriptorRecord> matches{beacon(0x21, 0x80, "AABBCCDD"),
                                                 beacon(0x22, 0xC0, "AABBCCDD"),
                                                 beacon(0x23, 0xC0, "AABBCCDD")};
  EXPECT_EQ(choose_pan(matches, kRouteBId)->channel, 0x22);
}

TEST(PanChoice, AShortRouteBIdMatchesNothing) {
  // An empty PairID must not count as a match with an ID too short to have one.
  const std::vector<PanDescriptorRecord> heard{beacon(0x21, 0xC0, ""), beacon(0x22, 0x40, "")};
  EXPECT_EQ(choose_pan(heard, "ABC")->channel, 0x21);
  EXPECT_EQ(choose_pan(heard, "")->channel, 0x21);
}

}  // namespace
}  // namespace hems::wisun
