// The LAN's path through the real bridge, in-process: simulated appliances are found, their
// states published, and get/set/raw requests answered with what each device said.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "fakes/bridge_harness.hpp"
#include "hems/app/state_dir.hpp"

namespace hems::test {
namespace {

class LanWiring : public BridgeHarness {
 protected:
  static constexpr const char* kNode = "192.0.2.10";

  app::Config lan_config() const {
    app::Config c = config();
    c.meter.enabled = false;
    c.lan.enabled = true;
    c.lan.ipv6 = false;
    return c;
  }
  static sim::LanOptions aircon(Bytes node_id) {
    sim::LanOptions options;
    options.objects = {sim::LanObjectKind::aircon};
    options.node_id = std::move(node_id);
    options.maker = {0x00, 0x00, 0x0B};
    return options;
  }
  void add_aircon(const std::string& address, std::uint8_t node_byte) {
    Bytes node_id(13, 0);
    node_id.back() = node_byte;
    lan_.add_node(address, aircon(std::move(node_id)));
  }
  // The LAN devices in bridge/devices, once there are `count`.
  json devices(std::size_t count) {
    json out;
    run([&] {
      auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
      if (!list || !list->is_array() || list->size() != count)
        return false;
      out = *list;
      return true;
    });
    return out;
  }
  // Home Assistant configs published so far (not removals), by the id of their device (read from
  // its availability topic, <base>/<id>/availability: two devices may share a display name).
  struct Entities {
    std::set<std::string> topics, unique_ids, identifiers;
  };
  std::map<std::string, Entities> entities_by_device() const {
    std::map<std::string, Entities> out;
    for (const auto& m : mqtt_->published) {
      if (!m.topic.starts_with("homeassistant/") || m.payload.empty())
        continue;
      json config = json::parse(m.payload, nullptr, false);
      // Appliances are reached through the bridge's own device, which is not one of them.
      if (config.is_discarded() || !config.contains("device") ||
          !config["device"].contains("via_device"))
        continue;
      std::string device = config["availability"][1]["topic"].get<std::string>();
      device = device.substr(std::string("hems2mqtt/").size());
      device.resize(device.size() - std::string("/availability").size());
      Entities& e = out[device];
      e.topics.insert(m.topic);
      e.unique_ids.insert(config["unique_id"].get<std::string>());
      for (const auto& id : config["device"]["identifiers"])
        e.identifiers.insert(id.get<std::string>());
    }
    return out;
  }
  std::size_t removals_of(const std::string& topic) const {
    std::size_t n = 0;
    for (const auto& m : mqtt_->on(topic))
      n += m.payload.empty() && m.retain ? 1u : 0u;
    return n;
  }
  std::size_t all_removals() const {
    std::size_t n = 0;
    for (const auto& m : mqtt_->published)
      n += m.topic.starts_with("homeassistant/") && m.payload.empty() ? 1u : 0u;
    return n;
  }
  // The id of the first LAN device in bridge/devices, once there is one.
  std::string first_device() {
    std::string id;
    run([&] {
      auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
      if (!list || !list->is_array() || list->empty())
        return false;
      id = (*list)[0]["id"];
      return true;
    });
    return id;
  }
};

TEST_F(LanWiring, AnApplianceIsFoundAndItsStatePublished) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(run([&] {
    return published("hems2mqtt/" + id, 0,
                     [](const json& s) { return s.contains("operation_status"); });
  }));
  EXPECT_TRUE(published("hems2mqtt/" + id + "/availability", 0,
                        [](const json& s) { return s["state"] == "online"; }));
  EXPECT_GT(mqtt_->count_prefix("homeassistant/climate/"), 0u);
  auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
  EXPECT_EQ((*list)[0]["address"], kNode);
  EXPECT_EQ((*list)[0]["eoj"], "0x013001");
}

TEST_F(LanWiring, SetResultsSayWhatTheDeviceAcceptedAndRefused) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";

