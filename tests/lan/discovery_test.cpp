#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "fake_lan.hpp"

namespace hems::lan::testing {
namespace {
using namespace std::chrono_literals;

// The discovery Gets sent to a group; the start-up announcement (node_profile_test) is not one.
std::vector<Sent> discovery_gets(const FakeLan& lan, const char* group) {
  std::vector<Sent> gets = lan.sent_to(group);
  std::erase_if(gets, [](const Sent& s) { return s.frame.esv != echonet::esv::get; });
  return gets;
}

std::size_t multicast_rounds(const FakeLan& lan) {
  return discovery_gets(lan, kMulticastV4).size();
}

TEST(LanDiscovery, MulticastAnswersFindEveryObjectWithItsMaps) {
  FakeLan lan(test_config());
  FakeNode a = ac_node("192.0.2.10", 0x01);
  a.objects.push_back(air_conditioner(2));
  lan.add(a);
  lan.add(ac_node("fe80::2%eth0", 0x02));
  lan.start();

  // The first round goes to both groups: a Get of D6, 83, 8A to the node profile.
  const auto v4 = discovery_gets(lan, kMulticastV4);
  const auto v6 = discovery_gets(lan, kMulticastV6);
  ASSERT_EQ(v4.size(), 1u);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_TRUE(v4[0].multicast);
  EXPECT_EQ(v4[0].frame.esv, echonet::esv::get);
  EXPECT_EQ(v4[0].frame.deoj, echonet::kNodeProfile);
  ASSERT_EQ(v4[0].frame.properties.size(), 3u);
  EXPECT_EQ(v4[0].frame.properties[0].epc, 0xD6);
  EXPECT_EQ(v4[0].frame.properties[1].epc, 0x83);
  EXPECT_EQ(v4[0].frame.properties[2].epc, 0x8A);

  lan.run_for(5s);
  const auto found = lan.all<DeviceFound>();
  ASSERT_EQ(found.size(), 3u);  // repeated discovery answers do not announce twice
  const auto& devices = lan.controller.devices();
  ASSERT_EQ(devices.size(), 3u);
  ASSERT_TRUE(devices.contains("000006_5a449e88_013001"));
  ASSERT_TRUE(devices.contains("000006_5a449e88_013002"));
  ASSERT_TRUE(devices.contains("000006_5d44a341_013001"));
  const DeviceInfo& ac = devices.at("000006_5a449e88_013001");
  EXPECT_EQ(ac.address, "192.0.2.10");
  EXPECT_EQ(ac.eoj, (echonet::Eoj{0x01, 0x30, 0x01}));
  EXPECT_EQ(ac.node_id, node_id_bytes(0x01));
  EXPECT_EQ(ac.manufacturer, std::optional<std::uint32_t>(6));
  EXPECT_EQ(ac.get_map,
            (std::vector<std::uint8_t>{0x80, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB3, 0xBB}));
  EXPECT_EQ(ac.set_map, (std::vector<std::uint8_t>{0x80, 0xB0, 0xB3}));
  EXPECT_EQ(ac.inf_map, (std::vector<std::uint8_t>{0x80, 0xB0}));
  EXPECT_EQ(devices.at("000006_5d44a341_013001").address, "fe80::2%eth0");

  const auto online = lan.all<AvailabilityChanged>();
  ASSERT_EQ(online.size(), 3u);
  for (const auto& change : online)
    EXPECT_TRUE(change.online);
}

TEST(LanDiscovery, TheInstallationLocationComesWithTheMaps) {
  FakeLan lan(test_config());
  FakeNode node = ac_node("192.0.2.10", 0x01);
  node.objects[0].values[0x81] = {0x08};  // living room
  FakeObject malformed = air_conditioner(2);
  malformed.values[0x81] = {0x08, 0x01};  // one byte or seventeen, never two
  node.objects.push_back(malformed);
  node.objects.push_back(air_conditioner(3));  // no location at all: answered with PDC 0
  lan.add(node);
  lan.start();
  lan.run_for(5s);

  // Asked in the same frame as the maps, so the device is announced with it.
  const auto sent = lan.sent_to("192.0.2.10");
  const bool with_maps = std::any_of(sent.begin(), sent.end(), [](const Sent& s) {
    const auto& props = s.frame.properties;
    auto has = [&](std::uint8_t epc) {
      return std::any_of(props.begin(), props.end(), [&](const auto& p) { return p.epc == epc; });
    };
    return s.frame.esv == echonet::esv::get && has(0x9F) && has(0x81);
  });
  EXPECT_TRUE(with_maps);

  std::map<std::uint8_t, Bytes> location_of;
  for (const auto& found : lan.all<DeviceFound>())
    location_of[found.device.eoj.instance] = found.device.installation_location;
  ASSERT_EQ(location_of.size(), 3u) << "a missing or malformed location costs no device";
  EXPECT_EQ(location_of[1], Bytes{0x08});
  EXPECT_TRUE(location_of[2].empty()) << "malformed: ignored";
  EXPECT_TRUE(location_of[3].empty());
  EXPECT_EQ(lan.controller.devices().at("000006_5a449e88_013001").installation_location,
            Bytes{0x08});
}

TEST(LanDiscovery, OtherControllersAreNotDevices) {
  // A HEMS controller or a second bridge lists its controller object (0x05FF01) beside any
  // appliance: only the appliance becomes a device.
  FakeLan lan(test_config());
  FakeNode node = ac_node("192.0.2.10", 0x01);
  node.objects.push_back(FakeObject{echonet::Eoj{0x05, 0xFF, 0x01}, {{0x80, {0x30}}}, {}, {}});
  lan.add(node);
  lan.start();
  lan.run_for(10s);
  const auto found = lan.all<DeviceFound>();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].device.eoj, (echonet::Eoj{0x01, 0x30, 0x01}));
}

