// The bridge as an ECHONET Lite node: what it answers when another controller asks its node
// profile (0x0EF001) or its controller object (0x05FF01), and what it announces at start.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fake_lan.hpp"

namespace hems::lan::testing {
namespace {
using namespace std::chrono_literals;

Bytes hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ')
      digits.push_back(c);
  }
  auto bytes = from_hex(digits);
  if (!bytes)
    throw std::invalid_argument("bad hex in test");
  return *bytes;
}

constexpr const char* kAsker = "192.0.2.77";

// A started controller with no nodes around it, its start-up traffic cleared.
struct Quiet {
  Quiet() : lan(test_config()) {
    lan.start();
    lan.clear();
  }
  // The datagrams the controller sent in answer to `request` from `from`, as sent (bytes).
  std::vector<SendDatagram> ask(const std::string& from, const Bytes& request) {
    lan.inject(from, request);
    std::vector<SendDatagram> out = lan.all<SendDatagram>();
    lan.clear();
    return out;
  }
  FakeLan lan;
};

struct Expected {
  const char* object;  // the DEOJ asked, hex
  std::uint8_t epc;
  const char* edt;  // hex
};

// Every property of both objects, with the bytes the bridge must answer.
const Expected kValues[] = {
    {"0EF001", 0x80, "30"},
    {"0EF001", 0x82, "01 0D 01 00"},
    {"0EF001", 0x83, "FE FFFFFF 00000000 00000000 00000000 00"},
    {"0EF001", 0x8A, "FF FF FF"},
    {"0EF001", 0x9D, "02 80 D5"},
    {"0EF001", 0x9E, "00"},
    {"0EF001", 0x9F, "0C 80 82 83 8A 9D 9E 9F D3 D4 D5 D6 D7"},
    {"0EF001", 0xD3, "00 00 01"},
    {"0EF001", 0xD4, "00 02"},
    {"0EF001", 0xD5, "01 05FF01"},
    {"0EF001", 0xD6, "01 05FF01"},
    {"0EF001", 0xD7, "01 05FF"},
    {"05FF01", 0x80, "30"},
    {"05FF01", 0x82, "00 00 52 00"},
    {"05FF01", 0x88, "42"},
    {"05FF01", 0x8A, "FF FF FF"},
    {"05FF01", 0x9D, "01 80"},
    {"05FF01", 0x9E, "00"},
    {"05FF01", 0x9F, "07 80 82 88 8A 9D 9E 9F"},
};

class SelfGet : public ::testing::TestWithParam<Expected> {};

