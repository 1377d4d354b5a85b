// Discovery of the bridge's own Home Assistant device: its entities, their templates against
// bridge/info, the via_device link from the meter and the appliances, the origin block, and the
// golden files golden/bridge_<component>_<object>.json (compared as parsed JSON). To regenerate
// after a deliberate change:
//   HEMS_UPDATE_GOLDEN=1 ./ha_tests --gtest_filter='BridgeGolden*'
// then read the diff of golden/ before committing it.

#include "hems/ha/bridge_discovery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "appliance_fixtures.hpp"
#include "hems/ha/discovery.hpp"
#include "hems/version.hpp"
#include "meter_fixture.hpp"
#include "support/ha_rules.hpp"
#include "template_renderer.hpp"

namespace hems::ha::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const fs::path kGoldenDir = HEMS_HA_GOLDEN_DIR;

std::vector<DiscoveryMessage> discover(const BridgeTopics& topics = {}, BridgeDevice bridge = {}) {
  return bridge_discovery(topics, bridge, kVersion);
}

TEST(BridgeDiscovery, EntitiesOfABridgeWithAMeter) {
  EXPECT_THAT(objects_of(discover()),
              ElementsAre("connection_state", "version", "link_state", "last_error"));
  const std::string node = "homeassistant/sensor/hems2mqtt_bridge_hems2mqtt/";
  EXPECT_EQ(discover().front().topic,
            "homeassistant/binary_sensor/hems2mqtt_bridge_hems2mqtt/connection_state/config");
  EXPECT_EQ(discover()[1].topic, node + "version/config");
}

TEST(BridgeDiscovery, JapaneseNamesChangeNamesOnly) {
  const auto english = discover();
  const auto japanese = bridge_discovery(BridgeTopics{}, BridgeDevice{}, kVersion, Language::ja);
  ASSERT_EQ(japanese.size(), english.size());
  EXPECT_EQ(config_of(japanese, "connection_state")["name"], "接続状態");
  EXPECT_EQ(config_of(japanese, "last_error")["name"], "Bルートの直近のエラー");
  EXPECT_EQ(config_of(japanese, "version")["device"]["name"], "hems2mqtt ブリッジ");
  for (std::size_t i = 0; i < english.size(); ++i) {
    SCOPED_TRACE(english[i].topic);
    EXPECT_EQ(japanese[i].topic, english[i].topic);
    json en = json::parse(english[i].payload), ja = json::parse(japanese[i].payload);
    EXPECT_EQ(ja["unique_id"], en["unique_id"]);
    EXPECT_EQ(ja["default_entity_id"], en["default_entity_id"]);
    EXPECT_EQ(ja["device"]["identifiers"], en["device"]["identifiers"]);
    EXPECT_NE(ja["name"], en["name"]);
    EXPECT_EQ(::hems::test::check_discovery(japanese[i].topic, ja), std::vector<std::string>{});
  }
}

TEST(BridgeDiscovery, WithoutTheMeterThereIsNoLinkToShow) {
  EXPECT_THAT(objects_of(discover({}, BridgeDevice{.meter_enabled = false})),
              ElementsAre("connection_state", "version"));
}

TEST(BridgeDiscovery, DeviceIsNamedForPeopleAndIdentifiedByTheBaseTopic) {
  EXPECT_EQ(bridge_device_id(BridgeTopics{}), "hems2mqtt_bridge_hems2mqtt");
  EXPECT_EQ(config_of(discover(), "version")["device"],
            (json{{"identifiers", {"hems2mqtt_bridge_hems2mqtt"}},
                  {"name", "hems2mqtt bridge"},
                  {"manufacturer", "hems2mqtt"},
                  {"model", "B-route and ECHONET Lite bridge"},
                  {"sw_version", "0.1.0"}}));
  // A second bridge on the same broker has its own base topic, so its own device and name.
  const BridgeTopics other{"home/Meter-2", "ha"};
  EXPECT_EQ(bridge_device_id(other), "hems2mqtt_bridge_home_meter_2");
  const json config = config_of(discover(other), "version");
  EXPECT_EQ(config["device"]["name"], "hems2mqtt bridge (home/Meter-2)");
  EXPECT_EQ(config["unique_id"], "hems2mqtt_bridge_home_meter_2_version");
  EXPECT_EQ(config["default_entity_id"], "sensor.home_meter_2_bridge_version");
  EXPECT_EQ(config["object_id"], "home_meter_2_bridge_version");
  EXPECT_EQ(config["state_topic"], "home/Meter-2/bridge/info");
  EXPECT_EQ(discover(other).front().topic,
            "ha/binary_sensor/hems2mqtt_bridge_home_meter_2/connection_state/config");
}

