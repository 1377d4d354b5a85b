// Every ECHONET Lite frame quoted in the protocol notes (REFERENCE.md §16, TRANSCRIPTS.md A.1,
// A.3, A.11), decoded end to end, re-encoded byte for byte, and cut short at every length.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hems/echonet/frame.hpp"
#include "hems/echonet/smart_meter.hpp"
#include "hex_literal.hpp"

namespace hems::echonet {
namespace {

using testing::hex;
namespace sm = smart_meter;

const std::vector<std::string> kCapturedFrames{
    // REFERENCE.md §16
    "10810001 05FF01 028801 62 01 E700",
    "1081000102880105FF017201E70400000278",
    "10810002 05FF01 028801 62 04 E000 E100 D300 D700",
    "1081000202880105FF017204E0040000FE73E10101D30400000001D70106",
    "1081000202880105FF015204E0040000FE73E10101D300D70106",
    "1081000302880105FF017201EA0B07EA05140E00000000FE68",
    "1081000102880105FF017302EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015",
    "108100000EF0010EF0017301D50401028801",
    "1081000102880105FF0152018300",
    "1081000505FF010288017A01EA00",
    "1081100202880105FF017202E7040000029CE80400280028",
    // TRANSCRIPTS.md A.1
    "1081000102880105FF015201D300",
    "108103610EF0010EF0017301D50401028801",
    "1081000102880105FF017201E10102",
    "1081000102880105FF017201D70107",
    "1081000102880105FF017201EA0B07E6080114000000012CC7",
    "1081000102880105FF017201E704000004A8",
    "1081000102880105FF017201E80400620022",
    "1081036202880105FF017301EA0B07E60801141E0000012D02",
    // TRANSCRIPTS.md A.3 and A.11
    "108101000EF0010EF0017301D5040105FF01",
    "1081232802880105FF017201D30400000001",
    "1081A00102880105FF017302EA0B07E606150F1E0000016CA7EB0B07E606150F1E0000000005",
    // TRANSCRIPTS.md A.12, written as hex
    "1081002302880105FF015206800130E0040000123CE304000020DDE70400000001E804000AFFECD30400000001",
};

TEST(CapturedFrames, DecodeAndReencodeByteForByte) {
  for (const std::string& text : kCapturedFrames) {
    const Bytes bytes = hex(text);
    auto frame = decode(bytes);
    ASSERT_TRUE(frame) << text << ": " << frame.error().message;
    EXPECT_EQ(encode(*frame), bytes) << text;
  }
}

TEST(CapturedFrames, EveryTruncationIsAnError) {
  for (const std::string& text : kCapturedFrames) {
    const Bytes bytes = hex(text);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      auto frame = decode(ByteView(bytes).first(length));
      EXPECT_FALSE(frame) << text << " cut to " << length << " bytes";
    }
  }
}

TEST(CapturedFrames, EveryExtensionIsAnError) {
  for (const std::string& text : kCapturedFrames) {
    Bytes bytes = hex(text);
    bytes.push_back(0x00);
    EXPECT_FALSE(decode(bytes)) << text;
  }
}

TEST(CapturedFrames, CorruptedCountsNeverCrash) {
  // Any value in the OPC byte or the first PDC byte must decode or fail cleanly.
  for (const std::string& text : kCapturedFrames) {
    const Bytes original = hex(text);
    for (std::size_t position : {std::size_t{11}, std::size_t{13}}) {
      for (unsigned value = 0; value <= 0xFF; ++value) {
        Bytes bytes = original;
        bytes[position] = static_cast<std::uint8_t>(value);
        auto frame = decode(bytes);
        if (frame) {
          EXPECT_EQ(encode(*frame), bytes);
        }
      }
    }
  }
}

Bytes edt_of(const std::string& text, std::uint8_t epc) {
  auto frame = decode(hex(text));
  if (!frame || frame->find(epc) == nullptr)
    return {};
  return frame->find(epc)->edt;
}

TEST(M5StickLog, CoefficientAnsweredWithSna) {
  auto frame = decode(hex("1081000102880105FF015201D300"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(esv_name(frame->esv), "Get_SNA");
  ASSERT_NE(frame->find(sm::epc::coefficient), nullptr);
  EXPECT_TRUE(frame->find(sm::epc::coefficient)->edt.empty());
  // An SNA with PDC 0 has no EDT to decode: the caller falls back to coefficient 1.
  EXPECT_FALSE(sm::decode_coefficient(frame->find(sm::epc::coefficient)->edt));
}

TEST(M5StickLog, UnitDigitsPowerCurrentsAndFixedEnergy) {
  auto unit = sm::decode_energy_unit(edt_of("1081000102880105FF017201E10102", 0xE1));
  ASSERT_TRUE(unit) << unit.error().message;
  EXPECT_DOUBLE_EQ(*unit, 0.01);
  EXPECT_EQ(sm::decode_effective_digits(edt_of("1081000102880105FF017201D70107", 0xD7)).value(), 7);
  EXPECT_EQ(
      sm::decode_instant_power(edt_of("1081000102880105FF017201E704000004A8", 0xE7)).value().value,
      1192);
  auto currents = sm::decode_instant_currents(edt_of("1081000102880105FF017201E80400620022", 0xE8));
  ASSERT_TRUE(currents) << currents.error().message;
  EXPECT_DOUBLE_EQ(currents->r.value, 9.8);
  EXPECT_DOUBLE_EQ(currents->t.value, 3.4);

  auto fixed =
      sm::decode_fixed_energy(edt_of("1081000102880105FF017201EA0B07E6080114000000012CC7", 0xEA));
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->at.to_iso8601(), "2022-08-01T20:00:00");
  EXPECT_EQ(fixed->raw.value, 76999U);
  EXPECT_NEAR(sm::to_kwh(fixed->raw.value, 1, *unit), 769.99, 1e-9);
}

TEST(M5StickLog, UnsolicitedHalfHourInf) {
  auto frame = decode(hex("1081036202880105FF017301EA0B07E60801141E0000012D02"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->tid, 0x0362);
  EXPECT_EQ(frame->esv, esv::inf);
  auto fixed = sm::decode_fixed_energy(frame->find(sm::epc::fixed_normal)->edt);
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->at.to_iso8601(), "2022-08-01T20:30:00");
  EXPECT_EQ(fixed->raw.value, 77058U);
}

TEST(InfFrames, NormalAndReverseFixedEnergy) {
  struct Case {
    std::string frame;
    std::string at;
    std::uint32_t normal;
    std::uint32_t reverse;
  };
  const std::vector<Case> cases{
      {"1081000102880105FF017302EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015",
       "2023-12-19T00:30:00", 17806, 21},
      {"1081A00102880105FF017302EA0B07E606150F1E0000016CA7EB0B07E606150F1E0000000005",
       "2022-06-21T15:30:00", 0x16CA7, 5},
  };
  for (const Case& c : cases) {
    auto frame = decode(hex(c.frame));
    ASSERT_TRUE(frame) << frame.error().message;
    EXPECT_EQ(frame->esv, esv::inf);
    auto normal = sm::decode_fixed_energy(frame->find(sm::epc::fixed_normal)->edt);
    auto reverse = sm::decode_fixed_energy(frame->find(sm::epc::fixed_reverse)->edt);
    ASSERT_TRUE(normal && reverse);
    EXPECT_EQ(normal->at.to_iso8601(), c.at);
    EXPECT_EQ(reverse->at, normal->at);
    EXPECT_EQ(normal->raw.value, c.normal);
    EXPECT_EQ(reverse->raw.value, c.reverse);
  }
}

TEST(ReferenceExamples, EnergyWithUnitAndCoefficient) {
  auto frame = decode(hex("1081000202880105FF017204E0040000FE73E10101D30400000001D70106"));
  ASSERT_TRUE(frame) << frame.error().message;
  auto raw = sm::decode_cumulative(frame->find(sm::epc::cumulative_normal)->edt);
  auto unit = sm::decode_energy_unit(frame->find(sm::epc::unit)->edt);
  auto coefficient = sm::decode_coefficient(frame->find(sm::epc::coefficient)->edt);
  auto digits = sm::decode_effective_digits(frame->find(sm::epc::effective_digits)->edt);
  ASSERT_TRUE(raw && unit && coefficient && digits);
  EXPECT_EQ(raw->value, 65139U);
  EXPECT_EQ(*digits, 6);
  EXPECT_NEAR(sm::to_kwh(raw->value, *coefficient, *unit), 6513.9, 1e-9);
}

TEST(LanMeterSna, ValuesThatCameBackDecode) {
  auto frame = decode(hex(kCapturedFrames.back()));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_TRUE(is_failure_esv(frame->esv));
  EXPECT_EQ(sm::decode_operation_status(frame->find(sm::epc::operation_status)->edt).value(), true);
  EXPECT_EQ(sm::decode_cumulative(frame->find(sm::epc::cumulative_normal)->edt)->value, 0x123CU);
  EXPECT_EQ(sm::decode_cumulative(frame->find(sm::epc::cumulative_reverse)->edt)->value, 0x20DDU);
  EXPECT_EQ(sm::decode_instant_power(frame->find(sm::epc::instant_power)->edt)->value, 1);
  auto currents = sm::decode_instant_currents(frame->find(sm::epc::instant_currents)->edt);
  ASSERT_TRUE(currents) << currents.error().message;
  EXPECT_DOUBLE_EQ(currents->r.value, 1.0);
  EXPECT_DOUBLE_EQ(currents->t.value, -2.0);
  EXPECT_EQ(sm::decode_coefficient(frame->find(sm::epc::coefficient)->edt).value(), 1U);
  EXPECT_EQ(frame->find(sm::epc::unit), nullptr);  // the issue: E1 never came back
}

TEST(ReferenceExamples, TwoPropertyGetRes) {
  auto frame = decode(hex("1081100202880105FF017202E7040000029CE80400280028"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(sm::decode_instant_power(frame->find(sm::epc::instant_power)->edt)->value, 668);
  auto currents = sm::decode_instant_currents(frame->find(sm::epc::instant_currents)->edt);
  ASSERT_TRUE(currents) << currents.error().message;
  EXPECT_DOUBLE_EQ(currents->r.value, 4.0);
  EXPECT_DOUBLE_EQ(currents->t.value, 4.0);
}

}  // namespace
}  // namespace hems::echonet
