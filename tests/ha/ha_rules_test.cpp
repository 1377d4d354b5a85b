// The discovery checker itself: valid configs pass, and every rule fails on a config built to
// break it (a checker whose rules cannot fail would let anything through).

#include "support/ha_rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace hems::test {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const std::string kTopic = "homeassistant/sensor/hems2mqtt_x/power/config";

json common(const std::string& component, const std::string& object) {
  return {{"name", "Thing"},
          {"unique_id", "x_" + object},
          {"default_entity_id", component + ".x_" + object},
          {"availability", json::array({{{"topic", "hems2mqtt/bridge/state"},
                                         {"value_template", "{{ value_json.state }}"}}})},
          {"availability_mode", "all"},
          {"device", {{"identifiers", {"hems2mqtt_x"}}, {"name", "x"}, {"model", "m"}}},
          {"origin", {{"name", "hems2mqtt"}, {"sw_version", "0.1.0"}}}};
}

json power_sensor() {
  json config = common("sensor", "power");
  config.update({{"state_topic", "hems2mqtt/x"},
                 {"value_template", "{{ value_json.power_w }}"},
                 {"device_class", "power"},
                 {"state_class", "measurement"},
                 {"unit_of_measurement", "W"}});
  return config;
}

std::string topic_for(const std::string& component, const std::string& object) {
  return "homeassistant/" + component + "/hems2mqtt_x/" + object + "/config";
}

TEST(HaRules, ValidConfigsOfEveryComponentPass) {
  std::vector<std::pair<std::string, json>> valid;
  valid.emplace_back("sensor", power_sensor());
  auto add = [&](const std::string& component, json extra) {
    json config = common(component, "thing");
    config.update(extra);
    valid.emplace_back(component, config);
  };
  add("sensor", {{"state_topic", "t"}, {"device_class", "timestamp"}});
  add("sensor", {{"state_topic", "t"}, {"device_class", "enum"}, {"options", {"a", "b"}}});
  add("sensor", {{"state_topic", "t"},
                 {"device_class", "energy"},
                 {"state_class", "total"},
                 {"unit_of_measurement", "Wh"},
                 {"last_reset_value_template", "{{ 0 }}"}});
  add("sensor",
      {{"state_topic", "t"}, {"unit_of_measurement", "rpm"}, {"state_class", "measurement"}});
  add("sensor",
      {{"state_topic", "t"}, {"device_class", "temperature"}, {"unit_of_measurement", "\u00b0C"}});
  add("binary_sensor",
      {{"state_topic", "t"}, {"device_class", "problem"}, {"entity_category", "diagnostic"}});
  add("button", {{"command_topic", "t/get"}, {"payload_press", "{}"}});
  add("switch", {{"command_topic", "t/set"},
                 {"state_topic", "t"},
                 {"device_class", "outlet"},
                 {"entity_category", "config"}});
  add("number", {{"command_topic", "t/set"},
                 {"min", 16},
                 {"max", 30},
                 {"device_class", "temperature"},
                 {"unit_of_measurement", "\u00b0C"}});
  add("select", {{"command_topic", "t/set"}, {"options", {"auto", "cool"}}});
  add("climate", {{"mode_command_topic", "t/set"},
                  {"modes", {"off", "cool"}},
                  {"temperature_unit", "C"},
                  {"min_temp", 16},
                  {"max_temp", 30}});
  add("light", {{"command_topic", "t/set"}});
  add("water_heater", {{"mode_command_topic", "t/set"}});
  std::vector<json> configs;
  for (const auto& [component, config] : valid) {
    EXPECT_THAT(check_discovery(topic_for(component, "thing"), config), IsEmpty())
        << component << ": " << config.dump();
  }
}

struct Broken {
  const char* what;
  std::string topic;
  std::function<void(json&)> change;
  const char* rule;  // the prefix the problem must carry
};

class HaRulesBreak : public ::testing::TestWithParam<Broken> {};

TEST_P(HaRulesBreak, IsReported) {
  const Broken& broken = GetParam();
  json config = power_sensor();
  broken.change(config);
  EXPECT_THAT(check_discovery(broken.topic, config), Contains(StartsWith(broken.rule)))
      << broken.what;
}

void none(json&) {}
auto set(const std::string& key, json value) {
  return [key, value](json& config) { config[key] = value; };
}
auto drop(const std::string& key) {
  return [key](json& config) { config.erase(key); };
}
auto as(const std::string& component, json extra = json::object()) {
  return [component, extra](json& config) {
    for (const char* key :
         {"state_topic", "value_template", "device_class", "state_class", "unit_of_measurement"})
      config.erase(key);
    config["default_entity_id"] = component + ".x_power";
    config.update(extra);
  };
}

const std::string kButton = topic_for("button", "power");

