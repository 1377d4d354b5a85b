#include "hems/ha/manufacturer.hpp"

#include <gtest/gtest.h>

namespace hems::ha {
namespace {

TEST(ManufacturerName, MeterAndDongleMakers) {
  EXPECT_EQ(manufacturer_name(0x000016), "Toshiba");
  EXPECT_EQ(manufacturer_name(0x000006), "Mitsubishi Electric");
  EXPECT_EQ(manufacturer_name(0x00000B), "Panasonic");
  EXPECT_EQ(manufacturer_name(0x000001), "Hitachi");
  EXPECT_EQ(manufacturer_name(0x000052), "Osaki Electric");
  EXPECT_EQ(manufacturer_name(0x0000EE), "Tessera Technology");
}

TEST(ManufacturerName, UnknownCodesStayVisible) {
  EXPECT_EQ(manufacturer_name(0x0000AB), "ECHONET maker 0x0000AB");
  EXPECT_EQ(manufacturer_name(0x000000), "ECHONET maker 0x000000");
  EXPECT_EQ(manufacturer_name(0xFFFFFF), "ECHONET maker 0xFFFFFF");
  EXPECT_EQ(manufacturer_name(0x12345678), "ECHONET maker 0x12345678");
}

}  // namespace
}  // namespace hems::ha
