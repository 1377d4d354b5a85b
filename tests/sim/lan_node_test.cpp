// The LAN node core driven in-process: services, modes and announcements.
#include "hems/sim/lan_node.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim/lan_node_harness.hpp"

namespace hems::sim {
namespace {

using std::chrono::milliseconds;
using test::decoded;
using test::Harness;
using test::hex;
using test::with_objects;

TEST(LanNode, AnnouncesItsInstancesAtStart) {
  Harness h(with_objects({LanObjectKind::aircon, LanObjectKind::light}));
  ASSERT_EQ(h.startup().size(), 1u);
  EXPECT_TRUE(h.startup()[0].to.empty());  // multicast
  EXPECT_EQ(h.startup()[0].payload, hex("1081 0000 0EF001 0EF001 73 01 D5 07 02 013001 029001"));
}

TEST(LanNode, AnswersMulticastDiscoveryByUnicastAfterAShortRandomDelay) {
  Harness h(with_objects({LanObjectKind::aircon}));
  h.node().receive(
      LanDatagram{Harness::kPeer, hex("1081 0001 05FF01 0EF001 62 01 D6 00"), /*multicast=*/true},
      h.now());
  EXPECT_TRUE(h.node().take_sends(h.now()).empty()) << "multicast answers are not immediate";
  auto sends = h.advance(milliseconds(300));
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].to, Harness::kPeer);
  EXPECT_EQ(sends[0].payload, hex("1081 0001 0EF001 05FF01 72 01 D6 04 01 013001"));
}

TEST(LanNode, UnicastGetIsAnsweredAtOnce) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 0002 05FF01 013001 62 02 80 00 B0 00");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].payload, hex("1081 0002 013001 05FF01 72 02 80 01 30 B0 01 42"));
}

TEST(LanNode, GetOfUnsupportedEpcsIsGetSnaWithPdcZeroAndKeepsTheRest) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 0003 05FF01 013001 62 03 80 00 E7 00 B3 00");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].payload, hex("1081 0003 013001 05FF01 52 03 80 01 30 E7 00 B3 01 1B"));
}

TEST(LanNode, AnnounceOnlyPropertyD5CannotBeRead) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 0004 05FF01 0EF001 62 01 D5 00");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].payload, hex("1081 0004 0EF001 05FF01 52 01 D5 00"));
}

TEST(LanNode, SetCAcceptedIsSetResAndTheValueSticks) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 0005 05FF01 013001 61 01 B3 01 18");
  ASSERT_EQ(sends.size(), 1u) << "B3 is not announced: no INF";
  EXPECT_EQ(sends[0].payload, hex("1081 0005 013001 05FF01 71 01 B3 00"));
  EXPECT_EQ(h.node().find_object(0x013001)->read(0xB3), Bytes{0x18});
}

TEST(LanNode, SetCOutOfRangeIsSetCSnaWithTheRejectedEdtEchoed) {
  Harness h(with_objects({LanObjectKind::aircon}));
  // 35 °C is inside the Appendix range (0-50) but outside this unit's 16-30.
  auto sends = h.request("1081 0006 05FF01 013001 61 03 B3 01 23 B0 01 43 B0 01 99");
  ASSERT_GE(sends.size(), 1u);
  EXPECT_EQ(sends[0].payload, hex("1081 0006 013001 05FF01 51 03 B3 01 23 B0 00 B0 01 99"));
  EXPECT_EQ(h.node().find_object(0x013001)->read(0xB3), Bytes{0x1B});
  EXPECT_EQ(h.node().find_object(0x013001)->read(0xB0), Bytes{0x43}) << "the valid one applies";
}

TEST(LanNode, SetCOfReadOnlyOrUnknownOrWrongSizeIsRejected) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 0007 05FF01 013001 61 03 BB 01 10 E7 01 00 80 02 30 30");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].payload, hex("1081 0007 013001 05FF01 51 03 BB 01 10 E7 01 00 80 02 30 30"));
}

