// D3, E1, D7, EA/EB, D0 and the arithmetic on counter values.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/echonet/smart_meter.hpp"
#include "hex_literal.hpp"

namespace hems::echonet::smart_meter {
namespace {

using ::testing::HasSubstr;
using testing::hex;

TEST(Coefficient, RangeIsZeroToNineNinesSix) {
  EXPECT_EQ(decode_coefficient(hex("00000001")).value(), 1U);
  EXPECT_EQ(decode_coefficient(hex("000F423F")).value(), 999'999U);
  auto too_big = decode_coefficient(hex("000F4240"));
  ASSERT_FALSE(too_big);
  EXPECT_THAT(too_big.error().message, HasSubstr("EPC 0xD3"));
  EXPECT_THAT(too_big.error().message, HasSubstr("1000000"));
  auto wrong_size = decode_coefficient(hex("01"));
  ASSERT_FALSE(wrong_size);
  EXPECT_THAT(wrong_size.error().message, HasSubstr("1 bytes, expected 4"));
}

TEST(EnergyUnit, EveryDefinedCode) {
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("00")).value(), 1.0);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("01")).value(), 0.1);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("02")).value(), 0.01);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("03")).value(), 0.001);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("04")).value(), 0.0001);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("0A")).value(), 10.0);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("0B")).value(), 100.0);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("0C")).value(), 1000.0);
  EXPECT_DOUBLE_EQ(decode_energy_unit(hex("0D")).value(), 10000.0);
}

TEST(EnergyUnit, UnknownCodesAreErrors) {
  for (int code : {0x05, 0x09, 0x0E, 0xFF}) {
    auto unit = decode_energy_unit(Bytes{static_cast<std::uint8_t>(code)});
    ASSERT_FALSE(unit) << code;
    EXPECT_THAT(unit.error().message, HasSubstr("EPC 0xE1"));
  }
  EXPECT_FALSE(decode_energy_unit(hex("0101")));
}

TEST(EffectiveDigits, OneToEight) {
  EXPECT_EQ(decode_effective_digits(hex("06")).value(), 6);
  EXPECT_EQ(decode_effective_digits(hex("07")).value(), 7);
  EXPECT_EQ(decode_effective_digits(hex("01")).value(), 1);
  EXPECT_EQ(decode_effective_digits(hex("08")).value(), 8);
  auto zero = decode_effective_digits(hex("00"));
  ASSERT_FALSE(zero);
  EXPECT_THAT(zero.error().message, HasSubstr("EPC 0xD7"));
  EXPECT_FALSE(decode_effective_digits(hex("09")));
  EXPECT_FALSE(decode_effective_digits(Bytes{}));
}

TEST(FixedEnergy, ReferenceCapture) {
  auto fixed = decode_fixed_energy(hex("07EA05140E00000000FE68"));
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->at.to_iso8601(), "2026-05-20T14:00:00");
  EXPECT_TRUE(fixed->raw.ok());
  EXPECT_EQ(fixed->raw.value, 65128U);
  EXPECT_NEAR(to_kwh(fixed->raw.value, 1, 0.1), 6512.8, 1e-9);
}

TEST(FixedEnergy, HalfHourCapture) {
  auto fixed = decode_fixed_energy(hex("07E60801141E0000012D02"));
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->at, (DateTime{2022, 8, 1, 20, 30, 0}));
  EXPECT_EQ(fixed->raw.value, 77058U);
}

