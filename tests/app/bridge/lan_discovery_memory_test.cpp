// The LAN discovery topics of earlier runs: remembered until discovery settled, then those no
// device has any more are removed once.

#include "hems/app/lan_discovery_memory.hpp"

#include <gtest/gtest.h>

namespace hems::app {
namespace {

std::vector<ha::DiscoveryMessage> topics(std::initializer_list<const char*> names) {
  std::vector<ha::DiscoveryMessage> out;
  for (const char* name : names)
    out.push_back({name, "{}"});
  return out;
}

TEST(LanDiscoveryMemory, StaleTopicsAreTheRememberedOnesNoDeviceHas) {
  const auto remembered = topics({"ha/climate/hems2mqtt_old/climate/config", "ha/x/kept/config"});
  const auto current = topics({"ha/x/kept/config", "ha/x/new/config"});
  const auto removals = stale_lan_discovery(remembered, current);
  ASSERT_EQ(removals.size(), 1u);
  EXPECT_EQ(removals[0].topic, "ha/climate/hems2mqtt_old/climate/config");
  EXPECT_EQ(removals[0].payload, "");
  EXPECT_TRUE(removals[0].retain);
  EXPECT_TRUE(stale_lan_discovery({}, current).empty());
  EXPECT_TRUE(stale_lan_discovery(remembered, remembered).empty());
}

TEST(LanDiscoveryMemory, TheOldAreRememberedUntilSettledThenOnlyTheCurrent) {
  const auto remembered = topics({"old", "kept"});
  const auto current = topics({"kept", "new"});
  auto names = [](const std::vector<ha::DiscoveryMessage>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages)
      out.push_back(m.topic);
    return out;
  };
  EXPECT_EQ(names(lan_topics_to_remember(remembered, current, false)),
            (std::vector<std::string>{"kept", "new", "old"}));
  EXPECT_EQ(names(lan_topics_to_remember(remembered, current, true)),
            (std::vector<std::string>{"kept", "new"}));
}

TEST(LanDiscoveryMemory, EveryDevicesToldConfigsTogether) {
  std::map<std::string, Announced> announced;
  announced["a"].update({{"t/a1", "{1}"}, {"t/a2", "{2}"}}, false);
  announced["b"].update({{"t/b1", "{3}"}}, false);
  const auto told = lan_discovery_told(announced);
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[2].topic, "t/b1");
}

}  // namespace
}  // namespace hems::app