TEST_P(SelfGet, IsAnsweredToTheAskerWithTheValue) {
  const Expected& e = GetParam();
  Quiet q;
  char epc[3];
  std::snprintf(epc, sizeof epc, "%02X", e.epc);
  const auto sent =
      q.ask(kAsker, hex(std::string("10 81 12 34 05 FF 02 ") + e.object + " 62 01 " + epc + " 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, kAsker);
  EXPECT_FALSE(sent[0].multicast);
  const Bytes value = hex(e.edt);
  Bytes want = hex(std::string("10 81 12 34 ") + e.object + " 05 FF 02 72 01 " + epc);
  want.push_back(static_cast<std::uint8_t>(value.size()));
  want.insert(want.end(), value.begin(), value.end());
  EXPECT_EQ(to_hex(sent[0].payload), to_hex(want));
}

std::string value_name(const ::testing::TestParamInfo<Expected>& info) {
  char name[16];
  std::snprintf(name, sizeof name, "x%s_%02X", info.param.object, info.param.epc);
  return name;
}

INSTANTIATE_TEST_SUITE_P(Each, SelfGet, ::testing::ValuesIn(kValues), value_name);

TEST(LanNodeProfile, GetMapListsExactlyWhatIsAnswered) {
  for (const char* object : {"0EF001", "05FF01"}) {
    std::vector<std::uint8_t> answered;
    for (const Expected& e : kValues) {
      if (std::string(e.object) == object)
        answered.push_back(e.epc);
    }
    Quiet q;
    const auto sent =
        q.ask(kAsker, hex(std::string("10 81 00 02 05 FF 01 ") + object + " 62 01 9F 00"));
    ASSERT_EQ(sent.size(), 1u);
    auto answer = echonet::decode(sent[0].payload);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->properties.size(), 1u);
    auto listed = echonet::decode_property_map(answer->properties[0].edt);
    ASSERT_TRUE(listed.has_value()) << listed.error().message;
    EXPECT_EQ(*listed, answered) << object;
  }
}

TEST(LanNodeProfile, MixedKnownAndUnknownIsGetSnaWithTheKnownFilled) {
  Quiet q;
  const auto sent =
      q.ask(kAsker, hex("10 81 00 07 05 FF 01 0E F0 01 62 04 80 00 C0 00 D6 00 88 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, kAsker);
  EXPECT_EQ(
      to_hex(sent[0].payload),
      to_hex(hex("10 81 00 07 0E F0 01 05 FF 01 52 04 80 01 30 C0 00 D6 04 01 05 FF 01 88 00")));
}

TEST(LanNodeProfile, InstanceZeroAddressesOurInstance) {
  Quiet q;
  auto sent = q.ask(kAsker, hex("10 81 00 08 05 FF 01 0E F0 00 62 01 D6 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(to_hex(sent[0].payload),
            to_hex(hex("10 81 00 08 0E F0 01 05 FF 01 72 01 D6 04 01 05 FF 01")));
  sent = q.ask(kAsker, hex("10 81 00 09 05 FF 01 05 FF 00 62 01 80 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(to_hex(sent[0].payload), to_hex(hex("10 81 00 09 05 FF 01 05 FF 01 72 01 80 01 30")));
}

TEST(LanNodeProfile, InfReqIsAnsweredByInfToTheAskersGroup) {
  Quiet q;
  auto sent = q.ask(kAsker, hex("10 81 00 0A 05 FF 01 0E F0 01 63 01 D5 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, kMulticastV4);
  EXPECT_TRUE(sent[0].multicast);
  EXPECT_EQ(to_hex(sent[0].payload),
            to_hex(hex("10 81 00 0A 0E F0 01 05 FF 01 73 01 D5 04 01 05 FF 01")));

  sent = q.ask("fe80::77%eth0", hex("10 81 00 0B 05 FF 01 0E F0 01 63 01 80 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, kMulticastV6);
  EXPECT_TRUE(sent[0].multicast);

  // A property we do not have: INF_SNA to the asker alone.
  sent = q.ask(kAsker, hex("10 81 00 0C 05 FF 01 0E F0 01 63 02 80 00 C0 00"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, kAsker);
  EXPECT_FALSE(sent[0].multicast);
  EXPECT_EQ(to_hex(sent[0].payload),
            to_hex(hex("10 81 00 0C 0E F0 01 05 FF 01 53 02 80 01 30 C0 00")));
}

TEST(LanNodeProfile, InfReqFromAFamilyWithoutItsGroupIsAnsweredToTheAsker) {
  ControllerConfig config = test_config();
  config.ipv6 = false;
  FakeLan lan(config);
  lan.start();
  lan.clear();
  lan.inject("fe80::77%eth0", hex("10 81 00 0B 05 FF 01 0E F0 01 63 01 80 00"));
  const auto sent = lan.all<SendDatagram>();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, "fe80::77%eth0");
  EXPECT_FALSE(sent[0].multicast);
}

TEST(LanNodeProfile, StartAnnouncesTheInstanceListToEveryGroup) {
  FakeLan lan(test_config());
  lan.start();
  for (const char* group : {kMulticastV4, kMulticastV6}) {
    std::vector<SendDatagram> notices;
    for (const auto& send : lan.all<SendDatagram>()) {
      if (send.to == group && echonet::decode(send.payload)->esv == echonet::esv::inf)
        notices.push_back(send);
    }
    ASSERT_EQ(notices.size(), 1u) << group;
    EXPECT_TRUE(notices[0].multicast);
    Bytes body(notices[0].payload.begin() + 4, notices[0].payload.end());  // after EHD and TID
    EXPECT_EQ(to_hex(body), to_hex(hex("0E F0 01 0E F0 01 73 01 D5 04 01 05 FF 01"))) << group;
  }
  // Only at start: later discovery rounds do not repeat it.
  lan.clear();
  lan.run_for(400s);
  for (const auto& send : lan.all<SendDatagram>())
    EXPECT_EQ(echonet::decode(send.payload)->esv, echonet::esv::get);
}

TEST(LanNodeProfile, OurOwnMulticastComingBackIsNotAnswered) {
  FakeLan lan(test_config());
  lan.start();
  const auto ours = lan.all<SendDatagram>();
  ASSERT_FALSE(ours.empty());
  lan.clear();
  for (const auto& send : ours)
    lan.inject("192.0.2.1", send.payload);  // as if the network looped them back
  EXPECT_TRUE(lan.all<SendDatagram>().empty());
  EXPECT_TRUE(lan.controller.devices().empty());
}

struct Ignored {
  const char* name;
  const char* from;
  std::string hex;
};

std::string many_epcs(int count) {
  std::string out = "10 81 00 0D 05 FF 01 0E F0 01 62 ";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02X", count);
  out += buf;
  for (int i = 0; i < count; ++i)
    out += " 80 00";
  return out;
}

TEST(LanNodeProfile, HostileOrForeignRequestsGetNoAnswer) {
  const Ignored cases[] = {
      {"a Get to an object we do not have", kAsker, "10 81 00 01 05 FF 01 01 30 01 62 01 80 00"},
      {"a Get to another node profile instance", kAsker,
       "10 81 00 01 05 FF 01 0E F0 02 62 01 80 00"},
      {"truncated", kAsker, "10 81 00 01 05 FF 01 0E F0 01 62 02 80 00"},
      {"cut in the header", kAsker, "10 81 00 01 05 FF 01 0E F0"},
      {"trailing bytes", kAsker, "10 81 00 01 05 FF 01 0E F0 01 62 01 80 00 00"},
      {"no properties", kAsker, "10 81 00 01 05 FF 01 0E F0 01 62 00"},
      {"too many properties", kAsker, many_epcs(33)},
      {"from the IPv4 group", "224.0.23.0", "10 81 00 01 05 FF 01 0E F0 01 62 01 80 00"},
      {"from the broadcast address", "255.255.255.255",
       "10 81 00 01 05 FF 01 0E F0 01 62 01 80 00"},
      {"from an IPv6 group", "ff02::1%eth0", "10 81 00 01 05 FF 01 0E F0 01 63 01 80 00"},
      {"from a group in IPv6 form", "::ffff:224.0.23.0",
       "10 81 00 01 05 FF 01 0E F0 01 62 01 80 00"},
      {"from the unspecified address", "0.0.0.0", "10 81 00 01 05 FF 01 0E F0 01 62 01 80 00"},
      {"a SetGet", kAsker, "10 81 00 01 05 FF 01 0E F0 01 6E 00 01 80 00"},
  };
  for (const Ignored& c : cases) {
    Quiet q;
    EXPECT_TRUE(q.ask(c.from, hex(c.hex)).empty()) << c.name;
  }
  // At the limit it is still answered.
  Quiet q;
  const auto sent = q.ask(kAsker, hex(many_epcs(32)));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(echonet::decode(sent[0].payload)->properties.size(), 32u);
}

TEST(LanNodeProfile, AnsweringDoesNotDisturbThePolling) {
  FakeLan lan(test_config());
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(5s);
  ASSERT_EQ(lan.controller.devices().size(), 1u);
  lan.clear();
  // The known node asks us, too: answered, and its device is still polled.
  lan.inject("192.0.2.10", hex("10 81 00 21 05 FF 01 0E F0 01 62 01 83 00"));
  ASSERT_EQ(lan.all<SendDatagram>().size(), 1u);
  lan.run_for(61s);
  EXPECT_FALSE(lan.all<PropertiesUpdated>().empty());
  EXPECT_TRUE(lan.all<AvailabilityChanged>().empty());
  EXPECT_EQ(lan.controller.devices().size(), 1u);
}

}  // namespace
}  // namespace hems::lan::testing