TEST(FixedEnergy, NoDataAndRangeErrors) {
  auto no_data = decode_fixed_energy(hex("07EA05140E0000FFFFFFFE"));
  ASSERT_TRUE(no_data) << no_data.error().message;
  EXPECT_EQ(no_data->raw.status, Status::no_data);

  auto month13 = decode_fixed_energy(hex("07EA0D140E00000000FE68"));
  ASSERT_FALSE(month13);
  EXPECT_THAT(month13.error().message, HasSubstr("EPC 0xEA/0xEB: month 13"));
  EXPECT_FALSE(decode_fixed_energy(hex("07EA021E0E00000000FE68")));  // 30 February
  EXPECT_TRUE(decode_fixed_energy(hex("07E8021D0E00000000FE68")));   // 29 February 2024
  EXPECT_FALSE(decode_fixed_energy(hex("07E9021D0E00000000FE68")));  // 29 February 2025
  EXPECT_FALSE(decode_fixed_energy(hex("07EA0514180000000FE68F")));  // hour 24
  EXPECT_FALSE(decode_fixed_energy(hex("07EA05140E3C000000FE68")));  // minute 60
  EXPECT_FALSE(decode_fixed_energy(hex("07EA05140E003C0000FE68")));  // second 60
  EXPECT_FALSE(decode_fixed_energy(hex("07EA05140E000005F5E100")));  // counter > 8 digits

  auto short_edt = decode_fixed_energy(hex("07EA05140E000000FE68"));
  ASSERT_FALSE(short_edt);
  EXPECT_THAT(short_edt.error().message, HasSubstr("10 bytes, expected 11"));
}

TEST(MinuteEnergy, BothDirections) {
  auto minute = decode_minute_energy(hex("07EA05140E2A00 0000FE73 00000015"));
  ASSERT_TRUE(minute) << minute.error().message;
  EXPECT_EQ(minute->at.to_iso8601(), "2026-05-20T14:42:00");
  EXPECT_EQ(minute->normal.value, 65139U);
  EXPECT_EQ(minute->reverse.value, 21U);
  auto reverse_missing = decode_minute_energy(hex("07EA05140E2A00 0000FE73 FFFFFFFE"));
  ASSERT_TRUE(reverse_missing);
  EXPECT_EQ(reverse_missing->reverse.status, Status::no_data);
  auto wrong = decode_minute_energy(hex("07EA05140E2A00 0000FE73"));
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error().message, HasSubstr("EPC 0xD0: EDT is 11 bytes, expected 15"));
}

TEST(DateTime, Iso8601PadsEveryField) {
  EXPECT_EQ((DateTime{2023, 12, 19, 0, 30, 0}.to_iso8601()), "2023-12-19T00:30:00");
  EXPECT_EQ((DateTime{999, 1, 2, 3, 4, 5}.to_iso8601()), "0999-01-02T03:04:05");
}

TEST(ToKwh, RawTimesCoefficientTimesUnit) {
  EXPECT_NEAR(to_kwh(65139, 1, 0.1), 6513.9, 1e-9);
  EXPECT_NEAR(to_kwh(76999, 1, 0.01), 769.99, 1e-9);
  EXPECT_NEAR(to_kwh(123, 10, 1.0), 1230.0, 1e-9);
  EXPECT_NEAR(to_kwh(99'999'999, 999'999, 10000.0), 99'999'999.0 * 999'999.0 * 10000.0, 1e9);
  EXPECT_EQ(to_kwh(0, 1, 0.1), 0.0);
}

TEST(CounterDelta, PlainIncreases) {
  EXPECT_EQ(counter_delta(100, 250, 6), 150U);
  EXPECT_EQ(counter_delta(65128, 65139, 6), 11U);
  EXPECT_EQ(counter_delta(5, 5, 6), 0U);
}

TEST(CounterDelta, WrapsAtTenToTheDigits) {
  EXPECT_EQ(counter_delta(999'990, 10, 6), 20U);
  EXPECT_EQ(counter_delta(9'999'999, 5, 7), 6U);
  EXPECT_EQ(counter_delta(99'999'999, 0, 8), 1U);
  EXPECT_EQ(counter_delta(9, 0, 1), 1U);
  // A reading below the previous one is one whole wrap, never a negative number.
  EXPECT_EQ(counter_delta(500'000, 499'999, 6), 999'999U);
}

TEST(CounterDelta, DigitsAreClampedAndReadingsReduced) {
  EXPECT_EQ(counter_delta(9, 1, 0), 2U);                  // treated as 1 digit
  EXPECT_EQ(counter_delta(99'999'999, 0, 12), 1U);        // treated as 8 digits
  EXPECT_EQ(counter_delta(1'000'005, 1'000'007, 6), 2U);  // reduced modulo 10^6
}

}  // namespace
}  // namespace hems::echonet::smart_meter