TEST(LanNode, SetIIsSilentOnSuccessAndSetISnaOnFailure) {
  Harness h(with_objects({LanObjectKind::light}));
  auto ok = h.request("1081 0008 05FF01 029001 60 01 B0 01 32");
  EXPECT_TRUE(ok.empty());
  EXPECT_EQ(h.node().find_object(0x029001)->read(0xB0), Bytes{0x32});
  auto bad = h.request("1081 0009 05FF01 029001 60 01 B0 01 65");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].payload, hex("1081 0009 029001 05FF01 50 01 B0 01 65"));
}

TEST(LanNode, SetOfAnAnnouncedPropertySendsAStatusChangeInf) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 000A 05FF01 013001 61 01 80 01 31");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[0].payload, hex("1081 000A 013001 05FF01 71 01 80 00"));
  EXPECT_TRUE(sends[1].to.empty());
  EXPECT_EQ(sends[1].payload, hex("1081 0001 013001 05FF01 73 01 80 01 31"));
  // Setting the same value again changes nothing, so nothing is announced.
  auto again = h.request("1081 000B 05FF01 013001 61 01 80 01 31");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(decoded(again[0]).esv, esv::kSetRes);
}

TEST(LanNode, InfReqIsAnsweredWithInf) {
  Harness h(with_objects({LanObjectKind::aircon}));
  auto sends = h.request("1081 000C 05FF01 013001 63 01 B0 00");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].to, Harness::kPeer);
  EXPECT_EQ(sends[0].payload, hex("1081 000C 013001 05FF01 73 01 B0 01 42"));
  auto missing = h.request("1081 000D 05FF01 013001 63 01 E7 00");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].payload, hex("1081 000D 013001 05FF01 53 01 E7 00"));
}

TEST(LanNode, SetGetAppliesTheSetsThenReadsTheGets) {
  Harness h(with_objects({LanObjectKind::light}));
  auto ok = h.request("1081 0001 05FF01 029001 6E 01 B0 01 14 02 B0 00 80 00");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].payload, hex("1081 0001 029001 05FF01 7E 01 B0 00 02 B0 01 14 80 01 30"));
  auto sna = h.request("1081 0002 05FF01 029001 6E 01 B0 01 65 01 E7 00");
  ASSERT_EQ(sna.size(), 1u);
  EXPECT_EQ(sna[0].payload, hex("1081 0002 029001 05FF01 5E 01 B0 01 65 01 E7 00"));
}

TEST(LanNode, RepeatedKindsGetInstanceNumbersAndInstanceZeroAddressesAll) {
  Harness h(with_objects({LanObjectKind::light, LanObjectKind::light}));
  auto sends = h.request("1081 000E 05FF01 029000 62 01 80 00");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(decoded(sends[0]).seoj, 0x029001u);
  EXPECT_EQ(decoded(sends[1]).seoj, 0x029002u);
}

TEST(LanNode, RequestsToAbsentObjectsAndNonRequestsAreIgnored) {
  Harness h(with_objects({LanObjectKind::aircon}));
  EXPECT_TRUE(h.request("1081 000F 05FF01 013002 62 01 80 00").empty());
  EXPECT_TRUE(h.request("1081 0010 05FF01 027D01 62 01 80 00").empty());
  EXPECT_TRUE(h.request("1081 0011 05FF01 013001 72 01 80 01 30").empty());
  EXPECT_TRUE(h.request("1081 0012 05FF01 013001 73 01 80 01 30").empty());
}

TEST(LanNode, MalformedDatagramsAreIgnoredAndLogged) {
  Harness h(with_objects({LanObjectKind::aircon}));
  for (const char* bad : {"", "10", "1081", "1082 0001 05FF01 013001 62 01 80 00",
                          "1081 0001 05FF01 013001 62 02 80 00", "1081 0001 05FF01 013001 62 01 80",
                          "1081 0001 05FF01 013001 62 01 80 05 00", "1081 0001 05FF01 013001 62 00",
                          "1081 0001 05FF01 013001 62 01 80 00 FF",
                          "1081 0001 05FF01 013001 6E 01 80 01 31 02 80 00"}) {
    EXPECT_TRUE(h.request(bad).empty()) << bad;
  }
  const auto log = h.node().take_log();
  EXPECT_GE(
      std::ranges::count_if(
          log, [](const std::string& line) { return line.find("ignored") != std::string::npos; }),
      10);
}

