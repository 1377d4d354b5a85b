#include "hems/ha/meter_discovery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

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

std::vector<DiscoveryMessage> discover(const MeterDevice& meter, const BridgeTopics& topics = {}) {
  return meter_discovery(topics, meter, kVersion);
}

TEST(MeterDiscovery, FullMeterHasEveryEntity) {
  EXPECT_THAT(
      objects_of(discover(toshiba_meter())),
      ElementsAre("power", "current_r", "current_t", "energy_import", "energy_export",
                  "energy_import_fixed", "energy_export_fixed", "last_seen", "rssi", "channel",
                  "pan_id", "session_state", "last_error", "dongle_firmware", "read_now"));
}

TEST(MeterDiscovery, SinglePhaseMeterHasNoTPhaseCurrent) {
  MeterDevice meter = toshiba_meter();
  meter.has_current_t = false;
  const auto objects = objects_of(discover(meter));
  EXPECT_THAT(objects, Not(Contains("current_t")));
  EXPECT_THAT(objects, Contains("current_r"));
  EXPECT_EQ(objects.size(), 14u);
}

TEST(MeterDiscovery, MeterWithoutExportHasNoExportEntities) {
  MeterDevice meter = toshiba_meter();
  meter.has_export = false;
  const auto objects = objects_of(discover(meter));
  EXPECT_THAT(objects, Not(Contains("energy_export")));
  EXPECT_THAT(objects, Not(Contains("energy_export_fixed")));
  EXPECT_THAT(objects, Contains("energy_import_fixed"));
  EXPECT_EQ(objects.size(), 13u);
}

TEST(MeterDiscovery, MeterWithNeitherKeepsTheRest) {
  MeterDevice meter = toshiba_meter();
  meter.has_current_t = false;
  meter.has_export = false;
  EXPECT_EQ(discover(meter).size(), 12u);
}

TEST(MeterDiscovery, EnergyIsReadyForTheEnergyDashboard) {
  const auto messages = discover(toshiba_meter());
  for (const char* object : {"energy_import", "energy_export"}) {
    const json config = config_of(messages, object);
    EXPECT_EQ(config["device_class"], "energy") << object;
    EXPECT_EQ(config["state_class"], "total_increasing") << object;
    EXPECT_EQ(config["unit_of_measurement"], "kWh") << object;
  }
  EXPECT_EQ(config_of(messages, "energy_import")["value_template"],
            "{{ value_json.energy_import_kwh | default(none) }}");
}

TEST(MeterDiscovery, FixedTimeEnergyCarriesItsTimestampAsAttribute) {
  const json config = config_of(discover(toshiba_meter()), "energy_export_fixed");
  EXPECT_EQ(config["state_topic"], "hems2mqtt/smart_meter");
  EXPECT_EQ(config["json_attributes_topic"], "hems2mqtt/smart_meter");
  EXPECT_EQ(config["json_attributes_template"],
            "{{ {'measured_at': value_json.energy_export_fixed_at | default(none)} | tojson }}");
  EXPECT_EQ(config["value_template"], "{{ value_json.energy_export_fixed_kwh | default(none) }}");
}

TEST(MeterDiscovery, DiagnosticsReadTheBridgeInfo) {
  const auto messages = discover(toshiba_meter());
  for (const char* object :
       {"rssi", "channel", "pan_id", "session_state", "last_error", "dongle_firmware"}) {
    const json config = config_of(messages, object);
    EXPECT_EQ(config["state_topic"], "hems2mqtt/bridge/info") << object;
    EXPECT_EQ(config["entity_category"], "diagnostic") << object;
  }
  const json rssi = config_of(messages, "rssi");
  EXPECT_EQ(rssi["value_template"], "{{ value_json.meter.rssi_dbm | default(none) }}");
  EXPECT_EQ(rssi["device_class"], "signal_strength");
  EXPECT_EQ(rssi["unit_of_measurement"], "dBm");
  EXPECT_EQ(config_of(messages, "session_state")["value_template"],
            "{{ value_json.meter.state | default(none) }}");
  EXPECT_EQ(config_of(messages, "last_error")["value_template"],
            "{{ value_json.meter.last_error[:255] if value_json.meter.last_error is defined "
            "else none }}");
}

TEST(MeterDiscovery, ReadNowButtonPublishesAnEmptyGet) {
  const auto messages = discover(toshiba_meter());
  const auto button = std::find_if(messages.begin(), messages.end(),
                                   [](const auto& m) { return object_of(m.topic) == "read_now"; });
  ASSERT_NE(button, messages.end());
  EXPECT_EQ(level_of(button->topic, 3), "button");
  const json config = json::parse(button->payload);
  EXPECT_EQ(config["command_topic"], "hems2mqtt/smart_meter/get");
  EXPECT_EQ(config["payload_press"], "{}");
  EXPECT_FALSE(config.contains("state_topic"));
}

TEST(MeterDiscovery, AvailabilityNeedsBridgeAndMeterExceptForExplanations) {
  const auto messages = discover(toshiba_meter());
  const json bridge = {{"topic", "hems2mqtt/bridge/state"},
                       {"value_template", "{{ value_json.state }}"}};
  const json meter = {{"topic", "hems2mqtt/smart_meter/availability"},
                      {"value_template", "{{ value_json.state }}"}};
  for (const char* object : {"power", "energy_import", "rssi", "read_now"}) {
    const json config = config_of(messages, object);
    EXPECT_EQ(config["availability"], json::array({bridge, meter})) << object;
    EXPECT_EQ(config["availability_mode"], "all") << object;
  }
  // These say why the meter is unreachable, so they must stay visible while it is.
  for (const char* object : {"session_state", "last_error", "dongle_firmware", "last_seen"}) {
    EXPECT_EQ(config_of(messages, object)["availability"], json::array({bridge})) << object;
  }
}

