// Installation location (0x81): the place code in one byte, and everything that is not a place.

#include "hems/echonet/installation_location.hpp"

#include <gtest/gtest.h>

namespace hems::echonet {
namespace {

std::optional<InstallationLocation> decode(Bytes edt) {
  return decode_installation_location(edt);
}

TEST(InstallationLocation, TheUpperFiveBitsAreThePlaceTheLowerThreeItsNumber) {
  EXPECT_EQ(decode({0x08}), (InstallationLocation{Place::living_room, 0}));
  EXPECT_EQ(decode({0x10}), (InstallationLocation{Place::dining_room, 0}));
  EXPECT_EQ(decode({0x1A}), (InstallationLocation{Place::kitchen, 2}));
  EXPECT_EQ(decode({0x28}), (InstallationLocation{Place::lavatory, 0}));
  EXPECT_EQ(decode({0x41}), (InstallationLocation{Place::room, 1}));
  EXPECT_EQ(decode({0x47}), (InstallationLocation{Place::room, 7}));
  EXPECT_EQ(decode({0x50}), (InstallationLocation{Place::front_door, 0}));
  EXPECT_EQ(decode({0x68}), (InstallationLocation{Place::garage, 0}));
  EXPECT_EQ(decode({0x70}), (InstallationLocation{Place::veranda, 0}));
  EXPECT_EQ(decode({0x7E}), (InstallationLocation{Place::other, 6}));
}

TEST(InstallationLocation, EveryKindFromOneToFifteenIsAPlace) {
  for (int kind = 1; kind <= 15; ++kind) {
    const auto location = decode({static_cast<std::uint8_t>(kind << 3)});
    ASSERT_TRUE(location) << kind;
    EXPECT_EQ(static_cast<int>(location->place), kind);
    EXPECT_EQ(location->number, 0);
  }
}

TEST(InstallationLocation, NotSetNotFixedAndSpecialCodesNameNoPlace) {
  EXPECT_EQ(decode({0x00}), std::nullopt);  // not set: what devices ship with
  EXPECT_EQ(decode({0xFF}), std::nullopt);  // not fixed: the device moves around
  for (std::uint8_t code = 0x01; code <= 0x07; ++code)
    EXPECT_EQ(decode({code}), std::nullopt) << int{code};
}

TEST(InstallationLocation, PositionInformationAndOtherLengthsNameNoPlace) {
  Bytes position(17, 0x20);
  position[0] = 0x01;  // position information: coordinates, not a place
  EXPECT_EQ(decode(position), std::nullopt);
  EXPECT_EQ(decode({}), std::nullopt);
  EXPECT_EQ(decode({0x08, 0x01}), std::nullopt);
}

}  // namespace
}  // namespace hems::echonet