TEST(BridgeDiscovery, DiagnosticsNeedTheBridgeButConnectionStateNeverGoesUnavailable) {
  const auto messages = discover();
  for (const auto& message : messages) {
    const json config = json::parse(message.payload);
    EXPECT_EQ(config["entity_category"], "diagnostic") << message.topic;
  }
  const json running = config_of(messages, "connection_state");
  EXPECT_FALSE(running.contains("availability"));
  EXPECT_EQ(running["state_topic"], "hems2mqtt/bridge/state");
  EXPECT_EQ(running["payload_on"], "online");
  EXPECT_EQ(running["payload_off"], "offline");
  EXPECT_EQ(running["device_class"], "connectivity");
  for (const char* object : {"version", "link_state", "last_error"}) {
    const json config = config_of(messages, object);
    EXPECT_EQ(config["availability"], json::array({{{"topic", "hems2mqtt/bridge/state"},
                                                    {"value_template", "{{ value_json.state }}"}}}))
        << object;
    EXPECT_EQ(config["state_topic"], "hems2mqtt/bridge/info") << object;
  }
}

// The templates read bridge/info as the bridge publishes it (docs/mqtt.md), rendered by Jinja2.
TEST(BridgeDiscovery, TemplatesReadBridgeInfo) {
  if (!have_jinja())
    GTEST_SKIP() << "needs python3 with jinja2";
  const auto messages = discover();
  const std::string version = config_of(messages, "version")["value_template"];
  const std::string link = config_of(messages, "link_state")["value_template"];
  const std::string error = config_of(messages, "last_error")["value_template"];
  const std::string running = config_of(messages, "connection_state")["value_template"];
  const json joined = {{"version", "0.1.0"}, {"meter", {{"state", "joined"}}}};
  const json failing = {{"version", "0.1.0"},
                        {"meter", {{"state", "waiting"}, {"last_error", std::string(300, 'x')}}}};
  const json lan_only = {{"version", "0.1.0"}};
  const auto rendered = render({
      {version, {{"value_json", joined}}},
      {link, {{"value_json", joined}}},
      {link, {{"value_json", lan_only}}},
      {error, {{"value_json", joined}}},
      {error, {{"value_json", failing}}},
      {running, {{"value_json", {{"state", "offline"}}}}},
  });
  ASSERT_EQ(rendered.size(), 6U);
  EXPECT_EQ(rendered[0], "0.1.0");
  EXPECT_EQ(rendered[1], "joined");
  EXPECT_EQ(rendered[2], "None");  // Home Assistant shows unknown
  EXPECT_EQ(rendered[3], "None");
  EXPECT_EQ(rendered[4], std::string(255, 'x'));
  EXPECT_EQ(rendered[5], "offline");
}

TEST(BridgeDiscovery, EveryConfigPassesTheHomeAssistantRules) {
  for (const BridgeTopics& topics : {BridgeTopics{}, BridgeTopics{"home/Meter-2", "ha"}}) {
    for (const bool meter : {true, false}) {
      std::vector<json> configs;
      for (const auto& message : discover(topics, BridgeDevice{.meter_enabled = meter})) {
        const json config = json::parse(message.payload);
        EXPECT_THAT(hems::test::check_discovery(message.topic, config), IsEmpty()) << message.topic;
        configs.push_back(config);
      }
      EXPECT_THAT(hems::test::check_unique_ids(configs), IsEmpty());
    }
  }
}