TEST(LanNode, LateJoinerIsSilentThenAnnounces) {
  LanOptions options = with_objects({LanObjectKind::battery});
  options.late_join_s = 5;
  Harness h(options);
  EXPECT_TRUE(h.startup().empty());
  EXPECT_TRUE(h.request("1081 0001 05FF01 0EF001 62 01 D6 00", milliseconds(300), true).empty());
  EXPECT_TRUE(h.advance(milliseconds(4000)).empty());
  auto later = h.advance(milliseconds(1000));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_TRUE(later[0].to.empty());
  EXPECT_EQ(later[0].payload, hex("1081 0000 0EF001 0EF001 73 01 D5 04 01 027D01"));
  EXPECT_EQ(h.request("1081 0002 05FF01 0EF001 62 01 D6 00", milliseconds(300), true).size(), 1u);
}

TEST(LanNode, SlowModeDelaysEveryAnswer) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.slow_ms = 1500;
  Harness h(options);
  EXPECT_TRUE(h.request("1081 0001 05FF01 013001 62 01 80 00", milliseconds(1490)).empty());
  auto sends = h.advance(milliseconds(20));
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(decoded(sends[0]).tid, 1);
}

TEST(LanNode, LossyModeDropsASeededShareOfRequests) {
  auto answered = [](std::uint64_t seed) {
    LanOptions options = with_objects({LanObjectKind::aircon});
    options.lossy_percent = 50;
    options.seed = seed;
    Harness h(options);
    std::string pattern;
    for (int i = 0; i < 40; ++i)
      pattern += h.request("1081 0001 05FF01 013001 62 01 80 00").empty() ? '.' : 'A';
    return pattern;
  };
  const std::string first = answered(7);
  EXPECT_EQ(first, answered(7)) << "the same seed drops the same requests";
  const auto count = std::ranges::count(first, 'A');
  EXPECT_GT(count, 8);
  EXPECT_LT(count, 32);
}

TEST(LanNode, PartialModeLeavesOutEverySecondEpcOfMultiGets) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.partial = true;
  Harness h(options);
  auto multi = h.request("1081 0001 05FF01 013001 62 03 80 00 B0 00 B3 00");
  ASSERT_EQ(multi.size(), 1u);
  EXPECT_EQ(multi[0].payload, hex("1081 0001 013001 05FF01 52 03 80 01 30 B0 00 B3 01 1B"));
  auto single = h.request("1081 0002 05FF01 013001 62 01 B0 00");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].payload, hex("1081 0002 013001 05FF01 72 01 B0 01 42"));
}

TEST(LanNode, NoMultiModeIgnoresMultiEpcGetsOnly) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.no_multi = true;
  Harness h(options);
  EXPECT_TRUE(h.request("1081 0001 05FF01 013001 62 02 80 00 B0 00", milliseconds(1000)).empty());
  EXPECT_EQ(h.request("1081 0002 05FF01 013001 62 01 80 00").size(), 1u);
  EXPECT_EQ(h.request("1081 0003 05FF01 013001 61 02 80 01 30 B0 01 42").size(), 1u);
}

TEST(LanNode, MakerSpecificEpcsAreReadableSettableAndAnnounced) {
  Harness h(with_objects({LanObjectKind::maker_specific}));
  auto get = h.request("1081 0001 05FF01 0F0001 62 03 F0 00 F1 00 FF 00");
  ASSERT_EQ(get.size(), 1u);
  EXPECT_EQ(get[0].payload,
            hex("1081 0001 0F0001 05FF01 72 03 F0 04 0000002A F1 02 1234 FF 03 53494D"));
  // F5 takes raw data of any length; F1 is read-only.
  auto set = h.request("1081 0002 05FF01 0F0001 61 02 F5 05 0102030405 F1 02 0000");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].payload, hex("1081 0002 0F0001 05FF01 51 02 F5 00 F1 02 0000"));
  EXPECT_EQ(h.node().find_object(0x0F0001)->read(0xF5), hex("0102030405"));
  // F0 is in the 0x9D map: a change typed on stdin is announced.
  h.node().console("set 0F0001 F0 DEADBEEF", h.now());
  auto inf = h.advance(milliseconds(0));
  ASSERT_EQ(inf.size(), 1u);
  EXPECT_EQ(inf[0].payload, hex("1081 0001 0F0001 05FF01 73 01 F0 04 DEADBEEF"));
}