TEST(LanDiscovery, RepeatedAtStartThenPeriodically) {
  ControllerConfig config = test_config();
  config.ipv6 = false;
  FakeLan lan(config);
  lan.start();
  EXPECT_EQ(multicast_rounds(lan), 1u);
  EXPECT_TRUE(lan.sent_to(kMulticastV6).empty());  // neither discovery nor announcement
  lan.run_for(1900ms);
  EXPECT_EQ(multicast_rounds(lan), 1u);
  lan.run_for(2200ms);  // t0 + 4.1 s: rounds at 0, 2 and 4 s
  EXPECT_EQ(multicast_rounds(lan), 3u);
  lan.run_for(299s);
  EXPECT_EQ(multicast_rounds(lan), 3u);
  lan.run_for(1s);  // 300 s after the last start-up round
  EXPECT_EQ(multicast_rounds(lan), 4u);
  // Every round has a fresh TID.
  const auto rounds = discovery_gets(lan, kMulticastV4);
  EXPECT_NE(rounds[0].frame.tid, rounds[1].frame.tid);
  EXPECT_NE(rounds[2].frame.tid, rounds[3].frame.tid);
}

TEST(LanDiscovery, ConfiguredHostsAreProbedByUnicast) {
  ControllerConfig config = test_config();
  config.hosts = {"198.51.100.7"};
  FakeLan lan(config);
  FakeNode quiet = ac_node("198.51.100.7", 0x07);
  quiet.answers_multicast = false;  // a network without multicast
  lan.add(quiet);
  lan.start();
  const auto probes = lan.sent_to("198.51.100.7");
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_FALSE(probes[0].multicast);
  EXPECT_EQ(probes[0].frame.deoj, echonet::kNodeProfile);
  lan.run_for(3s);
  EXPECT_TRUE(lan.controller.devices().contains("000006_6044a7fa_013001"));
}

TEST(LanDiscovery, LateJoinerAnnouncingItsInstancesIsInterrogated) {
  FakeLan lan(test_config());
  FakeNode late = ac_node("192.0.2.50", 0x50);
  late.answers_multicast = false;
  FakeNode& node = lan.add(late);
  lan.start();
  lan.run_for(5s);
  ASSERT_TRUE(lan.controller.devices().empty());

  echonet::Frame inf;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::kNodeProfile;
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xD5, node.instance_list()}};
  lan.inject("192.0.2.50", echonet::encode(inf));
  lan.run_for(2s);

  // The controller asked the node itself for what the announcement lacks.
  bool asked_identity = false;
  for (const auto& request : node.received) {
    if (request.deoj == echonet::kNodeProfile && request.find(0x83) != nullptr)
      asked_identity = true;
  }
  EXPECT_TRUE(asked_identity);
  ASSERT_EQ(lan.all<DeviceFound>().size(), 1u);
  EXPECT_EQ(lan.all<DeviceFound>()[0].device.id, "000006_0b44222b_013001");
  EXPECT_EQ(lan.all<DeviceFound>()[0].device.address, "192.0.2.50");
}

TEST(LanDiscovery, AddressChangeKeepsTheDeviceId) {
  ControllerConfig config = test_config();
  config.poll_interval = 20s;
  FakeLan lan(config);
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(5s);
  const std::string id = "000006_5a449e88_013001";
  ASSERT_TRUE(lan.controller.devices().contains(id));
  lan.clear();

  lan.node("192.0.2.10")->address = "192.0.2.20";  // DHCP gave the node a new address
  lan.run_for(310s);                               // past the next periodic discovery

  ASSERT_EQ(lan.controller.devices().size(), 1u);
  EXPECT_EQ(lan.controller.devices().at(id).address, "192.0.2.20");
  const auto found = lan.all<DeviceFound>();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].device.id, id);
  EXPECT_EQ(found[0].device.address, "192.0.2.20");
  // It went offline at the old address and came back at the new one, and is polled there.
  const auto availability = lan.all<AvailabilityChanged>();
  ASSERT_FALSE(availability.empty());
  EXPECT_FALSE(availability.front().online);
  EXPECT_TRUE(availability.back().online);
  bool polled_at_new = false;
  for (const auto& s : lan.sent_to("192.0.2.20")) {
    if (s.frame.deoj == (echonet::Eoj{0x01, 0x30, 0x01}) && s.frame.esv == echonet::esv::get)
      polled_at_new = true;
  }
  EXPECT_TRUE(polled_at_new);
}

TEST(LanDiscovery, NamesOverrideIdsAndAddressesStandInForMissingIdentification) {
  ControllerConfig config = test_config();
  config.names = {{"1718191A1B01/0x013001", "living_ac"}, {"192.0.2.31/0x013001", "bedroom_ac"}};
  FakeLan lan(config);
  lan.add(ac_node("192.0.2.10", 0x01));
  FakeNode anonymous = ac_node("192.0.2.30", 0x30);
  anonymous.node_id.clear();
  lan.add(anonymous);
  FakeNode named = ac_node("192.0.2.31", 0x31);
  named.node_id.clear();
  lan.add(named);
  lan.start();
  lan.run_for(5s);
  const auto& devices = lan.controller.devices();
  EXPECT_TRUE(devices.contains("living_ac"));
  EXPECT_TRUE(devices.contains("192_0_2_30_013001"));
  EXPECT_TRUE(devices.contains("bedroom_ac"));
  EXPECT_EQ(devices.size(), 3u);
}

}  // namespace
}  // namespace hems::lan::testing
