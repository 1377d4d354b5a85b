// Identity in the controller: ids from the whole identification number, never shared by two
// devices, kept across an address change only when the old address has gone quiet.

#include <gtest/gtest.h>

#include <set>

#include "fake_lan.hpp"

namespace hems::lan::testing {
namespace {
using namespace std::chrono_literals;

// 0xFE, maker 0x000008, then seven serial bytes and six zeros: the last six bytes are all zero.
Bytes zero_padded(std::uint8_t serial) {
  return Bytes{0xFE, 0x00,   0x00, 0x08, 0x53, 0x4E, 0x00, 0x00, 0x00,
               0x00, serial, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
}

FakeNode ac_with(std::string address, Bytes node_id) {
  FakeNode node = ac_node(std::move(address), 0);
  node.node_id = std::move(node_id);
  return node;
}

std::vector<std::string> logs_with(const FakeLan& lan, const std::string& part, LogLevel level) {
  std::vector<std::string> out;
  for (const auto& log : lan.all<LanLog>()) {
    if (log.level == level && log.text.find(part) != std::string::npos)
      out.push_back(log.text);
  }
  return out;
}

void expect_all_distinct(const std::map<std::string, DeviceInfo>& devices) {
  std::set<std::string> hardware_ids;
  for (const auto& [id, info] : devices) {
    EXPECT_EQ(id, info.id);
    EXPECT_TRUE(hardware_ids.insert(info.hardware_id).second)
        << "hardware id " << info.hardware_id << " shared";
  }
}

TEST(LanIdentity, NumbersSharingTheirLastBytesAreTwoDevices) {
  FakeLan lan(test_config());
  lan.add(ac_with("192.0.2.10", zero_padded(1)));
  lan.add(ac_with("192.0.2.11", zero_padded(2)));
  lan.start();
  lan.run_for(5s);
  const auto& devices = lan.controller.devices();
  ASSERT_EQ(devices.size(), 2u);
  const std::string a = lan.id_of("192.0.2.10"), b = lan.id_of("192.0.2.11");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("000008_")) << a;
  EXPECT_TRUE(b.starts_with("000008_")) << b;
  EXPECT_EQ(a.size(), std::string("000008_12345678_013001").size()) << "not suffixed: " << a;
  EXPECT_EQ(b.size(), a.size()) << "not suffixed: " << b;
  expect_all_distinct(devices);
  EXPECT_TRUE(logs_with(lan, "at once", LogLevel::warning).empty());
}

TEST(LanIdentity, UnsetNumbersFallBackToAddressesLoggedOnce) {
  FakeLan lan(test_config());
  Bytes unset(17, 0x00);
  unset[0] = 0xFE;
  unset[3] = 0x08;
  lan.add(ac_with("192.0.2.10", unset));
  lan.add(ac_with("192.0.2.11", unset));
  lan.start();
  lan.run_for(310s);  // the startup rounds and one periodic one
  const auto& devices = lan.controller.devices();
  ASSERT_EQ(devices.size(), 2u) << "an unset number says nothing about identity";
  EXPECT_TRUE(devices.contains("192_0_2_10_013001"));
  EXPECT_TRUE(devices.contains("192_0_2_11_013001"));
  expect_all_distinct(devices);
  const auto logged = logs_with(lan, "identification number unset (all zeros)", LogLevel::warning);
  EXPECT_EQ(logged.size(), 2u) << "once per node";
}

TEST(LanIdentity, OneNumberAnsweringFromTwoAddressesIsTwoDevices) {
  FakeLan lan(test_config());
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.add(ac_node("192.0.2.11", 0x01));
  lan.start();
  lan.run_for(30s);
  const auto& devices = lan.controller.devices();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(lan.id_of("192.0.2.10"), "000006_5a449e88_013001");
  EXPECT_EQ(lan.id_of("192.0.2.11"), "000006_5a449e88_013001_2");
  expect_all_distinct(devices);
  EXPECT_EQ(devices.at("000006_5a449e88_013001_2").hardware_id, "000006_5a449e88_013001_2");
  EXPECT_EQ(logs_with(lan, "at once", LogLevel::warning).size(), 1u);
  // Both are polled, each at its own address.
  lan.clear();
  lan.run_for(70s);
  std::set<std::string> polled;
  for (const auto& update : lan.all<PropertiesUpdated>())
    polled.insert(update.device_id);
  EXPECT_EQ(polled.size(), 2u);
  // Rounds of discovery later, still the same two.
  lan.run_for(600s);
  EXPECT_EQ(lan.controller.devices().size(), 2u);
  EXPECT_EQ(lan.id_of("192.0.2.11"), "000006_5a449e88_013001_2");
}

TEST(LanIdentity, AMoveIsTakenWhenTheOldAddressNoLongerAnswers) {
  ControllerConfig config = test_config();
  config.poll_interval = 60s;
  FakeLan lan(config);
  FakeNode& node = lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(5s);
  const std::string id = "000006_5a449e88_013001";
  ASSERT_TRUE(lan.controller.devices().contains(id));
  lan.clear();

  // A new address, announced at once: the old one's device is still online.
  node.address = "192.0.2.20";
  echonet::Frame inf;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::kNodeProfile;
  inf.esv = echonet::esv::inf;
  inf.properties = {{0xD5, node.instance_list()}};
  lan.inject("192.0.2.20", echonet::encode(inf));
  lan.run_for(20s);

  bool probed_old = false;
  for (const auto& s : lan.sent_to("192.0.2.10"))
    probed_old = probed_old || (s.frame.deoj == echonet::kNodeProfile && s.frame.find(0x83));
  EXPECT_TRUE(probed_old) << "the old address was asked before deciding";
  ASSERT_EQ(lan.controller.devices().size(), 1u);
  EXPECT_EQ(lan.controller.devices().at(id).address, "192.0.2.20");
  const auto found = lan.all<DeviceFound>();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].device.id, id);
  EXPECT_TRUE(logs_with(lan, "at once", LogLevel::warning).empty());
}

