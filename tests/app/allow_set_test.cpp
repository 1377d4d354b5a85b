#include "hems/app/allow_set.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace hems::app {
namespace {

using ::testing::HasSubstr;

constexpr std::uint16_t kAircon = 0x0130;
constexpr std::uint16_t kWaterHeater = 0x026B;
constexpr std::uint16_t kBattery = 0x027D;

SetTarget target(std::string_view device, std::uint16_t class_code, std::uint8_t epc,
                 bool home_assistant_controls = false) {
  return SetTarget{device, class_code, epc, home_assistant_controls};
}

AllowSet allow(std::vector<std::string> patterns) {
  return AllowSet(std::optional(std::move(patterns)));
}

std::string error_of(std::string_view text) {
  auto pattern = parse_allow_pattern(text);
  EXPECT_FALSE(pattern.has_value()) << text << " was expected to be refused";
  return pattern ? "" : pattern.error().message;
}

// ---- patterns ----------------------------------------------------------------------------------

TEST(AllowPatternParse, StarAloneIsEveryPropertyOfEveryDevice) {
  for (std::string_view text : {"*", "*/*"}) {
    auto pattern = parse_allow_pattern(text);
    ASSERT_TRUE(pattern) << text;
    EXPECT_EQ(pattern->device, AllowPattern::Device::any);
    EXPECT_EQ(pattern->property, AllowPattern::Property::any);
  }
}

TEST(AllowPatternParse, ADeviceIdAndAStateKey) {
  auto pattern = parse_allow_pattern("living_ac/target_temperature");
  ASSERT_TRUE(pattern) << pattern.error().message;
  EXPECT_EQ(pattern->device, AllowPattern::Device::id);
  EXPECT_EQ(pattern->device_id, "living_ac");
  EXPECT_EQ(pattern->property, AllowPattern::Property::key);
  EXPECT_EQ(pattern->key, "target_temperature");
}

TEST(AllowPatternParse, AGeneratedDeviceIdIsAnIdNotAClass) {
  auto pattern = parse_allow_pattern("00000b_2619b574_013001/*");
  ASSERT_TRUE(pattern) << pattern.error().message;
  EXPECT_EQ(pattern->device, AllowPattern::Device::id);
  EXPECT_EQ(pattern->device_id, "00000b_2619b574_013001");
}

TEST(AllowPatternParse, AClassWithOrWithout0xInEitherCase) {
  for (std::string_view text : {"0x026B/*", "0X026b/*", "026b/*", "026B/*"}) {
    auto pattern = parse_allow_pattern(text);
    ASSERT_TRUE(pattern) << text << ": " << pattern.error().message;
    EXPECT_EQ(pattern->device, AllowPattern::Device::device_class) << text;
    EXPECT_EQ(pattern->class_code, kWaterHeater) << text;
  }
}

TEST(AllowPatternParse, AnEpcInHexInEitherCase) {
  for (std::string_view text : {"*/0xF5", "*/0xf5", "*/0Xf5"}) {
    auto pattern = parse_allow_pattern(text);
    ASSERT_TRUE(pattern) << text;
    EXPECT_EQ(pattern->property, AllowPattern::Property::epc);
    EXPECT_EQ(pattern->epc, 0xF5);
  }
}

TEST(AllowPatternParse, AKeyOfTheNamedClass) {
  EXPECT_TRUE(parse_allow_pattern("0x026B/target_water_heating_temperature"));
  // A superclass property belongs to every class that has definitions.
  EXPECT_TRUE(parse_allow_pattern("0x027D/operation_status"));
}

TEST(AllowPatternParse, RefusesWhatIsNotDeviceSlashProperty) {
  EXPECT_THAT(error_of("living_ac"),
              HasSubstr("must be \"<device or class>/<property>\" or \"*\""));
  EXPECT_THAT(error_of(""), HasSubstr("must be"));
  EXPECT_THAT(error_of("a/b/c"), HasSubstr("more than one '/'"));
  EXPECT_THAT(error_of("/0x80"), HasSubstr("the device before '/' is empty"));
  EXPECT_THAT(error_of("living_ac/"), HasSubstr("the property after '/' is empty"));
}

TEST(AllowPatternParse, RefusesMalformedClassesAndEpcs) {
  EXPECT_THAT(error_of("0x013/*"), HasSubstr("'0x013' is not a device class"));
  EXPECT_THAT(error_of("0x01300/*"), HasSubstr("'0x01300' is not a device class"));
  EXPECT_THAT(error_of("0xGGGG/*"), HasSubstr("is not a device class"));
  EXPECT_THAT(error_of("*/0x8"), HasSubstr("'0x8' is not an EPC"));
  EXPECT_THAT(error_of("*/0x800"), HasSubstr("'0x800' is not an EPC"));
  EXPECT_THAT(error_of("*/0xZZ"), HasSubstr("is not an EPC"));
}

TEST(AllowPatternParse, RefusesPartialWildcardsAndBadIds) {
  EXPECT_THAT(error_of("living_*/0x80"), HasSubstr("'*' stands alone"));
  EXPECT_THAT(error_of("*/operation_*"), HasSubstr("'*' stands alone"));
  EXPECT_THAT(error_of("living ac/0x80"), HasSubstr("is not a device id"));
  EXPECT_THAT(error_of("living+ac/0x80"), HasSubstr("is not a device id"));
  EXPECT_THAT(error_of("living#/0x80"), HasSubstr("is not a device id"));
}

TEST(AllowPatternParse, RefusesKeysNoPropertyHasWithASuggestion) {
  EXPECT_EQ(error_of("*/operation_stauts"),
            "no ECHONET Lite property is called 'operation_stauts'; did you mean "
            "'operation_status'?");
  EXPECT_THAT(error_of("living_ac/Target Temperature"), HasSubstr("no ECHONET Lite property"));
}

TEST(AllowPatternParse, RefusesAKeyTheNamedClassDoesNotHave) {
  // The water heater's 0xB3 is target_water_heating_temperature, not target_temperature.
  EXPECT_THAT(error_of("0x026B/target_temperature"),
              HasSubstr("electric_water_heater (0x026B) has no property 'target_temperature'"));
}

TEST(AllowPatternParse, AClassWithoutDefinitionsIsNamedByEpcOnly) {
  EXPECT_THAT(error_of("0x0601/operation_status"), HasSubstr("name them by EPC"));
  EXPECT_TRUE(parse_allow_pattern("0x0601/0x80"));
  EXPECT_TRUE(parse_allow_pattern("0x0601/*"));
}

// ---- the default and the extremes --------------------------------------------------------------

TEST(AllowSet, WithoutPatternsWhatHomeAssistantControlsIsAllowed) {
  const AllowSet set;
  EXPECT_TRUE(set.uses_default());
  EXPECT_FALSE(set.allows_everything());
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0xB3, true)));
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0x81, false)));
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0xF0, false)));
}

