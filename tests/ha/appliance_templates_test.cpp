// The templates in appliance discovery configs, rendered and checked against what the bridge
// accepts: every command a Home Assistant entity can send must become a set request whose values
// the ECHONET encoder takes, and every state template must read the bridge's state object.
//
// Rendering uses Python's Jinja2 in a sandbox like Home Assistant's; the tests that need it skip
// when python3 with jinja2 is not installed. Simple `{{ value }}` templates are also checked
// without it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "appliance_fixtures.hpp"
#include "hems/echonet/definitions.hpp"
#include "meter_fixture.hpp"
#include "template_renderer.hpp"

namespace hems::ha::test {
namespace {

namespace defs = hems::echonet::defs;
namespace fs = std::filesystem;
using nlohmann::json;

// What the bridge does with a set request: every key a property of the class, every value
// encodable. Returns the problems.
std::vector<std::string> set_problems(std::uint16_t class_code, const std::string& payload) {
  std::vector<std::string> problems;
  const json request = json::parse(payload, nullptr, false);
  if (!request.is_object() || request.empty())
    return {"not a JSON object: " + payload};
  for (const auto& [key, value] : request.items()) {
    const auto* property = defs::find_property_by_name(class_code, key);
    if (property == nullptr) {
      problems.push_back("unknown key " + key);
      continue;
    }
    if (auto encoded = defs::encode_value(class_code, *property, value); !encoded)
      problems.push_back(key + ": " + encoded.error().message);
  }
  return problems;
}

// Every command an entity can send, as a template and the variables Home Assistant passes.
std::vector<Case> command_cases(const json& config) {
  std::vector<Case> cases;
  auto each = [&](const char* key, const json& values) {
    if (!config.contains(key))
      return;
    for (const json& v : values)
      cases.push_back({config[key].get<std::string>(), {{"value", v}}});
  };
  each("mode_command_template", config.value("modes", json::array()));
  each("fan_mode_command_template", config.value("fan_modes", json::array()));
  each("command_template", config.value("options", json::array()));
  for (const char* key : {"temperature_command_template", "command_template"}) {
    const bool climate = config.contains("min_temp");
    const char* low = climate ? "min_temp" : "min";
    const char* high = climate ? "max_temp" : "max";
    if (config.contains(key) && config.contains(low)) {
      const double min = config[low].get<double>();
      const double max = config[high].get<double>();
      // Home Assistant sends floats (24.0) and, for whole numbers, sometimes ints.
      each(key, json::array({min, max, std::round((min + max) / 2),
                             static_cast<long long>(std::round((min + max) / 2))}));
    }
  }
  if (config.contains("command_on_template")) {
    const std::string on = config["command_on_template"];
    cases.push_back({on, json::object()});
    for (int brightness : {1, 2, 128, 255})
      cases.push_back({on, {{"brightness", brightness}}});
    cases.push_back({config["command_off_template"].get<std::string>(), json::object()});
  }
  return cases;
}

std::vector<std::pair<std::uint16_t, json>> reference_configs() {
  std::vector<std::pair<std::uint16_t, json>> out;
  for (const auto& [name, device] : reference_appliances()) {
    for (const auto& message : appliance_discovery(BridgeTopics{}, device, kVersion))
      out.emplace_back(device.class_code, json::parse(message.payload));
  }
  return out;
}

TEST(ApplianceTemplates, EveryCommandIsASetRequestTheBridgeAccepts) {
  if (!have_jinja())
    GTEST_SKIP() << "needs python3 with jinja2";
  std::vector<Case> cases;
  std::vector<std::uint16_t> classes;
  for (const auto& [class_code, config] : reference_configs()) {
    for (Case& c : command_cases(config)) {
      cases.push_back(std::move(c));
      classes.push_back(class_code);
    }
  }
  ASSERT_GT(cases.size(), 50u);
  const auto rendered = render(cases);
  ASSERT_EQ(rendered.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].template_text + " with " + cases[i].variables.dump());
    EXPECT_THAT(set_problems(classes[i], rendered[i]), ::testing::IsEmpty()) << rendered[i];
  }
}

TEST(ApplianceTemplates, PayloadsAreSetRequestsTheBridgeAccepts) {
  int checked = 0;
  for (const auto& [class_code, config] : reference_configs()) {
    for (const char* key : {"payload_on", "payload_off", "payload_press"}) {
      // Binary sensors compare their state to "ON"/"OFF"; only commands are set requests.
      const bool command =
          config.contains("command_topic") || config.contains("power_command_topic");
      if (!config.contains(key) || !command)
        continue;
      SCOPED_TRACE(config["unique_id"].get<std::string>() + " " + key);
      EXPECT_THAT(set_problems(class_code, config[key]), ::testing::IsEmpty());
      ++checked;
    }
  }
  EXPECT_GT(checked, 5);
}

