// E7, E8 and the cumulative registers with their sentinels.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/echonet/smart_meter.hpp"
#include "hex_literal.hpp"

namespace hems::echonet::smart_meter {
namespace {

using ::testing::HasSubstr;
using testing::hex;

TEST(InstantPower, RealReadings) {
  auto watts = decode_instant_power(hex("00000278"));
  ASSERT_TRUE(watts) << watts.error().message;
  EXPECT_TRUE(watts->ok());
  EXPECT_EQ(watts->value, 632);
  EXPECT_EQ(decode_instant_power(hex("000004A8"))->value, 1192);
  EXPECT_EQ(decode_instant_power(hex("0000029C"))->value, 668);
}

TEST(InstantPower, NegativeMeansReverseFlow) {
  auto watts = decode_instant_power(hex("FFFFFB9A"));
  ASSERT_TRUE(watts) << watts.error().message;
  EXPECT_EQ(watts->status, Status::ok);
  EXPECT_EQ(watts->value, -1126);
  EXPECT_EQ(decode_instant_power(hex("80000001"))->value, -2147483647);
  EXPECT_EQ(decode_instant_power(hex("7FFFFFFD"))->value, 2147483645);
}

TEST(InstantPower, SentinelsAreStatusesNotErrors) {
  EXPECT_EQ(decode_instant_power(hex("7FFFFFFE"))->status, Status::no_data);
  EXPECT_EQ(decode_instant_power(hex("7FFFFFFF"))->status, Status::overflow);
  EXPECT_EQ(decode_instant_power(hex("80000000"))->status, Status::underflow);
  EXPECT_FALSE(decode_instant_power(hex("80000000"))->ok());
}

TEST(InstantPower, WrongSizeNamesEpcAndSizes) {
  auto watts = decode_instant_power(hex("000278"));
  ASSERT_FALSE(watts);
  EXPECT_THAT(watts.error().message, HasSubstr("EPC 0xE7"));
  EXPECT_THAT(watts.error().message, HasSubstr("3 bytes, expected 4"));
  EXPECT_FALSE(decode_instant_power(hex("0000027800")));
  EXPECT_FALSE(decode_instant_power(Bytes{}));
}

TEST(InstantCurrents, RealReadingsInTenthsOfAnAmpere) {
  auto currents = decode_instant_currents(hex("00620022"));
  ASSERT_TRUE(currents) << currents.error().message;
  EXPECT_DOUBLE_EQ(currents->r.value, 9.8);
  EXPECT_DOUBLE_EQ(currents->t.value, 3.4);
  EXPECT_TRUE(currents->r.ok());
  EXPECT_TRUE(currents->t.ok());
  EXPECT_DOUBLE_EQ(decode_instant_currents(hex("00280028"))->r.value, 4.0);
  EXPECT_DOUBLE_EQ(decode_instant_currents(hex("001E0032"))->t.value, 5.0);
}

TEST(InstantCurrents, SignedPhaseFromLanMeter) {
  auto currents = decode_instant_currents(hex("000AFFEC"));
  ASSERT_TRUE(currents) << currents.error().message;
  EXPECT_DOUBLE_EQ(currents->r.value, 1.0);
  EXPECT_DOUBLE_EQ(currents->t.value, -2.0);
  EXPECT_DOUBLE_EQ(decode_instant_currents(hex("80017FFD"))->r.value, -3276.7);
  EXPECT_DOUBLE_EQ(decode_instant_currents(hex("80017FFD"))->t.value, 3276.5);
}

TEST(InstantCurrents, SentinelsPerPhase) {
  auto single_phase = decode_instant_currents(hex("001E7FFE"));
  ASSERT_TRUE(single_phase) << single_phase.error().message;
  EXPECT_TRUE(single_phase->r.ok());
  EXPECT_EQ(single_phase->t.status, Status::no_data);
  auto extremes = decode_instant_currents(hex("7FFF8000"));
  ASSERT_TRUE(extremes) << extremes.error().message;
  EXPECT_EQ(extremes->r.status, Status::overflow);
  EXPECT_EQ(extremes->t.status, Status::underflow);
}

TEST(InstantCurrents, WrongSize) {
  auto currents = decode_instant_currents(hex("0062"));
  ASSERT_FALSE(currents);
  EXPECT_THAT(currents.error().message, HasSubstr("EPC 0xE8"));
  EXPECT_THAT(currents.error().message, HasSubstr("2 bytes, expected 4"));
}

TEST(StatusNames, AreStable) {
  EXPECT_EQ(to_string(Status::ok), "ok");
  EXPECT_EQ(to_string(Status::no_data), "no_data");
  EXPECT_EQ(to_string(Status::overflow), "overflow");
  EXPECT_EQ(to_string(Status::underflow), "underflow");
}

TEST(Cumulative, RealCounterAndLimits) {
  auto raw = decode_cumulative(hex("0000FE73"));
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_TRUE(raw->ok());
  EXPECT_EQ(raw->value, 65139U);
  EXPECT_EQ(decode_cumulative(hex("0000123C"))->value, 0x123CU);
  EXPECT_EQ(decode_cumulative(hex("05F5E0FF"))->value, 99'999'999U);
  EXPECT_EQ(decode_cumulative(hex("00000000"))->value, 0U);
}

TEST(Cumulative, NoDataSentinel) {
  auto raw = decode_cumulative(hex("FFFFFFFE"));
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(raw->status, Status::no_data);
}

TEST(Cumulative, AboveEightDigitsIsAnError) {
  auto raw = decode_cumulative(hex("05F5E100"));
  ASSERT_FALSE(raw);
  EXPECT_THAT(raw.error().message, HasSubstr("100000000"));
  EXPECT_FALSE(decode_cumulative(hex("FFFFFFFF")));
  auto short_edt = decode_cumulative(hex("00FE73"));
  ASSERT_FALSE(short_edt);
  EXPECT_THAT(short_edt.error().message, HasSubstr("EPC 0xE0/0xE3: EDT is 3 bytes, expected 4"));
}

}  // namespace
}  // namespace hems::echonet::smart_meter