TEST(AllowSet, AnEmptyListAllowsNothing) {
  const AllowSet set = allow({});
  EXPECT_FALSE(set.uses_default());
  EXPECT_FALSE(set.allows_everything());
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0xB3, true)));
}

TEST(AllowSet, StarAllowsEverything) {
  for (const char* everything : {"*", "*/*"}) {
    const AllowSet set = allow({"living_ac/0x80", everything});
    EXPECT_TRUE(set.allows_everything()) << everything;
    EXPECT_TRUE(set.allows(target("anything", 0x0601, 0xFF)));
    EXPECT_TRUE(set.allows(target("ecocute", kWaterHeater, 0xB3)));
  }
}

TEST(AllowSet, OnlyBothStarsAllowEverything) {
  EXPECT_FALSE(allow({"*/0x80"}).allows_everything());
  EXPECT_FALSE(allow({"living_ac/*"}).allows_everything());
  EXPECT_FALSE(allow({"0x0130/*"}).allows_everything());
}

TEST(AllowSet, PatternsReplaceTheDefaultRatherThanAddToIt) {
  const AllowSet set = allow({"living_ac/0xF0"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0xF0)));
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0xB3, true)));
}

// ---- devices and classes -----------------------------------------------------------------------

TEST(AllowSet, ADeviceIdMatchesThatDeviceOnly) {
  const AllowSet set = allow({"living_ac/*"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0x80)));
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0xF5)));
  EXPECT_FALSE(set.allows(target("bedroom_ac", kAircon, 0x80)));
  EXPECT_FALSE(set.allows(target("living_ac_2", kAircon, 0x80)));
}

TEST(AllowSet, AClassMatchesEveryDeviceOfItAndNoOther) {
  const AllowSet set = allow({"0x0130/0x80"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0x80)));
  EXPECT_TRUE(set.allows(target("bedroom_ac", kAircon, 0x80)));
  EXPECT_FALSE(set.allows(target("ecocute", kWaterHeater, 0x80)));
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0xB0)));
}

TEST(AllowSet, AnyPatternThatMatchesAllows) {
  const AllowSet set = allow({"0x0130/operation_status", "battery/0xDA", "*/0xEB"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0x80)));
  EXPECT_TRUE(set.allows(target("battery", kBattery, 0xDA)));
  EXPECT_TRUE(set.allows(target("battery", kBattery, 0xEB)));
  EXPECT_FALSE(set.allows(target("battery", kBattery, 0x80)));
  EXPECT_FALSE(set.allows(target("other_battery", kBattery, 0xDA)));
}

// ---- keys and EPCs -----------------------------------------------------------------------------

TEST(AllowSet, AKeyIsThePropertyOfThatNameInTheDevicesClass) {
  const AllowSet set = allow({"*/target_temperature"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0xB3)));
  // The same EPC is another property in a water heater.
  EXPECT_FALSE(set.allows(target("ecocute", kWaterHeater, 0xB3)));
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0xB0)));
}

TEST(AllowSet, AnEpcIsThatEpcInEveryClass) {
  const AllowSet set = allow({"*/0xB3"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0xB3)));
  EXPECT_TRUE(set.allows(target("ecocute", kWaterHeater, 0xB3)));
  EXPECT_FALSE(set.allows(target("ecocute", kWaterHeater, 0xB0)));
}

TEST(AllowSet, ASuperclassKeyMatchesInEveryClass) {
  const AllowSet set = allow({"*/operation_status"});
  EXPECT_TRUE(set.allows(target("living_ac", kAircon, 0x80)));
  EXPECT_TRUE(set.allows(target("battery", kBattery, 0x80)));
  // A class without definitions has no names: its 0x80 is only reached by EPC.
  EXPECT_FALSE(set.allows(target("gadget", 0x0601, 0x80)));
}

TEST(AllowSet, MakerSpecificEpcsHaveNoKey) {
  EXPECT_FALSE(allow({"*/operation_status"}).allows(target("living_ac", kAircon, 0xF5)));
  EXPECT_TRUE(allow({"living_ac/0xF5"}).allows(target("living_ac", kAircon, 0xF5)));
}

TEST(AllowSet, PatternsThatDoNotParseAllowNothing) {
  const AllowSet set = allow({"living_ac", "*/0x8", "0x013/*"});
  EXPECT_FALSE(set.uses_default());
  EXPECT_FALSE(set.allows_everything());
  EXPECT_FALSE(set.allows(target("living_ac", kAircon, 0x80, true)));
}

}  // namespace
}  // namespace hems::app