TEST(MeterDiscovery, DeviceBlockOfTheReferenceMeter) {
  const json device = config_of(discover(toshiba_meter()), "power")["device"];
  EXPECT_EQ(device, (json{{"identifiers", {"hems2mqtt_000016_f24g36650500"}},
                          {"name", "smart_meter"},
                          {"manufacturer", "Toshiba"},
                          {"model", "Low-voltage smart electric energy meter"},
                          {"serial_number", "F24G36650500"},
                          {"sw_version", "ECHONET Release F"},
                          {"hw_version", "Wi-SUN dongle 1.5.2"},
                          {"via_device", "hems2mqtt_bridge_hems2mqtt"}}));
}

TEST(MeterDiscovery, UnknownIdentityFallsBackToTheName) {
  MeterDevice meter;  // nothing read from the meter yet
  meter.name = "house_meter";
  const auto messages = discover(meter);
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front().topic, "homeassistant/sensor/hems2mqtt_house_meter/power/config");
  const json config = json::parse(messages.front().payload);
  EXPECT_EQ(config["unique_id"], "house_meter_power");
  EXPECT_EQ(config["device"], (json{{"identifiers", {"hems2mqtt_house_meter"}},
                                    {"name", "house_meter"},
                                    {"model", "Low-voltage smart electric energy meter"},
                                    {"via_device", "hems2mqtt_bridge_hems2mqtt"}}));
}

TEST(MeterDiscovery, IdsFollowTheBridgeTopicsAndName) {
  MeterDevice meter = toshiba_meter();
  meter.name = "meter2";
  const auto messages = discover(meter, BridgeTopics{"home/energy", "ha"});
  const json config = config_of(messages, "power");
  EXPECT_EQ(messages.front().topic, "ha/sensor/hems2mqtt_000016_f24g36650500/power/config");
  EXPECT_EQ(config["state_topic"], "home/energy/meter2");
  EXPECT_EQ(config["unique_id"], "000016_f24g36650500_power");
  EXPECT_EQ(config["default_entity_id"], "sensor.meter2_power");
  EXPECT_EQ(config["object_id"], "meter2_power");
  EXPECT_EQ(config["availability"][1]["topic"], "home/energy/meter2/availability");
  EXPECT_EQ(config["device"]["via_device"], "hems2mqtt_bridge_home_energy");
  EXPECT_EQ(
      config["origin"],
      (json{{"name", "hems2mqtt"}, {"sw_version", "0.1.0"}, {"support_url", hems::kSupportUrl}}));
}

TEST(MeterDiscovery, PayloadsAreCompactJson) {
  for (const auto& message : discover(toshiba_meter())) {
    EXPECT_EQ(message.payload.find('\n'), std::string::npos);
    EXPECT_EQ(nlohmann::ordered_json::parse(message.payload).dump(), message.payload)
        << message.topic;
  }
}

TEST(MeterDiscovery, BytesThatAreNotUtf8DoNotThrow) {
  MeterDevice meter = toshiba_meter();
  meter.serial_number = std::string("F24\xff\xfe", 5);
  meter.release = std::string("\x80", 1);
  std::vector<DiscoveryMessage> messages;
  ASSERT_NO_THROW(messages = discover(meter));
  ASSERT_FALSE(messages.empty());
  const json config = json::parse(messages.front().payload);  // valid UTF-8 again
  EXPECT_EQ(config["unique_id"], "000016_f24_power");
}

// Every payload, of every variant of the meter, passes Home Assistant's rules.
TEST(MeterDiscovery, EveryVariantPassesTheHomeAssistantRules) {
  std::vector<MeterDevice> meters{toshiba_meter(), MeterDevice{}};
  meters.push_back(toshiba_meter());
  meters.back().has_current_t = false;
  meters.back().has_export = false;
  meters.push_back(toshiba_meter());
  meters.back().manufacturer_code = 0x0000AB;
  meters.back().name = "Meter (garage)";
  for (const auto& meter : meters) {
    std::vector<json> configs;
    for (const auto& message : discover(meter)) {
      const json config = json::parse(message.payload);
      EXPECT_THAT(hems::test::check_discovery(message.topic, config), IsEmpty()) << message.topic;
      configs.push_back(config);
    }
    EXPECT_THAT(hems::test::check_unique_ids(configs), IsEmpty()) << meter.name;
  }
}

TEST(MeterDiscovery, EveryConfigHasTheCommonKeys) {
  for (const auto& message : discover(toshiba_meter())) {
    const json config = json::parse(message.payload);
    for (const char* key : {"name", "unique_id", "object_id", "default_entity_id", "availability",
                            "availability_mode", "device", "origin"})
      EXPECT_TRUE(config.contains(key)) << message.topic << " lacks " << key;
    if (level_of(message.topic, 3) == "sensor") {
      EXPECT_TRUE(config.contains("state_topic")) << message.topic;
      EXPECT_TRUE(config.contains("value_template")) << message.topic;
    }
  }
}

}  // namespace
}  // namespace hems::ha::test
