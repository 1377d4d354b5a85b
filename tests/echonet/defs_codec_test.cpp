#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/echonet/definitions.hpp"
#include "hex_literal.hpp"

namespace hems::echonet::defs {
namespace {

using ::testing::HasSubstr;
using testing::hex;
using json = nlohmann::json;

const PropertyDef& property(std::uint16_t class_code, std::uint8_t epc) {
  const PropertyDef* p = find_property(class_code, epc);
  if (p == nullptr)
    throw std::invalid_argument("no such property in the tables");
  return *p;
}

json decoded(std::uint16_t class_code, std::uint8_t epc, std::string_view edt_hex) {
  auto value = decode_value(class_code, property(class_code, epc), hex(edt_hex));
  if (!value)
    return json("error: " + value.error().message);
  return *value;
}

std::string decode_error(std::uint16_t class_code, std::uint8_t epc, std::string_view edt_hex) {
  auto value = decode_value(class_code, property(class_code, epc), hex(edt_hex));
  return value ? "decoded to " + value->dump() : value.error().message;
}

std::string encoded(std::uint16_t class_code, std::uint8_t epc, const json& value) {
  auto bytes = encode_value(class_code, property(class_code, epc), value);
  return bytes ? to_hex(*bytes) : "error: " + bytes.error().message;
}

TEST(DefsDecode, OnOffIsBoolean) {
  EXPECT_EQ(decoded(0x0130, 0x80, "30"), json(true));
  EXPECT_EQ(decoded(0x0130, 0x80, "31"), json(false));
  EXPECT_THAT(decode_error(0x0130, 0x80, "32"), HasSubstr("0x32 is not a defined code"));
  EXPECT_EQ(encoded(0x0130, 0x80, true), "30");
  EXPECT_EQ(encoded(0x0130, 0x80, false), "31");
  EXPECT_THAT(encoded(0x0130, 0x80, "on"), HasSubstr("expected true, false"));
  // 0x41 / 0x42 yes-no codes are booleans as well (water heater "heating").
  EXPECT_EQ(decoded(0x026B, 0xB2, "41"), json(true));
  EXPECT_EQ(decoded(0x026B, 0xB2, "42"), json(false));
}

TEST(DefsDecode, EnumerationsByName) {
  EXPECT_EQ(decoded(0x0130, 0xB0, "42"), json("cooling"));
  EXPECT_EQ(decoded(0x0130, 0xB0, "45"), json("circulation"));
  EXPECT_EQ(encoded(0x0130, 0xB0, "heating"), "43");
  EXPECT_THAT(encoded(0x0130, 0xB0, "turbo"),
              HasSubstr("operation_mode (0xB0): \"turbo\" is not a settable value"));
  EXPECT_THAT(encoded(0x0130, 0xB0, "turbo"), HasSubstr("auto, cooling, heating"));
  EXPECT_EQ(decoded(0x027D, 0xDA, "49"), json("capacity_recalculation"));
  EXPECT_EQ(decoded(0x026B, 0xB0, "43"), json("manual_no_heating"));
}

TEST(DefsDecode, TargetTemperatureWithItsUndefinedSentinel) {
  EXPECT_EQ(decoded(0x0130, 0xB3, "1A"), json(26));
  EXPECT_EQ(decoded(0x0130, 0xB3, "FD"), json(nullptr));
  EXPECT_THAT(decode_error(0x0130, 0xB3, "33"), HasSubstr("0x33 is outside 0..50 Celsius"));
  EXPECT_THAT(decode_error(0x0130, 0xB3, "1A1A"), HasSubstr("target_temperature (0xB3)"));
  EXPECT_THAT(decode_error(0x0130, 0xB3, ""), HasSubstr("target_temperature"));
  EXPECT_EQ(encoded(0x0130, 0xB3, 26), "1A");
  EXPECT_EQ(encoded(0x0130, 0xB3, 26.0), "1A");
  EXPECT_THAT(encoded(0x0130, 0xB3, 51), HasSubstr("51 is outside 0..50 Celsius"));
  EXPECT_THAT(encoded(0x0130, 0xB3, -1), HasSubstr("outside 0..50"));
  EXPECT_THAT(encoded(0x0130, 0xB3, 25.5), HasSubstr("not a multiple of 1"));
  EXPECT_THAT(encoded(0x0130, 0xB3, "26"), HasSubstr("is not a number"));
  // "undefined" is what a device reports; it cannot be set.
  EXPECT_THAT(encoded(0x0130, 0xB3, nullptr), HasSubstr("target_temperature"));
}

TEST(DefsDecode, RoomTemperatureIsSignedWithSentinels) {
  EXPECT_EQ(decoded(0x0130, 0xBB, "18"), json(24));
  EXPECT_EQ(decoded(0x0130, 0xBB, "FB"), json(-5));
  EXPECT_EQ(decoded(0x0130, 0xBB, "81"), json(-127));
  EXPECT_EQ(decoded(0x0130, 0xBB, "7D"), json(125));
  EXPECT_EQ(decoded(0x0130, 0xBB, "7E"), json(nullptr));  // unmeasurable
  EXPECT_EQ(decoded(0x0130, 0xBB, "7F"), json(nullptr));  // overflow
  EXPECT_EQ(decoded(0x0130, 0xBB, "80"), json(nullptr));  // underflow
  EXPECT_EQ(encoded(0x0130, 0xBB, -5), "FB");
  EXPECT_THAT(encoded(0x0130, 0xBB, 126), HasSubstr("outside -127..125"));
}

TEST(DefsDecode, LevelsAndTheirAutoAlternative) {
  EXPECT_EQ(decoded(0x0130, 0xA0, "31"), json(1));
  EXPECT_EQ(decoded(0x0130, 0xA0, "38"), json(8));
  EXPECT_EQ(decoded(0x0130, 0xA0, "41"), json("auto"));
  EXPECT_THAT(decode_error(0x0130, 0xA0, "39"), HasSubstr("air_flow_level"));
  EXPECT_EQ(encoded(0x0130, 0xA0, 3), "33");
  EXPECT_EQ(encoded(0x0130, 0xA0, 3.0), "33");
  EXPECT_THAT(encoded(0x0130, 0xA0, 2.5), HasSubstr("2.5 is not a level"));
  EXPECT_EQ(encoded(0x0130, 0xA0, "auto"), "41");
  EXPECT_THAT(encoded(0x0130, 0xA0, 9), HasSubstr("9 is outside 1..8"));
  // Floor heater: a temperature or "auto".
  EXPECT_EQ(decoded(0x027B, 0xE0, "41"), json("auto"));
  EXPECT_EQ(decoded(0x027B, 0xE0, "14"), json(20));
  EXPECT_EQ(decoded(0x027B, 0xE3, "7E"), json(nullptr));
  EXPECT_EQ(decoded(0x027B, 0xE1, "3F"), json(15));
}

TEST(DefsDecode, OverlappingLevelAlternativesAreTagged) {
  // Cold or hot water heat source 0xE2: two level scales and "auto"; the second scale is tagged.
  EXPECT_EQ(decoded(0x027A, 0xE2, "23"), json(3));
  EXPECT_EQ(decoded(0x027A, 0xE2, "33"), (json{{"alternative", 1}, {"value", 3}}));
  EXPECT_EQ(decoded(0x027A, 0xE2, "41"), json("auto"));
  EXPECT_EQ(encoded(0x027A, 0xE2, 3), "23");
  EXPECT_EQ(encoded(0x027A, 0xE2, (json{{"alternative", 1}, {"value", 3}})), "33");
  EXPECT_THAT(encoded(0x027A, 0xE2, (json{{"alternative", 7}, {"value", 3}})),
              HasSubstr("\"alternative\" must be 0..2"));
}

TEST(DefsDecode, StorageBatteryAndSolar) {
  EXPECT_EQ(decoded(0x027D, 0xE4, "55"), json(85));
  EXPECT_THAT(decode_error(0x027D, 0xE4, "65"), HasSubstr("outside 0..100 %"));
  EXPECT_EQ(decoded(0x027D, 0xD3, "FFFFFC18"), json(-1000));  // discharging 1 kW
  // 0xE0 is either a positive uint32 or a negative int32.
  EXPECT_EQ(decoded(0x027D, 0xE0, "000003E8"), json(1000));
  EXPECT_EQ(decoded(0x027D, 0xE0, "FFFFFC18"), json(-1000));
  EXPECT_EQ(encoded(0x027D, 0xE0, -1000), "FFFFFC18");

  EXPECT_EQ(decoded(0x0279, 0xE0, "0BB8"), json(3000));
  EXPECT_EQ(decoded(0x0279, 0xE0, "FFFF"), json(nullptr));  // overflow code
  json energy = decoded(0x0279, 0xE1, "0012D687");          // 1234567 × 0.001 kWh
  ASSERT_TRUE(energy.is_number_float()) << energy;
  EXPECT_DOUBLE_EQ(energy.get<double>(), 1234.567);
  EXPECT_EQ(energy.dump(), "1234.567");
  EXPECT_EQ(encoded(0x0279, 0xE1, 1234.567), "0012D687");
  EXPECT_THAT(encoded(0x0279, 0xE1, 1234.5675), HasSubstr("not a multiple of 0.001"));
  EXPECT_THAT(decode_error(0x0279, 0xE1, "3B9ACA00"), HasSubstr("outside 0.000..999999.999 kWh"));
}

TEST(DefsDecode, EvChargerDischargerAndLighting) {
  EXPECT_EQ(decoded(0x027E, 0xDA, "46"), json("charging_discharging"));
  EXPECT_EQ(decoded(0x027E, 0xE4, "32"), json(50));
  EXPECT_EQ(decoded(0x027E, 0xC2, "00002710"), json(10000));
  EXPECT_EQ(decoded(0x0290, 0xB0, "64"), json(100));
  EXPECT_EQ(encoded(0x0290, 0xB0, 40), "28");
  EXPECT_THAT(encoded(0x0290, 0xB0, 101), HasSubstr("light_level (0xB0): 101 is outside 0..100 %"));
  EXPECT_EQ(decoded(0x0290, 0xB6, "43"), json("night"));
}

TEST(DefsDecode, WaterHeater) {
  EXPECT_EQ(decoded(0x026B, 0xB3, "3C"), json(60));
  EXPECT_EQ(decoded(0x026B, 0xB3, "FD"), json(nullptr));
  EXPECT_EQ(decoded(0x026B, 0xE1, "00C8"), json(200));
  // 0xC8 allows only the listed values.
  EXPECT_EQ(decoded(0x026B, 0xC8, "14"), json(20));
  EXPECT_THAT(decode_error(0x026B, 0xC8, "05"), HasSubstr("not one of the defined values"));
  EXPECT_THAT(encoded(0x026B, 0xC8, 5), HasSubstr("not one of the defined values"));
}

TEST(DefsDecode, Bitmaps) {
  // Air cleaning method 0xC6: two flags in one byte.
  EXPECT_EQ(decoded(0x0130, 0xC6, "02"),
            (json{{"equipped_electronic", false}, {"equipped_cluster_ion", true}}));
  EXPECT_EQ(
      encoded(0x0130, 0xC6, (json{{"equipped_electronic", true}, {"equipped_cluster_ion", true}})),
      "03");
  EXPECT_THAT(encoded(0x0130, 0xC6, (json{{"equipped_electronic", true}})),
              HasSubstr("missing field equipped_cluster_ion"));
  EXPECT_THAT(decode_error(0x0130, 0xC6, "0203"), HasSubstr("expected 1 bytes, got 2"));
  // 0xC7: levels and flags over eight bytes.
  json purifier = decoded(0x0130, 0xC7, "1A0B000000000000");
  EXPECT_EQ(purifier["level_of_electronic"], json(3));
  EXPECT_EQ(purifier["mode_of_electronic"], json("on"));
  EXPECT_EQ(purifier["auto_of_electronic"], json(true));
  EXPECT_EQ(purifier["level_of_cluster_ion"], json(4));
  EXPECT_EQ(purifier["mode_of_cluster_ion"], json("on"));
  EXPECT_EQ(purifier["auto_of_cluster_ion"], json(false));
}

TEST(DefsDecode, DatesTimesAndRaw) {
  EXPECT_EQ(decoded(kSuperClass, 0x98, "07E8021D"), json("2024-02-29"));
  EXPECT_THAT(decode_error(kSuperClass, 0x98, "07E80D01"), HasSubstr("not a valid date"));
  EXPECT_EQ(encoded(kSuperClass, 0x98, "2024-02-29"), "07E8021D");
  EXPECT_THAT(encoded(kSuperClass, 0x98, "2024-2-29"), HasSubstr("\"YYYY-MM-DD\""));
  EXPECT_EQ(decoded(kSuperClass, 0x97, "0C22"), json("12:34"));
  EXPECT_THAT(decode_error(kSuperClass, 0x97, "1800"), HasSubstr("not a valid time"));
  EXPECT_EQ(encoded(kSuperClass, 0x97, "23:59"), "173B");
  EXPECT_THAT(encoded(kSuperClass, 0x97, "24:00"), HasSubstr("not a valid time"));
  // Relative timers may run past 23 hours.
  EXPECT_EQ(decoded(0x0130, 0x92, "641E"), json("100:30"));
  EXPECT_EQ(encoded(0x0130, 0x92, "100:30"), "641E");
  // Solar 0xB1: a date-time, or "no schedule".
  EXPECT_EQ(decoded(0x0279, 0xB1, "07E8051F173B3A"), json("2024-05-31T23:59:58"));
  EXPECT_EQ(decoded(0x0279, 0xB1, "FFFFFFFFFFFFFF"), json("no_control_no_schedule"));
  EXPECT_EQ(encoded(0x0279, 0xB1, "2024-05-31T23:59:58"), "07E8051F173B3A");
  // Raw bytes as hex; 0x83 identification is 17 bytes.
  std::string id = "FE00007700000000000000000000000001";
  EXPECT_EQ(decoded(kSuperClass, 0x83, id), json(id));
  EXPECT_EQ(encoded(kSuperClass, 0x83, id), id);
  EXPECT_THAT(decode_error(kSuperClass, 0x83, "FE00"), HasSubstr("expected 17..17 bytes"));
  EXPECT_THAT(encoded(kSuperClass, 0x83, "XYZ"), HasSubstr("not a hex string"));
}

TEST(DefsDecode, ObjectsAndArrays) {
  // Node profile 0xD5: a count, then a variable list of 3-byte EOJs.
  EXPECT_EQ(decoded(kNodeProfileClass, 0xD5, "02013001027D01"),
            (json{{"number_ofinstances", 2}, {"instance_list", {"013001", "027D01"}}}));
  EXPECT_EQ(encoded(kNodeProfileClass, 0xD5,
                    (json{{"number_ofinstances", 1}, {"instance_list", {"013001"}}})),
            "01013001");
  EXPECT_THAT(decode_error(kNodeProfileClass, 0xD5, "0201300102"),
              HasSubstr("not a whole number of 3-byte items"));
}

TEST(DefsDecode, MeterObjectsCheckEveryField) {
  // Smart meter 0xEA: a date-time and a cumulative energy (or "no data").
  EXPECT_EQ(decoded(0x0288, 0xEA, "07E8051F0C1E0000000064"),
            (json{{"date_and_time", "2024-05-31T12:30:00"}, {"electric_energy", 100}}));
  EXPECT_THAT(decode_error(0x0288, 0xEA, "07E8051F1E000000000064"),
              HasSubstr("date_and_time: 07E8051F1E0000 is not a valid date and time"));
  EXPECT_EQ(decoded(0x0288, 0xEA, "07E8051F0C1E00FFFFFFFE"),
            (json{{"date_and_time", "2024-05-31T12:30:00"}, {"electric_energy", nullptr}}));
  EXPECT_THAT(decode_error(0x0288, 0xEA, "07E8051F0C1E00FFFFFF"), HasSubstr("expected 11 bytes"));
}

TEST(DefsDecode, NumericValueEnumerations) {
  EXPECT_EQ(decoded(0x0280, 0xE2, "01"), json(0.1));
  EXPECT_EQ(encoded(0x0280, 0xE2, 0.01), "02");
  EXPECT_THAT(encoded(0x0280, 0xE2, 0.5), HasSubstr("not one of the defined values"));
}

TEST(DefsDecode, RangesOfCodesShareOneName) {
  // Blind 0x89 fault description: 0x000A..0x0013 are all "abnormal event or safety".
  const PropertyDef* fault = find_property(0x0260, 0x89);
  ASSERT_NE(fault, nullptr);
  auto value = decode_value(0x0260, *fault, hex("0010"));
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(*value, json("abnormal_event_or_safety"));
}

}  // namespace
}  // namespace hems::echonet::defs
