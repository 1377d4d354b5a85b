#include "hems/ha/appliance_discovery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "appliance_fixtures.hpp"
#include "hems/version.hpp"
#include "meter_fixture.hpp"
#include "support/ha_rules.hpp"

namespace hems::ha::test {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<DiscoveryMessage> discover(const ApplianceDevice& device,
                                       const BridgeTopics& topics = {}) {
  return appliance_discovery(topics, device, kVersion);
}

std::string component_of(const std::vector<DiscoveryMessage>& messages, const std::string& object) {
  for (const auto& message : messages) {
    if (object_of(message.topic) == object)
      return level_of(message.topic, 3);
  }
  return {};
}

TEST(ApplianceDiscovery, EveryPayloadPassesTheRulesCheck) {
  for (const auto& [name, device] : reference_appliances()) {
    for (const auto& message : discover(device)) {
      SCOPED_TRACE(message.topic);
      EXPECT_THAT(hems::test::check_discovery(message.topic, json::parse(message.payload)),
                  IsEmpty());
    }
  }
}

TEST(ApplianceDiscovery, UniqueIdsAreUniqueAcrossDevicesAndTheMeter) {
  std::vector<json> configs;
  for (const auto& [name, device] : reference_appliances()) {
    for (const auto& message : discover(device))
      configs.push_back(json::parse(message.payload));
  }
  for (const auto& message : meter_discovery(BridgeTopics{}, toshiba_meter(), kVersion))
    configs.push_back(json::parse(message.payload));
  EXPECT_GT(configs.size(), 60u);
  EXPECT_THAT(hems::test::check_unique_ids(configs), IsEmpty());
}

TEST(ApplianceDiscovery, AirConditionerEntities) {
  const auto messages = discover(air_conditioner());
  // Mode, status, target temperature and fan speed live in the climate entity only; identity,
  // installation location and maker-specific EPCs get none.
  EXPECT_THAT(objects_of(messages),
              ElementsAre("climate", "instantaneous_electric_power_consumption",
                          "consumed_cumulative_electric_energy", "fault_status",
                          "power_saving_operation", "automatic_swing_air_flow", "humidity",
                          "room_temperature", "outdoor_temperature"));
  EXPECT_EQ(component_of(messages, "power_saving_operation"), "switch");
  EXPECT_EQ(component_of(messages, "automatic_swing_air_flow"), "select");
  EXPECT_EQ(messages.front().topic,
            "homeassistant/climate/hems2mqtt_fe00000600a1b2c3d4e5f6000000000001_013001/climate/"
            "config");
}

TEST(ApplianceDiscovery, ClimateUsesTheEchonetLimitsAndModes) {
  const json climate = config_of(discover(air_conditioner()), "climate");
  EXPECT_EQ(climate["modes"], json({"off", "auto", "cool", "heat", "dry", "fan_only"}));
  EXPECT_EQ(climate["min_temp"], 0.0);
  EXPECT_EQ(climate["max_temp"], 50.0);
  EXPECT_EQ(climate["temp_step"], 1.0);
  EXPECT_EQ(climate["temperature_unit"], "C");
  EXPECT_EQ(climate["fan_modes"], json({"auto", "1", "2", "3", "4", "5", "6", "7", "8"}));
  EXPECT_EQ(climate["temperature_command_topic"], "hems2mqtt/living_ac/set");
  EXPECT_EQ(climate["temperature_command_template"], "{\"target_temperature\": {{ value }}}");
  EXPECT_EQ(climate["current_temperature_topic"], "hems2mqtt/living_ac");
  EXPECT_EQ(climate["current_temperature_template"],
            "{{ value_json.room_temperature if value_json.room_temperature is number else none }}");
  EXPECT_EQ(climate["payload_off"], "{\"operation_status\": false}");
  EXPECT_TRUE(climate["name"].is_null());
}

TEST(ApplianceDiscovery, ClimateWithoutSettableStatusHasNoPowerCommand) {
  ApplianceDevice device = air_conditioner();
  device.set_map = {0xB0, 0xB3};
  const json climate = config_of(discover(device), "climate");
  EXPECT_FALSE(climate.contains("power_command_topic"));
  EXPECT_FALSE(climate.contains("fan_mode_command_topic"));
  // "off" is still shown (the unit reports it) but not offered as a command.
  EXPECT_EQ(climate["modes"].front(), "off");
  EXPECT_EQ(climate["mode_command_template"].get<std::string>().find("'off'"), std::string::npos);
  // The climate mode still shows on/off; the fan speed, now read only, becomes a sensor.
  const auto messages = discover(device);
  EXPECT_EQ(component_of(messages, "operation_status"), "");
  EXPECT_EQ(component_of(messages, "air_flow_level"), "sensor");
}

TEST(ApplianceDiscovery, AirConditionerWithNothingSettableIsSensorsOnly) {
  ApplianceDevice device = air_conditioner();
  device.set_map.clear();
  const auto messages = discover(device);
  EXPECT_THAT(objects_of(messages), Not(Contains("climate")));
  EXPECT_EQ(component_of(messages, "operation_mode"), "sensor");
  EXPECT_EQ(component_of(messages, "target_temperature"), "sensor");
  EXPECT_EQ(config_of(messages, "operation_mode")["device_class"], "enum");
}

TEST(ApplianceDiscovery, OnlyPropertiesInTheMapsGetEntities) {
  ApplianceDevice device = storage_battery();
  device.get_map = {0xD3};  // power, read only
  device.set_map = {0xA6};  // charge upper limit, write only
  const auto messages = discover(device);
  EXPECT_THAT(objects_of(messages),
              ElementsAre("ac_charge_upper_limit",
                          "instantaneous_charging_and_discharging_electric_power"));
  const json limit = config_of(messages, "ac_charge_upper_limit");
  EXPECT_EQ(component_of(messages, "ac_charge_upper_limit"), "number");
  EXPECT_FALSE(limit.contains("state_topic"));  // nothing to read it back from
  EXPECT_EQ(limit["min"], 0.0);
  EXPECT_EQ(limit["max"], 100.0);
  EXPECT_EQ(limit["unit_of_measurement"], "%");
}

TEST(ApplianceDiscovery, BatterySensorsHaveDeviceClassesAndUnits) {
  const auto messages = discover(storage_battery());
  const json soc = config_of(messages, "remaining_capacity3");
  EXPECT_EQ(soc["device_class"], "battery");
  EXPECT_EQ(soc["unit_of_measurement"], "%");
  EXPECT_EQ(soc["state_class"], "measurement");
  const json power = config_of(messages, "instantaneous_charging_and_discharging_electric_power");
  EXPECT_EQ(power["device_class"], "power");
  EXPECT_EQ(power["unit_of_measurement"], "W");
  const json charged = config_of(messages, "ac_cumulative_charging_electric_energy");
  EXPECT_EQ(charged["device_class"], "energy");
  EXPECT_EQ(charged["state_class"], "total_increasing");
  EXPECT_EQ(charged["unit_of_measurement"], "kWh");
  EXPECT_EQ(charged["suggested_display_precision"], 3);
  EXPECT_EQ(config_of(messages, "battery_health_state").value("device_class", ""), "");
  EXPECT_EQ(config_of(messages, "fault_description")["entity_category"], "diagnostic");
  EXPECT_EQ(config_of(messages, "fault_status")["device_class"], "problem");
  const json mode = config_of(messages, "operation_mode");
  EXPECT_EQ(component_of(messages, "operation_mode"), "select");
  EXPECT_EQ(mode["command_template"], "{\"operation_mode\": \"{{ value }}\"}");
  EXPECT_THAT(mode["options"], Contains("charging"));
}

TEST(ApplianceDiscovery, WaterHeaterWithSettableTemperature) {
  const auto messages = discover(water_heater());
  const json heater = config_of(messages, "water_heater");
  ASSERT_TRUE(heater.is_object());
  EXPECT_EQ(heater["temperature_command_template"],
            "{\"target_water_heating_temperature\": {{ value }}}");
  EXPECT_EQ(heater["min_temp"], 0.0);
  EXPECT_EQ(heater["max_temp"], 100.0);
  EXPECT_EQ(heater["current_temperature_template"],
            "{{ value_json.tank_water_temperature if value_json.tank_water_temperature is number "
            "else none }}");
  // 0x80 is readable, not settable: the mode shows on/off but cannot be commanded.
  EXPECT_EQ(heater["modes"], json({"off", "electric"}));
  EXPECT_FALSE(heater.contains("mode_command_topic"));
  EXPECT_EQ(component_of(messages, "automatic_water_heating"), "select");
  EXPECT_EQ(component_of(messages, "tank_water_temperature"), "sensor");
  EXPECT_EQ(config_of(messages, "remaining_water")["device_class"], "volume_storage");
}

TEST(ApplianceDiscovery, WaterHeaterWithoutSettableTemperatureIsSensors) {
  ApplianceDevice device = water_heater();
  device.set_map = {0xB0};
  const auto messages = discover(device);
  EXPECT_THAT(objects_of(messages), Not(Contains("water_heater")));
  EXPECT_EQ(component_of(messages, "target_water_heating_temperature"), "sensor");
  EXPECT_EQ(config_of(messages, "target_water_heating_temperature")["device_class"], "temperature");
}

TEST(ApplianceDiscovery, LightWithBrightness) {
  const auto messages = discover(general_light());
  EXPECT_THAT(objects_of(messages), ElementsAre("light", "fault_status", "operation_mode"));
  const json light = config_of(messages, "light");
  EXPECT_EQ(light["schema"], "template");
  EXPECT_EQ(light["command_off_template"], "{\"operation_status\": false}");
  EXPECT_TRUE(light.contains("brightness_template"));
  EXPECT_NE(light["command_on_template"].get<std::string>().find("light_level"), std::string::npos);
}

TEST(ApplianceDiscovery, LightWithoutSettableLevelIsOnOff) {
  ApplianceDevice device = general_light();
  device.set_map = {0x80};
  const auto messages = discover(device);
  const json light = config_of(messages, "light");
  EXPECT_FALSE(light.contains("brightness_template"));
  EXPECT_EQ(light["command_on_template"], "{\"operation_status\": true}");
  EXPECT_EQ(component_of(messages, "light_level"), "sensor");
}

TEST(ApplianceDiscovery, OperationStatusOfOtherClassesIsASwitch) {
  ApplianceDevice device = ev_charger();
  device.set_map.push_back(0x80);
  const auto messages = discover(device);
  EXPECT_EQ(component_of(messages, "operation_status"), "switch");
  const json power = config_of(messages, "operation_status");
  EXPECT_EQ(power["payload_on"], "{\"operation_status\": true}");
  EXPECT_EQ(power["value_template"],
            "{{ 'ON' if value_json.operation_status is true else 'OFF' if "
            "value_json.operation_status is false else none }}");
  EXPECT_EQ(power["name"], "Power");
}

TEST(ApplianceDiscovery, WriteOnlyActionsAreButtons) {
  const auto ev = discover(ev_charger());
  EXPECT_EQ(component_of(ev, "vehicle_connection_confirmation"), "button");
  EXPECT_EQ(config_of(ev, "vehicle_connection_confirmation")["payload_press"],
            "{\"vehicle_connection_confirmation\": \"connection\"}");
  const auto solar = discover(solar_inverter());
  EXPECT_EQ(component_of(solar, "reset_cumulative_electric_energy_of_generation"), "button");
  // A wide range gets an input box rather than a slider.
  EXPECT_EQ(config_of(ev, "charging_electric_power")["mode"], "box");
}

TEST(ApplianceDiscovery, UnknownClassesAndMakerSpecificPropertiesGetNoEntities) {
  EXPECT_THAT(discover(unknown_device()), IsEmpty());
  ApplianceDevice maker_only = air_conditioner();
  maker_only.get_map = {0xF0, 0xF1, 0xFE};
  maker_only.set_map = {0xF0};
  EXPECT_THAT(discover(maker_only), IsEmpty());
  ApplianceDevice profile = air_conditioner();
  profile.class_code = 0x0EF0;  // the node profile is not an appliance
  EXPECT_THAT(discover(profile), IsEmpty());
}

TEST(ApplianceDiscovery, DeviceBlockAndAvailability) {
  const json config = config_of(discover(air_conditioner()), "room_temperature");
  EXPECT_EQ(config["device"],
            json({{"identifiers", {"hems2mqtt_fe00000600a1b2c3d4e5f6000000000001_013001"}},
                  {"name", "Air conditioner (living room)"},
                  {"manufacturer", "Mitsubishi Electric"},
                  {"model", "Home air conditioner"},
                  {"via_device", "hems2mqtt_bridge_hems2mqtt"}}));
  EXPECT_EQ(
      config["origin"],
      json({{"name", "hems2mqtt"}, {"sw_version", "0.1.0"}, {"support_url", hems::kSupportUrl}}));
  EXPECT_EQ(config["availability"][0]["topic"], "hems2mqtt/bridge/state");
  EXPECT_EQ(config["availability"][1]["topic"], "hems2mqtt/living_ac/availability");
  EXPECT_EQ(config["availability_mode"], "all");
  EXPECT_EQ(config["unique_id"], "fe00000600a1b2c3d4e5f6000000000001_013001_room_temperature");
  EXPECT_EQ(config["default_entity_id"], "sensor.living_ac_room_temperature");
}

TEST(ApplianceDiscovery, AFriendlyIdNamesTheDevice) {
  ApplianceDevice device = air_conditioner();
  device.named = true;  // "living_ac" comes from [lan.names]
  const auto messages = discover(device);
  for (const auto& message : messages)
    EXPECT_EQ(json::parse(message.payload)["device"]["name"], "living_ac") << message.topic;
  // Only the device's name: ids and topics stay what they were.
  const auto unnamed = discover(air_conditioner());
  ASSERT_EQ(messages.size(), unnamed.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].topic, unnamed[i].topic);
    json a = json::parse(messages[i].payload), b = json::parse(unnamed[i].payload);
    a["device"].erase("name");
    b["device"].erase("name");
    EXPECT_EQ(a, b);
  }
}

