// Home Assistant discovery as the real bridge publishes it.
#include "bridge_fixture.hpp"
#include "support/ha_rules.hpp"

namespace hems::testing {
namespace {

class Discovery : public BridgeFixture {
 protected:
  // Every discovery config seen after index `from`, by topic (the latest payload wins).
  std::map<std::string, std::string> configs(std::size_t from = 0) const {
    std::map<std::string, std::string> out;
    const auto all = observer_->messages();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].topic.starts_with("homeassistant/") && all[i].topic.ends_with("/config")) {
        out[all[i].topic] = all[i].payload;
      }
    }
    return out;
  }
  bool wait_configs(std::size_t count, std::size_t from, std::chrono::milliseconds timeout) {
    return test::eventually([&] { return configs(from).size() >= count; }, timeout);
  }
};

TEST_F(Discovery, EveryConfigFollowsHomeAssistantsRules) {
  start_all(SimSetup{"bp35c0", "pty", {"--pv"}});
  ASSERT_TRUE(wait_configs(10, 0, 20s)) << "discovery was not published";
  std::vector<nlohmann::json> parsed;
  for (const auto& [topic, payload] : configs()) {
    SCOPED_TRACE(topic);
    auto j = json::parse(payload, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(test::check_discovery(topic, j), std::vector<std::string>{});
    parsed.push_back(j);
  }
  EXPECT_EQ(test::check_unique_ids(parsed), std::vector<std::string>{});
  // The Energy dashboard needs these two exactly so.
  bool import_ok = false;
  for (const auto& j : parsed) {
    if (j.value("value_template", "").find("energy_import_kwh") != std::string::npos &&
        j.value("device_class", "") == "energy") {
      import_ok = j.value("state_class", "") == "total_increasing" &&
                  j.value("unit_of_measurement", "") == "kWh";
    }
  }
  EXPECT_TRUE(import_ok);
}

TEST_F(Discovery, RepublishedWhenHomeAssistantAnnouncesItself) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  ASSERT_TRUE(wait_configs(10, 0, 20s));
  const std::size_t before = configs().size();
  const std::size_t from = mark();
  observer_->publish("homeassistant/status", "online");
  EXPECT_TRUE(wait_configs(before, from, 10s));
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 10s, from));
}

TEST_F(Discovery, EntitiesThatDisappearAreRemoved) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  ASSERT_TRUE(wait_configs(10, 0, 20s));
  const auto first = configs();
  bool had_t = false;
  for (const auto& [topic, payload] : first)
    had_t |= payload.find("current_t_a") != std::string::npos;
  ASSERT_TRUE(had_t);
  // The same bridge state, but now a single-phase two-wire meter: no T-phase current.
  bridge_->signal(SIGTERM);
  ASSERT_EQ(bridge_->wait_exit(15s), 0);
  sim_.reset();
  const std::size_t from = mark();
  start_sim(SimSetup{"bp35a1", "pty", {"--single-phase"}});
  write_config();
  start_bridge();
  ASSERT_TRUE(test::eventually(
      [&] {
        for (const auto& [topic, payload] : configs(from)) {
          if (payload.empty() && first.contains(topic) &&
              first.at(topic).find("current_t_a") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      60s))
      << "the T-phase entity was not removed";
}

TEST_F(Discovery, JapaneseNamesWhenTheConfigAsksForThem) {
  start_all(SimSetup{"bp35a1", "pty", {}}, "", "discovery_language = \"ja\"");
  ASSERT_TRUE(wait_configs(10, 0, 20s));
  std::optional<json> power, import;
  for (const auto& [topic, payload] : configs()) {
    SCOPED_TRACE(topic);
    auto j = json::parse(payload, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(test::check_discovery(topic, j), std::vector<std::string>{});
    if (topic.ends_with("/power/config"))
      power = j;
    if (topic.ends_with("/energy_import/config"))
      import = j;
  }
  ASSERT_TRUE(power && import);
  EXPECT_EQ((*power)["name"], "瞬時電力");
  EXPECT_EQ((*import)["name"], "積算電力量（買電）");
  EXPECT_EQ((*power)["device"]["name"], "スマートメーター");
  // Entity ids and unique ids are the same as in English.
  EXPECT_EQ((*power)["default_entity_id"], "sensor.smart_meter_power");
  EXPECT_TRUE((*power)["unique_id"].get<std::string>().ends_with("_power"));
}

// The bridge's own device is announced first (the meter names it as via_device) and the meter's
// device names it.
TEST_F(Discovery, TheMeterIsReachedThroughTheBridgeDevice) {
  start_all(SimSetup{"bp35c0", "pty", {}});
  ASSERT_TRUE(wait_configs(10, 0, 20s));
  const std::string bridge_node = "/hems2mqtt_bridge_hems2mqtt/";
  std::optional<std::size_t> first_bridge, first_meter;
  const auto all = observer_->messages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].topic.starts_with("homeassistant/") || !all[i].topic.ends_with("/config"))
      continue;
    auto& first = all[i].topic.find(bridge_node) != std::string::npos ? first_bridge : first_meter;
    if (!first)
      first = i;
  }
  ASSERT_TRUE(first_bridge && first_meter);
  EXPECT_LT(*first_bridge, *first_meter);
  std::size_t bridge_configs = 0;
  for (const auto& [topic, payload] : configs()) {
    SCOPED_TRACE(topic);
    const json config = json::parse(payload);
    EXPECT_TRUE(config["origin"].contains("support_url"));
    if (topic.find(bridge_node) != std::string::npos) {
      ++bridge_configs;
      EXPECT_EQ(config["device"]["name"], "hems2mqtt bridge");
    } else {
      EXPECT_EQ(config["device"]["via_device"], "hems2mqtt_bridge_hems2mqtt");
    }
  }
  EXPECT_EQ(bridge_configs, 4U);
}

// Another base topic is another bridge device; the old one's configs are removed, as the
// meter's are when the meter changes.
TEST_F(Discovery, ARenamedBridgeRemovesItsOldDevice) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  const std::string old_node = "/hems2mqtt_bridge_hems2mqtt/";
  std::vector<std::string> old_topics;
  ASSERT_TRUE(test::eventually(
      [&] {
        old_topics.clear();
        for (const auto& [topic, payload] : configs()) {
          if (topic.find(old_node) != std::string::npos)
            old_topics.push_back(topic);
        }
        return old_topics.size() == 4;
      },
      20s));
  bridge_->signal(SIGTERM);
  ASSERT_EQ(bridge_->wait_exit(15s), 0);
  const std::size_t from = mark();
  write_config("", "base_topic = \"hems_b\"");
  start_bridge();
  EXPECT_TRUE(test::eventually(
      [&] {
        const auto seen = configs(from);
        std::size_t removed = 0, added = 0;
        for (const auto& topic : old_topics)
          removed += seen.contains(topic) && seen.at(topic).empty() ? 1U : 0U;
        for (const auto& [topic, payload] : seen)
          added += topic.find("/hems2mqtt_bridge_hems_b/") != std::string::npos && !payload.empty();
        return removed == old_topics.size() && added == 4;
      },
      30s))
      << "the old bridge device was not replaced";
}

TEST_F(Discovery, TurnedOffByAnEmptyPrefix) {
  start_sim(SimSetup{"bp35a1", "pty", {}});
  write_config("", "discovery_prefix = \"\"");
  start_bridge();
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  EXPECT_TRUE(configs().empty());
}

}  // namespace
}  // namespace hems::testing
