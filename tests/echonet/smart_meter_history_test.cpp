// E2/E4 with E5, EC with ED, EE with EF, and the SetC values the reader sends.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/echonet/frame.hpp"
#include "hems/echonet/smart_meter.hpp"
#include "hex_literal.hpp"

namespace hems::echonet::smart_meter {
namespace {

using ::testing::HasSubstr;
using testing::hex;

// The 194-byte shape of E2/E4: day, then 48 half-hour readings; later slots not yet reached.
Bytes history_day_edt(std::uint16_t day, std::size_t filled) {
  Bytes edt{static_cast<std::uint8_t>(day >> 8), static_cast<std::uint8_t>(day & 0xFF)};
  for (std::size_t slot = 0; slot < 48; ++slot) {
    const std::uint32_t value =
        slot < filled ? 65000U + static_cast<std::uint32_t>(slot) : 0xFFFFFFFEU;
    for (int shift = 24; shift >= 0; shift -= 8) {
      edt.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFF));
    }
  }
  return edt;
}

TEST(HistoryDay, DecodesTheFullShape) {
  const Bytes edt = history_day_edt(1, 30);
  ASSERT_EQ(edt.size(), 194U);
  auto history = decode_history_day(edt);
  ASSERT_TRUE(history) << history.error().message;
  EXPECT_EQ(history->day, 1);
  ASSERT_EQ(history->slots.size(), 48U);
  EXPECT_TRUE(history->slots[0].ok());
  EXPECT_EQ(history->slots[0].value, 65000U);
  EXPECT_EQ(history->slots[29].value, 65029U);
  EXPECT_EQ(history->slots[30].status, Status::no_data);
  EXPECT_EQ(history->slots[47].status, Status::no_data);
}

TEST(HistoryDay, InitialDayValueIsAccepted) {
  auto history = decode_history_day(history_day_edt(0x00FF, 0));
  ASSERT_TRUE(history) << history.error().message;
  EXPECT_EQ(history->day, HistoryDay::kNotSet);
}

TEST(HistoryDay, Errors) {
  auto day100 = decode_history_day(history_day_edt(100, 48));
  ASSERT_FALSE(day100);
  EXPECT_THAT(day100.error().message, HasSubstr("day 100"));

  Bytes edt = history_day_edt(0, 48);
  edt.pop_back();
  auto short_edt = decode_history_day(edt);
  ASSERT_FALSE(short_edt);
  EXPECT_THAT(short_edt.error().message,
              HasSubstr("EPC 0xE2/0xE4: EDT is 193 bytes, expected 194"));

  edt = history_day_edt(0, 48);
  edt[2 + 4 * 10] = 0x06;  // slot 10 becomes 0x06xxxxxx > 99,999,999
  EXPECT_FALSE(decode_history_day(edt));
}

TEST(HistoryDaySetting, DecodeAndBuild) {
  EXPECT_EQ(decode_history_day_setting(hex("00")).value(), std::optional<std::uint8_t>{0});
  EXPECT_EQ(decode_history_day_setting(hex("63")).value(), std::optional<std::uint8_t>{99});
  EXPECT_EQ(decode_history_day_setting(hex("FF")).value(), std::nullopt);
  auto bad = decode_history_day_setting(hex("64"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("EPC 0xE5: day 100"));
  EXPECT_FALSE(decode_history_day_setting(hex("0000")));

  auto property = make_history_day_setting(1);
  ASSERT_TRUE(property) << property.error().message;
  EXPECT_EQ(property->epc, epc::history_day);
  EXPECT_EQ(property->edt, hex("01"));
  EXPECT_FALSE(make_history_day_setting(100));
  // REFERENCE.md §15 step 3.
  EXPECT_EQ(encode(make_set_c(0x0007, kController, kSmartMeter, {*property})),
            hex("10 81 00 07 05 FF 01 02 88 01 61 01 E5 01 01"));
}

TEST(History2, PairsGoBackwardsFromTheTimestamp) {
  auto history = decode_history2(hex("07EA05140E1E 02 0000FE73 00000015 0000FE68 FFFFFFFE"));
  ASSERT_TRUE(history) << history.error().message;
  EXPECT_EQ(history->at.to_iso8601(), "2026-05-20T14:30:00");
  ASSERT_EQ(history->slots.size(), 2U);
  EXPECT_EQ(history->slots[0].normal.value, 65139U);
  EXPECT_EQ(history->slots[0].reverse.value, 21U);
  EXPECT_EQ(history->slots[1].normal.value, 65128U);
  EXPECT_EQ(history->slots[1].reverse.status, Status::no_data);
}

TEST(History2, Errors) {
  auto zero = decode_history2(hex("07EA05140E1E 00"));
  ASSERT_FALSE(zero);
  EXPECT_THAT(zero.error().message, HasSubstr("EPC 0xEC: slot count 0"));
  Bytes thirteen = hex("07EA05140E1E 0D");
  thirteen.resize(7 + 8 * 13, 0);
  EXPECT_FALSE(decode_history2(thirteen));
  auto short_edt = decode_history2(hex("07EA05140E1E 02 0000FE73 00000015"));
  ASSERT_FALSE(short_edt);
  EXPECT_THAT(short_edt.error().message, HasSubstr("EPC 0xEC: EDT is 15 bytes, expected 23"));
  auto quarter = decode_history2(hex("07EA05140E0F 01 0000FE73 00000015"));
  ASSERT_FALSE(quarter);
  EXPECT_THAT(quarter.error().message, HasSubstr("minute 15 must be 0 or 30"));
  EXPECT_FALSE(decode_history2(hex("07EA05")));
  // Largest legal size: 12 slots = 103 bytes.
  Bytes twelve = hex("07EA05140E00 0C");
  twelve.resize(103, 0);
  auto full = decode_history2(twelve);
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->slots.size(), 12U);
}