TEST(LanNode, ConsoleSetAnnounceAndQuit) {
  Harness h(with_objects({LanObjectKind::light}));
  h.node().console("set 0x029001 0xB0 0A", h.now());
  EXPECT_TRUE(h.advance(milliseconds(0)).empty()) << "B0 is not announced";
  EXPECT_EQ(h.node().find_object(0x029001)->read(0xB0), Bytes{0x0A});
  h.node().console("set 029001 80 31", h.now());
  auto inf = h.advance(milliseconds(0));
  ASSERT_EQ(inf.size(), 1u);
  EXPECT_EQ(decoded(inf[0]).esv, esv::kInf);
  h.node().console("announce", h.now());
  auto d5 = h.advance(milliseconds(0));
  ASSERT_EQ(d5.size(), 1u);
  EXPECT_EQ(decoded(d5[0]).properties.at(0).epc, 0xD5);
  h.node().console("set 123456 80 30", h.now());
  h.node().console("bogus", h.now());
  EXPECT_TRUE(h.advance(milliseconds(0)).empty());
  EXPECT_FALSE(h.node().quit_requested());
  h.node().console("quit", h.now());
  EXPECT_TRUE(h.node().quit_requested());
}

TEST(LanNode, SolarFollowsTheDayCurveScaledBySpeed) {
  LanOptions options = with_objects({LanObjectKind::solar});
  options.start_hour = 5.0;
  options.speed = 3600;  // one simulated hour per second
  Harness h(options);
  auto power = [&] { return lan_be_value(*h.node().find_object(0x027901)->read(0xE0), false); };
  auto energy = [&] { return lan_be_value(*h.node().find_object(0x027901)->read(0xE1), false); };
  h.advance(milliseconds(1000));  // 06:00
  EXPECT_EQ(power(), 0);
  const auto energy_at_dawn = energy();
  h.advance(milliseconds(6000));  // 12:00: the peak, 85 % of 4500 W
  EXPECT_NEAR(static_cast<double>(power()), 3825.0, 5.0);
  EXPECT_GT(energy(), energy_at_dawn + 10000) << "several kWh generated by noon";
  h.advance(milliseconds(7000));  // 19:00
  EXPECT_EQ(power(), 0);
}

TEST(LanNode, BatteryChargesWhenToldAndAnnouncesItsActualMode) {
  LanOptions options = with_objects({LanObjectKind::battery});
  options.speed = 360;  // 2000 W for 0.1 h per second = 200 Wh
  Harness h(options);
  auto set = h.request("1081 0001 05FF01 027D01 61 01 DA 01 42");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(decoded(set[1]).properties.at(0).epc, 0xDA);
  auto later = h.advance(milliseconds(1000));
  const auto* battery = h.node().find_object(0x027D01);
  EXPECT_EQ(battery->read(0xCF), Bytes{0x42});
  EXPECT_EQ(battery->read(0xD3), hex("000007D0"));
  EXPECT_GT(lan_be_value(*battery->read(0xE2), false), 5880 + 150);
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later[0].payload, hex("1081 0002 027D01 05FF01 73 01 CF 01 42"));
}

TEST(LanNode, AirconRoomTemperatureDriftsTowardsTheTarget) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.speed = 600;  // 10 simulated minutes per second: 1 °C
  Harness h(options);
  h.advance(milliseconds(3000));
  EXPECT_EQ(h.node().find_object(0x013001)->read(0xBB), Bytes{29 - 2});
}

}  // namespace
}  // namespace hems::sim