  mqtt_->deliver("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":23,"operation_status":true})");
  ASSERT_TRUE(wait_response(reply, "s1"));
  auto set = response(reply, "s1");
  EXPECT_EQ((*set)["status"], "ok") << set->dump();
  EXPECT_EQ((*set)["data"]["target_temperature"], "accepted");
  // The accepted value is read back, so the state shows the device's own view.
  EXPECT_TRUE(run([&] {
    return published("hems2mqtt/" + id, 0,
                     [](const json& s) { return s.value("target_temperature", 0) == 23; });
  }));

  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"s2","target_temperature":99})");
  loop_.run_ready();
  auto refused = response(reply, "s2");
  ASSERT_TRUE(refused) << "an out-of-range value is refused before anything is sent";
  EXPECT_EQ((*refused)["status"], "error");
  EXPECT_EQ((*refused)["data"]["target_temperature"], "rejected");

  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"s3","0xB3":"63"})");
  ASSERT_TRUE(wait_response(reply, "s3"));
  EXPECT_EQ((*response(reply, "s3"))["data"]["0xB3"], "rejected");
}

TEST_F(LanWiring, AGetOfADeviceThatVanishedTimesOutAndItGoesOffline) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";
  lan_.set_gone(kNode, true);
  mqtt_->deliver("hems2mqtt/" + id + "/get", R"({"transaction":"g1","operation_status":""})");
  ASSERT_TRUE(wait_response(reply, "g1"));
  auto answer = response(reply, "g1");
  EXPECT_EQ((*answer)["status"], "error");
  EXPECT_NE((*answer)["error"].get<std::string>().find("timeout"), std::string::npos);
  EXPECT_TRUE(run(
      [&] {
        return published("hems2mqtt/" + id + "/availability", 0,
                         [](const json& s) { return s["state"] == "offline"; });
      },
      std::chrono::minutes(15)));
}

TEST_F(LanWiring, RawFramesReachAnyAddressAndComeBackAsAnswered) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  ASSERT_FALSE(first_device().empty());
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 std::string(R"({"transaction":"r1","address":")") + kNode +
                     R"(","eoj":"0x013001","esv":"get","properties":{"0x80":""}})");
  ASSERT_TRUE(wait_response(kRawResponse, "r1"));
  auto raw = response(kRawResponse, "r1");
  EXPECT_EQ((*raw)["status"], "ok");
  EXPECT_EQ((*raw)["data"]["esv"], "0x72");
}

TEST_F(LanWiring, TheBridgeAnswersAsANodeAndAnnouncesItself) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  ASSERT_FALSE(first_device().empty());
  // At start: our instance list (the controller object) to the group.
  const Bytes notice_body{0x0E, 0xF0, 0x01, 0x0E, 0xF0, 0x01, 0x73,
                          0x01, 0xD5, 0x04, 0x01, 0x05, 0xFF, 0x01};
  bool announced = false;
  for (const auto& sent : lan_.bridge_sends()) {
    announced =
        announced || (sent.to == "224.0.23.0" && sent.multicast &&
                      sent.payload.size() == 4 + notice_body.size() &&
                      std::equal(notice_body.begin(), notice_body.end(), sent.payload.begin() + 4));
  }
  EXPECT_TRUE(announced);
  // Another controller reads our node profile's instance list: the answer goes back to it.
  const std::string asker = "192.0.2.50";
  const Bytes get{0x10, 0x81, 0x43, 0x21, 0x05, 0xFF, 0x01,
                  0x0E, 0xF0, 0x01, 0x62, 0x01, 0xD6, 0x00};
  const Bytes want{0x10, 0x81, 0x43, 0x21, 0x0E, 0xF0, 0x01, 0x05, 0xFF,
                   0x01, 0x72, 0x01, 0xD6, 0x04, 0x01, 0x05, 0xFF, 0x01};
  lan_.say(asker, get);
  ASSERT_TRUE(run([&] {
    const auto& sends = lan_.bridge_sends();
    return std::any_of(sends.begin(), sends.end(), [&](const SimLan::Sent& s) {
      return s.to == asker && !s.multicast && s.payload == want;
    });
  }));
}