TEST(History2Setting, DecodeNotSetAndBuild) {
  auto setting = decode_history2_setting(hex("07EA05140E1E0C"));
  ASSERT_TRUE(setting) << setting.error().message;
  ASSERT_TRUE(setting->at.has_value());
  EXPECT_EQ(setting->at->to_iso8601(), "2026-05-20T14:30:00");
  EXPECT_EQ(setting->count, 12);

  auto not_set = decode_history2_setting(hex("FFFFFFFFFFFFFF"));
  ASSERT_TRUE(not_set) << not_set.error().message;
  EXPECT_FALSE(not_set->at.has_value());

  EXPECT_FALSE(decode_history2_setting(hex("07EA05140E1E0D")));  // 13 slots
  EXPECT_FALSE(decode_history2_setting(hex("07EA05140E1E")));    // 6 bytes

  auto property = make_history2_setting(DateTime{2026, 5, 20, 14, 30, 59}, 12);
  ASSERT_TRUE(property) << property.error().message;
  EXPECT_EQ(property->epc, epc::history2_setting);
  EXPECT_EQ(property->edt, hex("07EA05140E1E0C"));
  // REFERENCE.md §15 step 4.
  EXPECT_EQ(encode(make_set_c(0x0008, kController, kSmartMeter, {*property})),
            hex("10 81 00 08 05 FF 01 02 88 01 61 01 ED 07 07 EA 05 14 0E 1E 0C"));

  auto quarter = make_history2_setting(DateTime{2026, 5, 20, 14, 15, 0}, 1);
  ASSERT_FALSE(quarter);
  EXPECT_THAT(quarter.error().message, HasSubstr("EPC 0xED: minute 15"));
  EXPECT_FALSE(make_history2_setting(DateTime{2026, 5, 20, 14, 0, 0}, 0));
  EXPECT_FALSE(make_history2_setting(DateTime{2026, 5, 20, 14, 0, 0}, 13));
  EXPECT_FALSE(make_history2_setting(DateTime{2026, 13, 20, 14, 0, 0}, 1));
}

TEST(History3, OneMinuteStepsUpToTenSlots) {
  auto history = decode_history3(hex("07EA05140E2A 01 0000FE73 00000015"));
  ASSERT_TRUE(history) << history.error().message;
  EXPECT_EQ(history->at.minute, 42);
  ASSERT_EQ(history->slots.size(), 1U);
  EXPECT_EQ(history->slots[0].normal.value, 65139U);
  Bytes eleven = hex("07EA05140E2A 0B");
  eleven.resize(7 + 8 * 11, 0);
  auto too_many = decode_history3(eleven);
  ASSERT_FALSE(too_many);
  EXPECT_THAT(too_many.error().message, HasSubstr("EPC 0xEE: slot count 11"));

  auto setting = decode_history3_setting(hex("07EA05140E2A0A"));
  ASSERT_TRUE(setting) << setting.error().message;
  EXPECT_EQ(setting->count, 10);
  EXPECT_FALSE(decode_history3_setting(hex("07EA05140E2A0B")));

  auto property = make_history3_setting(DateTime{2026, 5, 20, 14, 42, 0}, 10);
  ASSERT_TRUE(property) << property.error().message;
  EXPECT_EQ(property->epc, epc::history3_setting);
  EXPECT_EQ(property->edt, hex("07EA05140E2A0A"));
  EXPECT_FALSE(make_history3_setting(DateTime{2026, 5, 20, 14, 42, 0}, 11));
}

}  // namespace
}  // namespace hems::echonet::smart_meter
