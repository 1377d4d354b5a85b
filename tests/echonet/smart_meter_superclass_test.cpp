// 80, 81, 82, 88, 8A, 8D, 97, 98.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/echonet/smart_meter.hpp"
#include "hex_literal.hpp"

namespace hems::echonet::smart_meter {
namespace {

using ::testing::HasSubstr;
using testing::hex;

TEST(OperationStatus, OnOffAndErrors) {
  EXPECT_EQ(decode_operation_status(hex("30")).value(), true);
  EXPECT_EQ(decode_operation_status(hex("31")).value(), false);
  auto bad = decode_operation_status(hex("32"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0x80"));
  EXPECT_FALSE(decode_operation_status(hex("3030")));
}

TEST(InstallationLocation, ShortAndFreeFormAndErrors) {
  auto code = decode_installation_location(hex("08"));
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->code, 0x08);
  EXPECT_TRUE(code->free_form.empty());
  auto free_form = decode_installation_location(hex("01 00112233445566778899AABBCCDDEEFF"));
  ASSERT_TRUE(free_form) << free_form.error().message;
  EXPECT_EQ(free_form->free_form, hex("00112233445566778899AABBCCDDEEFF"));
  EXPECT_FALSE(decode_installation_location(hex("02 00112233445566778899AABBCCDDEEFF")));
  auto wrong = decode_installation_location(hex("0102"));
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error().message, HasSubstr("EPC 0x81: EDT is 2 bytes, expected 1 or 17"));
}

TEST(StandardVersion, ReleaseLetter) {
  auto version = decode_standard_version(hex("00004600"));
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->release, 'F');
  EXPECT_EQ(version->revision, 0);
  EXPECT_EQ(decode_standard_version(hex("00005201"))->release, 'R');
  EXPECT_FALSE(decode_standard_version(hex("00006600")));  // lower-case 'f'
  EXPECT_FALSE(decode_standard_version(hex("01004600")));
  EXPECT_FALSE(decode_standard_version(hex("000046")));
}

TEST(FaultStatus, FaultAndNoFault) {
  EXPECT_EQ(decode_fault_status(hex("41")).value(), true);
  EXPECT_EQ(decode_fault_status(hex("42")).value(), false);
  auto bad = decode_fault_status(hex("40"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0x88"));
}

TEST(ManufacturerCode, ThreeBytesAsANumber) {
  EXPECT_EQ(decode_manufacturer_code(hex("000016")).value(), 0x16U);
  EXPECT_EQ(decode_manufacturer_code(hex("FFFFFF")).value(), 0xFFFFFFU);
  auto bad = decode_manufacturer_code(hex("0016"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0x8A: EDT is 2 bytes, expected 3"));
}

TEST(SerialNumber, PaddingIsTrimmed) {
  const std::string text = "F24G36650500";
  EXPECT_EQ(decode_serial_number(Bytes(text.begin(), text.end())).value(), "F24G36650500");
  EXPECT_EQ(decode_serial_number(hex("463234473336363530350000")).value(), "F24G366505");
  // Meters that send the 12 characters plus NUL padding are read, not rejected.
  EXPECT_EQ(decode_serial_number(hex("4632344733363635303530300000")).value(), "F24G36650500");
  auto oversized = decode_serial_number(Bytes(17, 0x41));
  ASSERT_FALSE(oversized);
  EXPECT_THAT(oversized.error().message, HasSubstr("EPC 0x8D: expected 1 to 16 bytes"));
  EXPECT_EQ(decode_serial_number(hex("202046323447333636353000")).value(), "F24G36650");
  EXPECT_EQ(decode_serial_number(Bytes(12, 0)).value(), "");
  auto control = decode_serial_number(hex("463234470133363635303500"));
  ASSERT_FALSE(control);
  EXPECT_THAT(control.error().message, HasSubstr("offset 4"));
}

TEST(CurrentTime, HourAndMinute) {
  auto time = decode_current_time(hex("0E2A"));
  ASSERT_TRUE(time) << time.error().message;
  EXPECT_EQ(time->hour, 14);
  EXPECT_EQ(time->minute, 42);
  auto bad = decode_current_time(hex("182A"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0x97: hour 24"));
  EXPECT_FALSE(decode_current_time(hex("0E3C")));
  EXPECT_FALSE(decode_current_time(hex("0E")));
}

TEST(CurrentDate, YearMonthDay) {
  auto date = decode_current_date(hex("07EA0514"));
  ASSERT_TRUE(date) << date.error().message;
  EXPECT_EQ(date->year, 2026);
  EXPECT_EQ(date->month, 5);
  EXPECT_EQ(date->day, 20);
  auto bad = decode_current_date(hex("07EA0D01"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0x98: month 13"));
  EXPECT_FALSE(decode_current_date(hex("07EA0431")));  // 31 April
  EXPECT_FALSE(decode_current_date(hex("07EA05")));
}

}  // namespace
}  // namespace hems::echonet::smart_meter