INSTANTIATE_TEST_SUITE_P(
    EveryRule, HaRulesBreak,
    ::testing::Values(
        Broken{"topic without node", "homeassistant/sensor/power/config", none, "topic:"},
        Broken{"topic not ending in config", "homeassistant/sensor/n/power/state", none, "topic:"},
        Broken{"unknown component", topic_for("toaster", "power"), none, "topic:"},
        Broken{"bad object id", "homeassistant/sensor/n/pow.er/config", none, "topic:"},
        Broken{"bad node id", "homeassistant/sensor/n n/power/config", none, "topic:"},
        Broken{"wildcard in topic", "homeassistant/sensor/+/power/config", none, "topic:"},
        Broken{"empty prefix level", "/sensor/n/power/config", none, "topic:"},
        Broken{"payload not an object", kTopic, [](json& c) { c = json::array(); }, "config:"},
        Broken{"no unique_id", kTopic, drop("unique_id"), "unique_id:"},
        Broken{"empty unique_id", kTopic, set("unique_id", ""), "unique_id:"},
        Broken{"name a number", kTopic, set("name", 3), "config:"},
        Broken{"sensor without state_topic", kTopic, drop("state_topic"), "required:"},
        Broken{"button without command_topic", kButton, as("button"), "required:"},
        Broken{"switch without command_topic", topic_for("switch", "power"), as("switch"),
               "required:"},
        Broken{"binary_sensor without state_topic", topic_for("binary_sensor", "power"),
               as("binary_sensor"), "required:"},
        Broken{"number without command_topic", topic_for("number", "power"), as("number"),
               "required:"},
        Broken{"select without options", topic_for("select", "power"),
               as("select", {{"command_topic", "t"}}), "required:"},
        Broken{"light without command_topic", topic_for("light", "power"), as("light"),
               "required:"},
        Broken{"climate without any command topic", topic_for("climate", "power"), as("climate"),
               "required:"},
        Broken{"water_heater without any command topic", topic_for("water_heater", "power"),
               as("water_heater"), "required:"},
        Broken{"empty topic value", kTopic, set("state_topic", ""), "config:"},
        Broken{"wildcard in command topic", kButton, as("button", {{"command_topic", "a/#"}}),
               "config:"},
        Broken{"power in kWh", kTopic, set("unit_of_measurement", "kWh"), "unit:"},
        Broken{"power without unit", kTopic, drop("unit_of_measurement"), "unit:"},
        Broken{"energy as measurement", kTopic,
               [](json& c) {
                 c["device_class"] = "energy";
                 c["unit_of_measurement"] = "kWh";
               },
               "state_class:"},
        Broken{"energy in W", kTopic,
               [](json& c) {
                 c["device_class"] = "energy";
                 c["state_class"] = "total_increasing";
               },
               "unit:"},
        Broken{"current in W", kTopic, set("device_class", "current"), "unit:"},
        Broken{"voltage as total", kTopic,
               [](json& c) {
                 c["device_class"] = "voltage";
                 c["unit_of_measurement"] = "V";
                 c["state_class"] = "total";
               },
               "state_class:"},
        Broken{"temperature in C without degree", kTopic,
               [](json& c) {
                 c["device_class"] = "temperature";
                 c["unit_of_measurement"] = "C";
               },
               "unit:"},
        Broken{"signal strength in %", kTopic,
               [](json& c) {
                 c["device_class"] = "signal_strength";
                 c["unit_of_measurement"] = "%";
               },
               "unit:"},
        Broken{"battery in V", kTopic,
               [](json& c) {
                 c["device_class"] = "battery";
                 c["unit_of_measurement"] = "V";
               },
               "unit:"},
        Broken{"timestamp with unit", kTopic,
               [](json& c) {
                 c["device_class"] = "timestamp";
                 c.erase("state_class");
               },
               "unit:"},
        Broken{"timestamp with state_class", kTopic,
               [](json& c) {
                 c["device_class"] = "timestamp";
                 c.erase("unit_of_measurement");
               },
               "state_class:"},
        Broken{"unknown state class", kTopic, set("state_class", "sum"), "state_class:"},
        Broken{"unknown device class", kTopic, set("device_class", "wattage"), "device_class:"},
        Broken{"enum without options", kTopic,
               [](json& c) {
                 c["device_class"] = "enum";
                 c.erase("unit_of_measurement");
                 c.erase("state_class");
               },
               "options:"},
        Broken{"options on a power sensor", kTopic, set("options", {"a"}), "options:"},
        Broken{"last_reset without total", kTopic, set("last_reset_value_template", "{{ 0 }}"),
               "state_class:"},
        Broken{"number with state_class", topic_for("number", "power"),
               as("number", {{"command_topic", "t"}, {"state_class", "measurement"}}),
               "state_class:"},
        Broken{"bad button device class", kButton,
               as("button", {{"command_topic", "t"}, {"device_class", "power"}}), "device_class:"},
        Broken{"unit on a button", kButton,
               as("button", {{"command_topic", "t"}, {"unit_of_measurement", "W"}}), "unit:"},
        Broken{"light with device class", topic_for("light", "power"),
               as("light", {{"command_topic", "t"}, {"device_class", "x"}}), "device_class:"},
        Broken{"entity_category system", kTopic, set("entity_category", "system"),
               "entity_category:"},
        Broken{"sensor in config category", kTopic, set("entity_category", "config"),
               "entity_category:"},
        Broken{"availability entry without topic", kTopic,
               set("availability", json::array({{{"value_template", "x"}}})), "availability:"},
        Broken{"availability not a list", kTopic, set("availability", "t"), "availability:"},
        Broken{"availability_mode wrong", kTopic, set("availability_mode", "both"),
               "availability:"},
        Broken{"availability and availability_topic", kTopic, set("availability_topic", "t"),
               "availability:"},
        Broken{"no device", kTopic, drop("device"), "device:"},
        Broken{"device without identifiers", kTopic, set("device", {{"name", "x"}}), "device:"},
        Broken{"device with empty identifiers", kTopic,
               set("device", {{"identifiers", json::array()}}), "device:"},
        Broken{"device with unknown key", kTopic,
               set("device", {{"identifiers", {"a"}}, {"firmware", "1"}}), "device:"},
        Broken{"origin without name", kTopic, set("origin", {{"sw_version", "1"}}), "origin:"},
        Broken{"origin with unknown key", kTopic,
               set("origin", {{"name", "a"}, {"url", "b"}}), "origin:"},
        Broken{"default_entity_id of another domain", kTopic,
               set("default_entity_id", "binary_sensor.x_power"), "default_entity_id:"},
        Broken{"default_entity_id with capitals", kTopic,
               set("default_entity_id", "sensor.X_power"), "default_entity_id:"},
        Broken{"object_id only", kTopic,
               [](json& c) {
                 c.erase("default_entity_id");
                 c["object_id"] = "x_power";
               },
               "default_entity_id:"},
        Broken{"attributes template without topic", kTopic,
               set("json_attributes_template", "{{ value_json | tojson }}"), "json_attributes:"},
        Broken{"number min above max", topic_for("number", "power"),
               as("number", {{"command_topic", "t"}, {"min", 30}, {"max", 16}}), "range:"},
        Broken{"unit not a string", kTopic, set("unit_of_measurement", 1), "unit:"},
        Broken{"state_class not a string", kTopic, set("state_class", true), "state_class:"},
        Broken{"device_class not a string", kTopic, set("device_class", 5), "device_class:"},
        Broken{"measurement_angle without degrees", kTopic,
               [](json& c) {
                 c.erase("device_class");
                 c["state_class"] = "measurement_angle";
               },
               "unit:"},
        Broken{"enum with empty options", kTopic,
               [](json& c) {
                 c["device_class"] = "enum";
                 c.erase("unit_of_measurement");
                 c.erase("state_class");
                 c["options"] = json::array();
               },
               "options:"},
        Broken{"number with a timestamp class", topic_for("number", "power"),
               as("number", {{"command_topic", "t"}, {"device_class", "timestamp"}}),
               "device_class:"},
        Broken{"state_class on a button", kButton,
               as("button", {{"command_topic", "t"}, {"state_class", "measurement"}}),
               "state_class:"},
        Broken{"availability topic with wildcard", kTopic,
               set("availability", json::array({{{"topic", "a/+/b"}}})), "availability:"},
        Broken{"device not an object", kTopic, set("device", "x"), "device:"},
        Broken{"device model not a string", kTopic,
               set("device", {{"identifiers", {"a"}}, {"model", 3}}), "device:"},
        Broken{"climate min_temp above max_temp", topic_for("climate", "power"),
               as("climate", {{"mode_command_topic", "t"}, {"min_temp", 30}, {"max_temp", 7}}),
               "range:"},
        Broken{"climate temperature unit", topic_for("climate", "power"),
               as("climate", {{"mode_command_topic", "t"}, {"temperature_unit", "K"}}),
               "range:"}));

TEST(HaRules, UniqueIds) {
  const json a = power_sensor();
  json b = power_sensor();
  b["unique_id"] = "x_other";
  json nameless = power_sensor();
  nameless.erase("unique_id");
  EXPECT_THAT(check_unique_ids({a, b}), IsEmpty());
  EXPECT_THAT(
      check_unique_ids({a, b, a}),
      ::testing::ElementsAre(AllOf(StartsWith("unique_id:"), ::testing::HasSubstr("x_power"))));
  EXPECT_THAT(check_unique_ids({a, nameless}), Contains(StartsWith("unique_id:")));
}

}  // namespace
}  // namespace hems::test