TEST(ApplianceTemplates, ClimateCommandsRenderToTheDocumentedShapes) {
  if (!have_jinja())
    GTEST_SKIP() << "needs python3 with jinja2";
  const json climate = config_of(appliance_discovery({}, air_conditioner(), kVersion), "climate");
  const auto rendered = render({
      {climate["mode_command_template"], {{"value", "cool"}}},
      {climate["mode_command_template"], {{"value", "off"}}},
      {climate["temperature_command_template"], {{"value", 24.0}}},
      {climate["fan_mode_command_template"], {{"value", "auto"}}},
      {climate["fan_mode_command_template"], {{"value", "3"}}},
  });
  ASSERT_EQ(rendered.size(), 5u);
  EXPECT_EQ(json::parse(rendered[0]),
            json({{"operation_status", true}, {"operation_mode", "cooling"}}));
  EXPECT_EQ(json::parse(rendered[1]), json({{"operation_status", false}}));
  EXPECT_EQ(json::parse(rendered[2]), json({{"target_temperature", 24.0}}));
  EXPECT_EQ(json::parse(rendered[3]), json({{"air_flow_level", "auto"}}));
  EXPECT_EQ(json::parse(rendered[4]), json({{"air_flow_level", 3}}));
}

TEST(ApplianceTemplates, LightCommandsCarryTheLevelInPercent) {
  if (!have_jinja())
    GTEST_SKIP() << "needs python3 with jinja2";
  const json light = config_of(appliance_discovery({}, general_light(), kVersion), "light");
  const std::string on = light["command_on_template"];
  const auto rendered =
      render({{on, json::object()}, {on, {{"brightness", 255}}}, {on, {{"brightness", 1}}}});
  ASSERT_EQ(rendered.size(), 3u);
  EXPECT_EQ(json::parse(rendered[0]), json({{"operation_status", true}}));
  EXPECT_EQ(json::parse(rendered[1]), json({{"operation_status", true}, {"light_level", 100}}));
  EXPECT_EQ(json::parse(rendered[2]), json({{"operation_status", true}, {"light_level", 1}}));
}

// State templates against state objects as the bridge publishes them.
TEST(ApplianceTemplates, StateTemplatesReadTheBridgeState) {
  if (!have_jinja())
    GTEST_SKIP() << "needs python3 with jinja2";
  const auto ac = appliance_discovery({}, air_conditioner(), kVersion);
  const json climate = config_of(ac, "climate");
  const json light = config_of(appliance_discovery({}, general_light(), kVersion), "light");
  const json swing = config_of(ac, "automatic_swing_air_flow");
  const json saving = config_of(ac, "power_saving_operation");
  auto with = [](const json& state) {
    return json{{"value", state.dump()}, {"value_json", state}};
  };
  const json cooling = {{"operation_status", true},       {"operation_mode", "cooling"},
                        {"target_temperature", 26},       {"room_temperature", 27},
                        {"air_flow_level", "auto"},       {"automatic_swing_air_flow", "vertical"},
                        {"power_saving_operation", false}};
  const json off = {{"operation_status", false},
                    {"operation_mode", "heating"},
                    {"air_flow_level", 3},
                    {"target_temperature", nullptr}};
  const json other = {{"operation_status", true}, {"operation_mode", "other"}};
  const json empty = json::object();
  const std::vector<std::pair<Case, std::string>> expectations{
      {{climate["mode_state_template"], with(cooling)}, "cool"},
      {{climate["mode_state_template"], with(off)}, "off"},
      {{climate["mode_state_template"], with(other)}, "None"},
      {{climate["mode_state_template"], with(empty)}, "None"},
      {{climate["temperature_state_template"], with(cooling)}, "26"},
      {{climate["temperature_state_template"], with(off)}, "None"},
      {{climate["current_temperature_template"], with(cooling)}, "27"},
      {{climate["current_temperature_template"], with(empty)}, "None"},
      {{climate["fan_mode_state_template"], with(cooling)}, "auto"},
      {{climate["fan_mode_state_template"], with(off)}, "3"},
      {{climate["fan_mode_state_template"], with(empty)}, "None"},
      {{swing["value_template"], with(cooling)}, "vertical"},
      {{swing["value_template"], with(empty)}, "None"},
      {{saving["value_template"], with(cooling)}, "OFF"},
      {{saving["value_template"], with(empty)}, "None"},
      {{light["state_template"], with(json{{"operation_status", true}})}, "on"},
      {{light["state_template"], with(json{{"operation_status", nullptr}})}, "None"},
      {{light["brightness_template"], with(json{{"light_level", 100}})}, "255"},
      {{light["brightness_template"], with(json{{"light_level", 40}})}, "102"},
  };
  std::vector<Case> cases;
  for (const auto& [c, expected] : expectations)
    cases.push_back(c);
  const auto rendered = render(cases);
  ASSERT_EQ(rendered.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(rendered[i], expectations[i].second) << cases[i].template_text;
}

// Without Jinja: the templates that only substitute `{{ value }}` give accepted set requests.
TEST(ApplianceTemplates, ValueSubstitutionsGiveAcceptedRequests) {
  int checked = 0;
  for (const auto& [class_code, config] : reference_configs()) {
    for (const Case& c : command_cases(config)) {
      const std::string marker = "{{ value }}";
      const auto at = c.template_text.find(marker);
      if (at == std::string::npos || c.template_text.find("{%") != std::string::npos ||
          !c.variables.contains("value"))
        continue;
      const json& v = c.variables["value"];
      std::string payload = c.template_text;
      payload.replace(at, marker.size(), v.is_string() ? v.get<std::string>() : v.dump());
      EXPECT_THAT(set_problems(class_code, payload), ::testing::IsEmpty()) << payload;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace hems::ha::test
