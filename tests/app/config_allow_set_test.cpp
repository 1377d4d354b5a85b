// lan.allow_set through the config: absent is not empty, every entry is checked where it is
// written, and the environment and --print-config keep the difference.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// kMeterSection takes lines 1-3, "[lan]" line 4: the key is on line 5.
std::string lan_with(const std::string& extra) {
  return std::string(kMeterSection) + "[lan]\n" + extra;
}

TEST_F(ConfigTest, AllowSetAbsentAndEmptyAreDifferent) {
  auto absent = load(kMeterSection);
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->lan.allow_set.has_value());
  auto empty = load(lan_with("allow_set = []\n"));
  ASSERT_TRUE(empty.has_value());
  ASSERT_TRUE(empty->lan.allow_set.has_value());
  EXPECT_THAT(*empty->lan.allow_set, IsEmpty());
}

TEST_F(ConfigTest, AllowSetTakesEveryFormOfPattern) {
  auto config = load(
      lan_with("allow_set = [\"*\", \"*/*\", \"living_ac/target_temperature\", \"0x0130/0x80\", "
               "\"026B/*\", \"*/0xF5\"]\n"));
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_THAT(*config->lan.allow_set, SizeIs(6));
  EXPECT_THAT(config->warnings, IsEmpty());
}

TEST_F(ConfigTest, AllowSetEntriesThatAreNotPatternsAreErrorsAtTheirLine) {
  auto found = problems(
      lan_with("allow_set = [\"living_ac\", \"0x013/0x80\", \"*/0x8\", \"*/operation_stauts\"]\n"));
  ASSERT_THAT(found, SizeIs(4));
  EXPECT_THAT(found, HasProblem(at(5),
                                "lan.allow_set entry 'living_ac': must be "
                                "\"<device or class>/<property>\" or \"*\""));
  EXPECT_THAT(found, HasProblem(at(5),
                                "lan.allow_set entry '0x013/0x80': '0x013' is not a "
                                "device class"));
  EXPECT_THAT(found, HasProblem(at(5), "lan.allow_set entry '*/0x8': '0x8' is not an EPC"));
  EXPECT_THAT(found, HasProblem(at(5), "did you mean 'operation_status'?"));
}

TEST_F(ConfigTest, AllowSetKeysMustBelongToTheClassNamed) {
  EXPECT_THAT(problems(lan_with("allow_set = [\"0x026B/target_temperature\"]\n")),
              HasProblem(at(5),
                         "electric_water_heater (0x026B) has no property "
                         "'target_temperature'"));
}

TEST_F(ConfigTest, AllowSetEntriesMustBeStrings) {
  EXPECT_THAT(problems(lan_with("allow_set = [\"*\", 128]\n")),
              HasProblem(at(5), "lan.allow_set entries must be strings, not an integer"));
  EXPECT_THAT(problems(lan_with("allow_set = \"*\"\n")),
              HasProblem(at(5), "lan.allow_set must be an array of strings, not a string"));
}

TEST_F(ConfigTest, AllowSetWarnsWhenAClassHidesADeviceName) {
  auto config =
      load(lan_with("allow_set = [\"cafe/*\"]\n[lan.names]\n\"192.0.2.9/0x013001\" = "
                    "\"cafe\"\n"));
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  ASSERT_THAT(config->warnings, SizeIs(1));
  EXPECT_EQ(config->warnings[0].to_string(),
            at(5) +
                "lan.allow_set entry 'cafe/*' names the class 0xCAFE, not the device 'cafe' "
                "of lan.names; give that device another name");
}

TEST_F(ConfigTest, AllowSetFromTheEnvironmentIsACommaSeparatedList) {
  auto config =
      load(kMeterSection, Env{{"HEMS2MQTT_LAN_ALLOW_SET", "living_ac/*, 0x0130/operation_status"}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_THAT(*config->lan.allow_set, ElementsAre("living_ac/*", "0x0130/operation_status"));
  // Empty is an empty list (nothing allowed), not the default.
  auto empty = load(lan_with("allow_set = [\"*\"]\n"), Env{{"HEMS2MQTT_LAN_ALLOW_SET", ""}});
  ASSERT_TRUE(empty.has_value());
  ASSERT_TRUE(empty->lan.allow_set.has_value());
  EXPECT_THAT(*empty->lan.allow_set, IsEmpty());
}

TEST_F(ConfigTest, AllowSetFromTheEnvironmentIsCheckedAgainstTheVariable) {
  EXPECT_THAT(
      problems(kMeterSection, Env{{"HEMS2MQTT_LAN_ALLOW_SET", "*/0x8"}}),
      HasProblem(at(0),
                 "HEMS2MQTT_LAN_ALLOW_SET: lan.allow_set entry '*/0x8': '0x8' is not an EPC"));
}

TEST_F(ConfigTest, RenderedAllowSetLoadsBackTheSame) {
  auto absent = load(kMeterSection);
  ASSERT_TRUE(absent.has_value());
  const std::string absent_text = app::render_config(*absent);
  EXPECT_THAT(absent_text, HasSubstr("# allow_set is not set: its default applies\n"));
  EXPECT_THAT(absent_text, Not(HasSubstr("\nallow_set = ")));
  auto reloaded =
      load(absent_text, Env{{"HEMS2MQTT_METER_PASSWORD", "SIMULATORPW1"},
                            {"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"}});
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().front().to_string();
  EXPECT_FALSE(reloaded->lan.allow_set.has_value());

  for (const char* value : {"[]", "[\"living_ac/*\", \"*/0xF5\"]"}) {
    auto config = load(lan_with(std::string("allow_set = ") + value + "\n"));
    ASSERT_TRUE(config.has_value());
    const std::string text = app::render_config(*config);
    EXPECT_THAT(text, HasSubstr(std::string("\nallow_set = ") + value + "\n"));
    auto back = load(text, Env{{"HEMS2MQTT_METER_PASSWORD", "SIMULATORPW1"},
                               {"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"}});
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(back->lan.allow_set, config->lan.allow_set);
  }
}

}  // namespace
}  // namespace hems::test