// The bridge's unique ids and topics never collide with the meter's or the appliances'.
TEST(BridgeDiscovery, NothingCollidesWithTheMeterOrTheAppliances) {
  std::vector<json> configs;
  std::set<std::string> topics;
  auto take = [&](const std::vector<DiscoveryMessage>& messages) {
    for (const auto& message : messages) {
      EXPECT_TRUE(topics.insert(message.topic).second) << message.topic;
      configs.push_back(json::parse(message.payload));
    }
  };
  take(discover());
  take(meter_discovery(BridgeTopics{}, toshiba_meter(), kVersion));
  for (const auto& [name, device] : reference_appliances())
    take(appliance_discovery(BridgeTopics{}, device, kVersion));
  EXPECT_THAT(hems::test::check_unique_ids(configs), IsEmpty());
}

TEST(BridgeDiscovery, MeterAndAppliancesAreReachedThroughTheBridge) {
  for (const BridgeTopics& topics : {BridgeTopics{}, BridgeTopics{"home/Meter-2", "ha"}}) {
    const std::string bridge = bridge_device_id(topics);
    for (const auto& message : meter_discovery(topics, toshiba_meter(), kVersion))
      EXPECT_EQ(json::parse(message.payload)["device"]["via_device"], bridge) << message.topic;
    for (const auto& [name, device] : reference_appliances()) {
      for (const auto& message : appliance_discovery(topics, device, kVersion))
        EXPECT_EQ(json::parse(message.payload)["device"]["via_device"], bridge) << message.topic;
    }
    // The bridge's own device is not reached through anything.
    for (const auto& message : discover(topics))
      EXPECT_FALSE(json::parse(message.payload)["device"].contains("via_device"));
  }
}

TEST(BridgeDiscovery, EveryOriginNamesWhereToGetHelp) {
  ASSERT_TRUE(std::string_view(hems::kSupportUrl).starts_with("https://"));
  const json origin = {
      {"name", "hems2mqtt"}, {"sw_version", "0.1.0"}, {"support_url", hems::kSupportUrl}};
  std::vector<DiscoveryMessage> all = discover();
  for (const auto& m : meter_discovery(BridgeTopics{}, toshiba_meter(), kVersion))
    all.push_back(m);
  for (const auto& m : appliance_discovery(BridgeTopics{}, air_conditioner(), kVersion))
    all.push_back(m);
  for (const auto& message : all)
    EXPECT_EQ(json::parse(message.payload)["origin"], origin) << message.topic;
}

// Renaming the base topic makes another device; the old one's configs are removed.
TEST(BridgeDiscovery, AnotherBaseTopicRemovesTheOldDevice) {
  const auto before = discover(BridgeTopics{"hems2mqtt", "homeassistant"});
  const auto after = discover(BridgeTopics{"hems", "homeassistant"});
  const auto gone = removals(before, after);
  ASSERT_EQ(gone.size(), before.size());
  for (std::size_t i = 0; i < gone.size(); ++i) {
    EXPECT_EQ(gone[i].topic, before[i].topic);
    EXPECT_EQ(gone[i].payload, "");
  }
  EXPECT_THAT(removals(after, discover(BridgeTopics{"hems", "homeassistant"})), IsEmpty());
}

// ---- golden files --------------------------------------------------------------------------

bool updating() {
  const char* flag = std::getenv("HEMS_UPDATE_GOLDEN");
  return flag != nullptr && std::string(flag) == "1";
}

std::string golden_name(const std::string& topic) {
  return "bridge_" + level_of(topic, 3) + "_" + object_of(topic) + ".json";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(BridgeGolden, EveryPayloadMatchesItsFile) {
  const auto messages = discover();
  ASSERT_FALSE(messages.empty());
  for (const auto& message : messages) {
    const fs::path file = kGoldenDir / golden_name(message.topic);
    SCOPED_TRACE(file.filename().string());
    if (updating()) {
      std::ofstream(file) << nlohmann::ordered_json::parse(message.payload).dump(2) << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(file)) << "no golden file; run with HEMS_UPDATE_GOLDEN=1 and review";
    EXPECT_EQ(json::parse(read_text(file)), json::parse(message.payload));
  }
}

TEST(BridgeGolden, NoGoldenFileWithoutAPayload) {
  std::set<std::string> expected;
  for (const auto& message : discover())
    expected.insert(golden_name(message.topic));
  std::set<std::string> present;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with("bridge_"))
      present.insert(file);
  }
  EXPECT_EQ(present, expected);
}

}  // namespace
}  // namespace hems::ha::test