TEST_F(LanWiring, TheSocketIsOpenedAgainWhenThePortWasBusy) {
  add_aircon(kNode, 1);
  lan_.fail_opens(1);
  start(lan_config(), sim_options());
  EXPECT_EQ(lan_.opens(), 0);
  const TimePoint started = loop_.now();
  ASSERT_FALSE(first_device().empty());
  EXPECT_EQ(lan_.opens(), 1);
  EXPECT_GE(loop_.now() - started, std::chrono::seconds(60));
}

TEST_F(LanWiring, TwoAppliancesOfOneMakerAreTwoDevices) {
  add_aircon(kNode, 1);
  add_aircon("192.0.2.11", 2);
  start(lan_config(), sim_options());
  ASSERT_TRUE(run([&] {
    auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
    return list && list->size() == 2;
  }));
  auto list = *mqtt_->last_json("hems2mqtt/bridge/devices");
  EXPECT_NE(list[0]["id"], list[1]["id"]);
}

TEST_F(LanWiring, TwoAirconsSharingTheLastBytesOfTheirNumbersKeepTheirOwnEntities) {
  // The serial first, zero padding after it: both numbers end in the same six bytes.
  lan_.add_node(kNode, aircon(Bytes{'S', 'N', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  lan_.add_node("192.0.2.11", aircon(Bytes{'S', 'N', 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}));
  start(lan_config(), sim_options());
  const json list = devices(2);
  ASSERT_EQ(list.size(), 2u);
  const std::string a = list[0]["id"], b = list[1]["id"];
  EXPECT_NE(a, b);
  for (const std::string& id : {a, b}) {
    EXPECT_TRUE(id.starts_with("00000b_")) << id;
    EXPECT_TRUE(id.ends_with("_013001")) << id << ": no suffix, the numbers differ";
    EXPECT_TRUE(run([&] {
      return published("hems2mqtt/" + id, 0,
                       [](const json& s) { return s.contains("operation_status"); });
    })) << id;
  }
  ASSERT_TRUE(run([&] { return entities_by_device().size() == 2; }));
  auto entities = entities_by_device();
  const Entities& ea = entities.at(a);
  const Entities& eb = entities.at(b);
  EXPECT_FALSE(ea.topics.empty());
  EXPECT_EQ(ea.topics.size(), eb.topics.size()) << "two aircons, the same entities";
  for (const auto& topic : ea.topics)
    EXPECT_FALSE(eb.topics.contains(topic)) << topic;
  for (const auto& uid : ea.unique_ids)
    EXPECT_FALSE(eb.unique_ids.contains(uid)) << uid;
  EXPECT_NE(ea.identifiers, eb.identifiers);
  EXPECT_EQ(all_removals(), 0u) << "neither config replaced the other's";
}

TEST_F(LanWiring, ANodeAtANewAddressKeepsItsIdOnceTheOldIsQuiet) {
  const Bytes node_id{'S', 'N', 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0};
  lan_.add_node(kNode, aircon(node_id));
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(run([&] { return entities_by_device().size() == 1; }));
  const auto before = entities_by_device().at(id);

  lan_.set_gone(kNode, true);  // DHCP moved it: the new address announces itself at once
  lan_.add_node("192.0.2.20", aircon(node_id));
  ASSERT_TRUE(run([&] {
    auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
    return list && list->size() == 1 && (*list)[0]["address"] == "192.0.2.20";
  }));
  EXPECT_EQ((*mqtt_->last_json("hems2mqtt/bridge/devices"))[0]["id"], id);
  EXPECT_TRUE(run([&] {
    return published("hems2mqtt/" + id + "/availability", 0,
                     [](const json& s) { return s["state"] == "online"; });
  }));
  auto after = entities_by_device();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.at(id).unique_ids, before.unique_ids);
  EXPECT_EQ(all_removals(), 0u);
}

TEST_F(LanWiring, OneNumberAnsweringFromTwoAddressesIsTwoDevices) {
  const Bytes node_id{'S', 'N', 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0};
  lan_.add_node(kNode, aircon(node_id));
  lan_.add_node("192.0.2.11", aircon(node_id));
  ::testing::internal::CaptureStdout();
  start(lan_config(), sim_options());
  const json list = devices(2);
  const std::string output = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(list.size(), 2u);
  std::map<std::string, std::string> id_at;
  for (const auto& d : list)
    id_at[d["address"]] = d["id"];
  EXPECT_EQ(id_at.at("192.0.2.11"), id_at.at(kNode) + "_2");
  EXPECT_NE(output.find("at once; they are distinct devices"), std::string::npos) << output;
  ASSERT_TRUE(run([&] { return entities_by_device().size() == 2; }));
  auto entities = entities_by_device();
  for (const auto& uid : entities.at(id_at.at(kNode)).unique_ids)
    EXPECT_FALSE(entities.at(id_at.at("192.0.2.11")).unique_ids.contains(uid)) << uid;
  EXPECT_EQ(all_removals(), 0u);
}

TEST_F(LanWiring, DiscoveryTopicsOfEarlierIdsAreRemovedOnceDiscoverySettled) {
  const std::string old_climate =
      "homeassistant/climate/hems2mqtt_000000000001_013001/climate/config";
  const std::string old_sensor =
      "homeassistant/sensor/hems2mqtt_000000000001_013001/room_temperature/config";
  const auto file = dir_.path() / std::string(app::kLanDiscoveryFile);
  std::ofstream(file) << old_climate << "\n" << old_sensor << "\n";
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  ASSERT_TRUE(run([&] { return removals_of(old_climate) > 0; }, std::chrono::minutes(2)));
  EXPECT_EQ(removals_of(old_sensor), 1u);
  auto entities = entities_by_device();
  ASSERT_EQ(entities.size(), 1u) << "the device was announced before the old ones went";
  const auto current = entities.begin()->second.topics;
  run([] { return false; }, std::chrono::minutes(10));  // periodic discovery, polls
  EXPECT_EQ(removals_of(old_climate), 1u) << "once";
  EXPECT_EQ(removals_of(old_sensor), 1u);
  EXPECT_EQ(all_removals(), 2u) << "nothing current removed";

  std::ifstream in(file);
  std::set<std::string> listed;
  for (std::string line; std::getline(in, line);)
    listed.insert(line);
  EXPECT_EQ(listed, current) << "the file lists what is announced now";
}

TEST_F(LanWiring, ABurstOfDevicesIsListedAndRememberedOnceNotPerDevice) {
  constexpr std::size_t kNodes = 12;
  for (std::size_t i = 0; i < kNodes; ++i)
    add_aircon("192.0.2." + std::to_string(20 + i), static_cast<std::uint8_t>(i + 1));
  start(lan_config(), sim_options());
  const json list = devices(kNodes);
  ASSERT_EQ(list.size(), kNodes);
  // Each list names every device: one per device found made 12 lists of growing size.
  EXPECT_LE(mqtt_->on("hems2mqtt/bridge/devices").size(), 3u);

  const auto file = dir_.path() / std::string(app::kLanDiscoveryFile);
  ASSERT_TRUE(run([&] {
    std::ifstream in(file);
    std::set<std::string> listed;
    for (std::string line; std::getline(in, line);)
      listed.insert(line);
    std::set<std::string> announced;
    for (const auto& [device, e] : entities_by_device())
      announced.insert(e.topics.begin(), e.topics.end());
    return entities_by_device().size() == kNodes && listed == announced;
  })) << "the file lists every device's topics once the burst is over";
}

}  // namespace
}  // namespace hems::test