TEST(ApplianceDiscovery, EntityNamesSayWhatAHomeOwnerReads) {
  const auto battery = discover(storage_battery());
  EXPECT_EQ(config_of(battery, "instantaneous_charging_and_discharging_electric_power")["name"],
            "Charging/discharging power");
  EXPECT_EQ(config_of(battery, "charging_power")["name"], "Charging power setting");
  EXPECT_EQ(config_of(battery, "remaining_capacity3")["name"], "State of charge");
  // State keys, object ids and unique ids keep the Appendix's short names.
  EXPECT_EQ(config_of(battery, "charging_power")["unique_id"],
            "fe00000600a1b2c3d4e5f6000000000003_027d01_charging_power");
  const auto aircon = discover(air_conditioner());
  EXPECT_EQ(config_of(aircon, "automatic_swing_air_flow")["name"], "Swing");
  EXPECT_EQ(config_of(aircon, "instantaneous_electric_power_consumption")["name"],
            "Power consumption");
}

TEST(ApplianceDiscovery, TopicsFollowTheConfiguredPrefixAndBase) {
  const auto messages = discover(general_light(), BridgeTopics{"hems", "ha"});
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front().topic,
            "ha/light/hems2mqtt_fe00000600a1b2c3d4e5f6000000000005_029001/light/config");
  EXPECT_EQ(json::parse(messages.front().payload)["command_topic"], "hems/hall_light/set");
}

TEST(ApplianceDiscovery, HardwareIdIsCleanedAndFallsBackToTheId) {
  ApplianceDevice device = general_light();
  device.hardware_id = "FE00:ab/029001";
  EXPECT_EQ(json::parse(discover(device).front().payload)["unique_id"], "fe00_ab_029001_light");
  device.hardware_id.clear();
  EXPECT_EQ(json::parse(discover(device).front().payload)["unique_id"], "hall_light_light");
}

}  // namespace
}  // namespace hems::ha::test
