// What Home Assistant sees of a LAN device's identity: unique ids and discovery topics come from
// the controller's hardware id, never from a configured name, so two devices never share them.
// The device's name is the configured one, or else its class and installation location.

#include <gtest/gtest.h>

#include <set>

#include "hems/app/lan_presenter.hpp"

namespace hems::app {
namespace {

LanLink::Device aircon(const std::string& id, const std::string& hardware_id) {
  LanLink::Device device;
  device.info.id = id;
  device.info.hardware_id = hardware_id;
  device.info.address = "192.0.2.10";
  device.info.eoj = echonet::Eoj{0x01, 0x30, 0x01};
  device.info.get_map = {0x80, 0xB0, 0xB3, 0xBB};
  device.info.set_map = {0x80, 0xB0, 0xB3};
  device.online = true;
  return device;
}

std::set<std::string> device_names(const std::vector<ha::DiscoveryMessage>& messages) {
  std::set<std::string> out;
  for (const auto& m : messages)
    out.insert(nlohmann::json::parse(m.payload)["device"]["name"].get<std::string>());
  return out;
}

std::set<std::string> unique_ids(const std::vector<ha::DiscoveryMessage>& messages) {
  std::set<std::string> out;
  for (const auto& m : messages)
    out.insert(nlohmann::json::parse(m.payload)["unique_id"].get<std::string>());
  return out;
}

TEST(LanIdentityPresenter, UniqueIdsComeFromTheHardwareIdNotTheName) {
  Config c;
  const auto named = lan_discovery_messages(c, aircon("living_ac", "00000b_1a2b3c4d_013001"));
  const auto plain =
      lan_discovery_messages(c, aircon("00000b_1a2b3c4d_013001", "00000b_1a2b3c4d_013001"));
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(unique_ids(named), unique_ids(plain)) << "a rename keeps the entities";
  for (const auto& m : named)
    EXPECT_NE(m.topic.find("/hems2mqtt_00000b_1a2b3c4d_013001/"), std::string::npos) << m.topic;
}

TEST(LanIdentityPresenter, TwinsNeverShareATopicOrAUniqueId) {
  Config c;
  const auto first = lan_discovery_messages(c, aircon("living_ac", "00000b_1a2b3c4d_013001"));
  const auto second = lan_discovery_messages(c, aircon("living_ac_2", "00000b_1a2b3c4d_013001_2"));
  const auto first_ids = unique_ids(first);
  for (const auto& id : unique_ids(second))
    EXPECT_FALSE(first_ids.contains(id)) << id;
  std::set<std::string> topics;
  for (const auto& m : first)
    topics.insert(m.topic);
  for (const auto& m : second)
    EXPECT_FALSE(topics.contains(m.topic)) << m.topic;
}

TEST(LanIdentityPresenter, AConfiguredNameNamesTheDevice) {
  Config c;
  LanLink::Device device = aircon("living_ac", "00000b_1a2b3c4d_013001");
  device.info.installation_location = {0x10};  // dining room: the user's name still wins
  EXPECT_EQ(device_names(lan_discovery_messages(c, device)), std::set<std::string>{"living_ac"});
}

TEST(LanIdentityPresenter, OtherwiseClassAndLocationNameTheDevice) {
  Config c;
  LanLink::Device device = aircon("00000b_1a2b3c4d_013001", "00000b_1a2b3c4d_013001");
  EXPECT_EQ(device_names(lan_discovery_messages(c, device)),
            std::set<std::string>{"Air conditioner"});
  device.info.installation_location = {0x08};  // living room
  EXPECT_EQ(device_names(lan_discovery_messages(c, device)),
            std::set<std::string>{"Air conditioner (living room)"});
  c.mqtt.discovery_language = "ja";
  EXPECT_EQ(device_names(lan_discovery_messages(c, device)),
            std::set<std::string>{"エアコン（リビング）"});
  // A twin keeps the name; Home Assistant tells them apart by their unique ids.
  LanLink::Device twin = aircon("00000b_1a2b3c4d_013001_2", "00000b_1a2b3c4d_013001_2");
  twin.info.installation_location = {0x08};
  EXPECT_EQ(device_names(lan_discovery_messages(c, twin)),
            std::set<std::string>{"エアコン（リビング）"});
}

}  // namespace
}  // namespace hems::app