TEST(LanIdentity, NamesAndHardwareIdsStayDistinctForTwins) {
  ControllerConfig config = test_config();
  config.names = {{"000006_5a449e88/0x013001", "living_ac"}};
  FakeLan lan(config);
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.add(ac_node("192.0.2.11", 0x01));
  lan.start();
  lan.run_for(30s);
  const auto& devices = lan.controller.devices();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_TRUE(devices.contains("living_ac"));
  EXPECT_TRUE(devices.contains("living_ac_2"));
  EXPECT_EQ(devices.at("living_ac").hardware_id, "000006_5a449e88_013001");
  expect_all_distinct(devices);
}

TEST(LanIdentity, DiscoverySettlesOnceAfterTheStartupRounds) {
  ControllerConfig config = test_config();
  FakeLan lan(config);
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(config.startup_spacing * (config.startup_discoveries - 1));
  EXPECT_TRUE(lan.all<DiscoverySettled>().empty()) << "the last startup round is just out";
  lan.run_for(config.startup_spacing + 1s);
  EXPECT_EQ(lan.all<DiscoverySettled>().size(), 1u);
  lan.run_for(700s);
  EXPECT_EQ(lan.all<DiscoverySettled>().size(), 1u);
}

TEST(LanIdentity, DiscoverySettlesOnlyWhenEveryNodeIsInterrogated) {
  ControllerConfig config = test_config();
  FakeLan lan(config);
  FakeNode slow = ac_node("192.0.2.10", 0x01);
  slow.delay = 5500ms;  // answers after the last startup round, maps a retry later
  lan.add(slow);
  lan.start();
  lan.run_for(config.startup_spacing * config.startup_discoveries + 1s);
  EXPECT_TRUE(lan.all<DiscoverySettled>().empty());
  EXPECT_TRUE(lan.controller.devices().empty());
  lan.run_for(60s);
  ASSERT_EQ(lan.all<DiscoverySettled>().size(), 1u);
  EXPECT_EQ(lan.controller.devices().size(), 1u);
}

}  // namespace
}  // namespace hems::lan::testing
