// [mqtt] discovery_language = "ja": Japanese entity names, models and (for the meter with its
// default id) device name, while everything automations and the entity registry rely on (topics,
// unique ids, entity ids, states, options, commands) stays exactly as in English.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "appliance_fixtures.hpp"
#include "hems/ha/discovery.hpp"
#include "meter_fixture.hpp"
#include "support/ha_rules.hpp"

namespace hems::ha::test {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;

std::vector<DiscoveryMessage> meter_ja(const MeterDevice& meter = toshiba_meter()) {
  return meter_discovery(BridgeTopics{}, meter, kVersion, Language::ja);
}

std::vector<DiscoveryMessage> appliance_ja(const ApplianceDevice& device) {
  return appliance_discovery(BridgeTopics{}, device, kVersion, Language::ja);
}

std::string name_of(const std::vector<DiscoveryMessage>& messages, const std::string& object) {
  const json config = config_of(messages, object);
  return config.is_object() && config["name"].is_string() ? config["name"].get<std::string>()
                                                          : "<no name>";
}

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A config without what may differ between languages: the entity name and, in the device block,
// the name, model and hardware version.
json without_names(json config) {
  config.erase("name");
  if (config.contains("device")) {
    for (const char* key : {"name", "model", "hw_version"})
      config["device"].erase(key);
  }
  return config;
}

// Only names differ: same topics in the same order, and everything else equal.
void expect_only_names_differ(const std::vector<DiscoveryMessage>& en,
                              const std::vector<DiscoveryMessage>& ja) {
  ASSERT_EQ(en.size(), ja.size());
  for (std::size_t i = 0; i < en.size(); ++i) {
    SCOPED_TRACE(en[i].topic);
    EXPECT_EQ(en[i].topic, ja[i].topic);
    const json a = json::parse(en[i].payload);
    const json b = json::parse(ja[i].payload);
    EXPECT_EQ(without_names(a), without_names(b));
    for (const char* key : {"unique_id", "default_entity_id", "object_id"}) {
      ASSERT_TRUE(b.contains(key)) << key;
      EXPECT_TRUE(is_ascii(b[key].get<std::string>())) << b[key];
    }
  }
}

TEST(LanguageFrom, KnowsTheConfigCodesOnly) {
  EXPECT_EQ(language_from("en"), Language::en);
  EXPECT_EQ(language_from("ja"), Language::ja);
  EXPECT_EQ(language_from("JA"), std::nullopt);
  EXPECT_EQ(language_from("jp"), std::nullopt);
  EXPECT_EQ(language_from(""), std::nullopt);
}

TEST(JapaneseDiscovery, MeterEntitiesUseTheUtilitiesWords) {
  const auto messages = meter_ja();
  EXPECT_EQ(name_of(messages, "power"), "瞬時電力");
  EXPECT_EQ(name_of(messages, "current_r"), "瞬時電流 R相");
  EXPECT_EQ(name_of(messages, "current_t"), "瞬時電流 T相");
  EXPECT_EQ(name_of(messages, "energy_import"), "積算電力量（買電）");
  EXPECT_EQ(name_of(messages, "energy_export"), "積算電力量（売電）");
  EXPECT_EQ(name_of(messages, "energy_import_fixed"), "定時積算電力量（買電）");
  EXPECT_EQ(name_of(messages, "energy_export_fixed"), "定時積算電力量（売電）");
  EXPECT_EQ(name_of(messages, "rssi"), "電波強度");
  EXPECT_EQ(name_of(messages, "read_now"), "今すぐ読み取り");
}

TEST(JapaneseDiscovery, EveryMeterEntityHasAJapaneseName) {
  const auto en = meter_discovery(BridgeTopics{}, toshiba_meter(), kVersion);
  const auto ja = meter_ja();
  ASSERT_EQ(en.size(), ja.size());
  for (std::size_t i = 0; i < ja.size(); ++i) {
    const std::string object = object_of(ja[i].topic);
    const std::string name = name_of(ja, object);
    EXPECT_FALSE(name.empty()) << object;
    // "PAN ID" is the same word in Japanese; every other name is written in Japanese.
    if (object != "pan_id") {
      EXPECT_NE(name, name_of(en, object)) << object;
      EXPECT_FALSE(is_ascii(name)) << object << ": " << name;
    }
  }
}

TEST(JapaneseDiscovery, MeterDeviceBlock) {
  const json device = config_of(meter_ja(), "power")["device"];
  EXPECT_EQ(device["name"], "スマートメーター");
  EXPECT_EQ(device["model"], "低圧スマート電力量メータ");
  EXPECT_EQ(device["hw_version"], "Wi-SUNドングル 1.5.2");
  EXPECT_EQ(device["manufacturer"], "Toshiba");
  EXPECT_EQ(device["sw_version"], "ECHONET Release F");
}

TEST(JapaneseDiscovery, AMeterNameTheUserChoseIsKept) {
  MeterDevice meter = toshiba_meter();
  meter.name = "garage_meter";
  const auto messages = meter_ja(meter);
  EXPECT_EQ(config_of(messages, "power")["device"]["name"], "garage_meter");
  EXPECT_EQ(config_of(messages, "power")["default_entity_id"], "sensor.garage_meter_power");
}

TEST(JapaneseDiscovery, MeterIdsStatesAndCommandsDoNotChange) {
  MeterDevice single_phase = toshiba_meter();
  single_phase.has_current_t = false;
  single_phase.has_export = false;
  for (const MeterDevice& meter : {toshiba_meter(), single_phase, MeterDevice{}}) {
    SCOPED_TRACE(meter.name);
    expect_only_names_differ(meter_discovery(BridgeTopics{}, meter, kVersion), meter_ja(meter));
  }
}

TEST(JapaneseDiscovery, AirConditionerUsesTheAppendixNames) {
  const auto messages = appliance_ja(air_conditioner());
  // The climate entity is the device's main feature: named by the device, in any language.
  EXPECT_TRUE(config_of(messages, "climate")["name"].is_null());
  EXPECT_EQ(name_of(messages, "power_saving_operation"), "節電動作設定");
  EXPECT_EQ(name_of(messages, "room_temperature"), "室内温度計測値");
  EXPECT_EQ(name_of(messages, "outdoor_temperature"), "外気温度計測値");
  EXPECT_EQ(name_of(messages, "humidity"), "室内相対湿度計測値");
  EXPECT_EQ(name_of(messages, "instantaneous_electric_power_consumption"), "瞬時消費電力計測値");
  EXPECT_EQ(name_of(messages, "fault_status"), "異常発生状態");
  const json device = config_of(messages, "climate")["device"];
  EXPECT_EQ(device["model"], "家庭用エアコン");
  // Class and place in Japanese; a [lan.names] id would name it instead (in any language).
  EXPECT_EQ(device["name"], "エアコン（リビング）");
}

TEST(JapaneseDiscovery, BatteryUsesTheAppendixNames) {
  const auto messages = appliance_ja(storage_battery());
  EXPECT_EQ(name_of(messages, "remaining_capacity3"), "蓄電残量3");
  EXPECT_EQ(name_of(messages, "operation_mode"), "運転モード設定");
  EXPECT_EQ(name_of(messages, "actual_operation_mode"), "運転動作状態");
  EXPECT_EQ(name_of(messages, "instantaneous_charging_and_discharging_electric_power"),
            "瞬時充放電電力計測値");
  EXPECT_EQ(name_of(messages, "battery_health_state"), "劣化状態");
  // On/off reads as the power switch, as in English ("Power"), not as "operation status".
  EXPECT_EQ(name_of(messages, "operation_status"), "電源");
  EXPECT_EQ(config_of(messages, "operation_status")["device"]["model"], "蓄電池");
  // Options are the values automations see and send: not translated.
  EXPECT_THAT(config_of(messages, "operation_mode")["options"], ::testing::Contains("charging"));
}

TEST(JapaneseDiscovery, AppliancesChangeOnlyTheirNames) {
  for (const auto& [name, device] : reference_appliances()) {
    SCOPED_TRACE(name);
    expect_only_names_differ(appliance_discovery(BridgeTopics{}, device, kVersion),
                             appliance_ja(device));
  }
}

TEST(JapaneseDiscovery, EveryPayloadPassesTheHomeAssistantRules) {
  std::vector<json> configs;
  auto check = [&](const std::vector<DiscoveryMessage>& messages) {
    for (const auto& message : messages) {
      const json config = json::parse(message.payload);
      EXPECT_THAT(hems::test::check_discovery(message.topic, config), IsEmpty()) << message.topic;
      configs.push_back(config);
    }
  };
  check(meter_ja());
  for (const auto& [name, device] : reference_appliances())
    check(appliance_ja(device));
  EXPECT_GT(configs.size(), 60u);
  EXPECT_THAT(hems::test::check_unique_ids(configs), IsEmpty());
}

}  // namespace
}  // namespace hems::ha::test
