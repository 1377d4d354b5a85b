#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "hems/ha/meter_discovery.hpp"
#include "meter_fixture.hpp"

namespace hems::ha::test {
namespace {

bool only_id_chars(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

TEST(HardwareId, MakerCodeAndSerial) {
  EXPECT_EQ(hardware_id(toshiba_meter()), "000016_f24g36650500");
}

TEST(HardwareId, StableWhenOnlyTheConfigOrDongleChanges) {
  MeterDevice renamed = toshiba_meter();
  renamed.name = "another_name";
  renamed.firmware = "2.0.0";
  renamed.release = std::string("R");  // assigning "R" itself: a false -Wrestrict, GCC 12 -O3
  renamed.has_export = false;
  EXPECT_EQ(hardware_id(renamed), hardware_id(toshiba_meter()));
}

TEST(HardwareId, DiffersBetweenMeters) {
  MeterDevice other = toshiba_meter();
  other.serial_number = "F24G36650501";
  EXPECT_NE(hardware_id(other), hardware_id(toshiba_meter()));
  MeterDevice other_maker = toshiba_meter();
  other_maker.manufacturer_code = 0x000052;
  EXPECT_NE(hardware_id(other_maker), hardware_id(toshiba_meter()));
}

TEST(HardwareId, NulPaddingOfTheSerialIsIgnored) {
  MeterDevice padded = toshiba_meter();
  padded.serial_number = std::string("F24G36650500\0\0", 14);
  EXPECT_EQ(hardware_id(padded), "000016_f24g36650500");
}

TEST(HardwareId, FallsBackToTheNameWithoutSerialOrMaker) {
  MeterDevice no_serial = toshiba_meter();
  no_serial.serial_number.clear();
  EXPECT_EQ(hardware_id(no_serial), "smart_meter");
  MeterDevice no_maker = toshiba_meter();
  no_maker.manufacturer_code.reset();
  EXPECT_EQ(hardware_id(no_maker), "smart_meter");
  MeterDevice blank_serial = toshiba_meter();
  blank_serial.serial_number = std::string("\0\0 ", 3);
  EXPECT_EQ(hardware_id(blank_serial), "smart_meter");
}

TEST(HardwareId, OnlyLowerCaseLettersDigitsAndUnderscores) {
  const std::vector<std::string> names{
      "Smart Meter", "メーター1", "a--b__c", "-x-", "#/+", std::string("\0\xff", 2), ""};
  for (const auto& name : names) {
    MeterDevice meter;
    meter.name = name;
    const std::string id = hardware_id(meter);
    EXPECT_TRUE(only_id_chars(id)) << "'" << id << "' from '" << name << "'";
    EXPECT_NE(id.front(), '_') << id;
    EXPECT_NE(id.back(), '_') << id;
    EXPECT_EQ(id.find("__"), std::string::npos) << id;
  }
  MeterDevice spaced;
  spaced.name = "Smart Meter";
  EXPECT_EQ(hardware_id(spaced), "smart_meter");
  MeterDevice empty;
  empty.name = "#/+";
  EXPECT_EQ(hardware_id(empty), "meter");
  MeterDevice odd_serial = toshiba_meter();
  odd_serial.serial_number = "AB-12/cd";
  EXPECT_EQ(hardware_id(odd_serial), "000016_ab_12_cd");
}

}  // namespace
}  // namespace hems::ha::test
