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

TEST_F(Discovery, TurnedOffByAnEmptyPrefix) {
  start_sim(SimSetup{"bp35a1", "pty", {}});
  write_config("", "discovery_prefix = \"\"");
  start_bridge();
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  EXPECT_TRUE(configs().empty());
}

}  // namespace
}  // namespace hems::testing
