// LAN simulator frames checked byte for byte against examples computed by hand from the
// protocol reference (frame layout §10, node profile §11, property maps §12).
#include <gtest/gtest.h>

#include <string>

#include "hems/sim/lan_catalog.hpp"
#include "hems/sim/lan_node.hpp"

namespace hems::sim {
namespace {

Bytes hex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ')
      compact.push_back(c);
  }
  return from_hex(compact).value_or(Bytes{0xEE});
}

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

LanNode make_node(std::vector<LanObjectKind> kinds) {
  LanOptions options;
  options.objects = std::move(kinds);
  options.node_id = hex("0102");
  options.maker = hex("000016");
  options.start_hour = 12.0;
  return LanNode(options, kStart);
}

// Sends one unicast request and returns the answer to it (not the start-up announcement).
Bytes ask(LanNode& node, std::string_view request) {
  const std::string peer = "198.51.100.7:3610";
  node.receive(LanDatagram{peer, hex(request), false}, kStart);
  for (const auto& send : node.take_sends(kStart)) {
    if (send.to == peer)
      return send.payload;
  }
  ADD_FAILURE() << "no answer to " << request;
  return {};
}

TEST(LanFrames, StartupInstanceListNotificationMatchesTheMeterLayout) {
  // Same layout as the meter's post-join INF in §16.4 (108100000EF0010EF0017301D50401028801),
  // with the air conditioner 0x013001 in place of the meter.
  auto node = make_node({LanObjectKind::aircon});
  auto sends = node.take_sends(kStart);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(to_hex(sends[0].payload), "108100000EF0010EF0017301D50401013001");
}

TEST(LanFrames, GetSnaForOneUnsupportedEpcMatchesTheReference) {
  // §16.4: Get_SNA for an unsupported 0x83 is 1081 0001 028801 05FF01 52 01 83 00.
  auto node = make_node({LanObjectKind::aircon});
  EXPECT_EQ(to_hex(ask(node, "1081 0001 05FF01 013001 62 01 89 00")),
            "1081000101300105FF0152018900");
}

TEST(LanFrames, NodeProfileIdentityAndLists) {
  auto node = make_node({LanObjectKind::aircon, LanObjectKind::solar, LanObjectKind::aircon});
  const Bytes reply =
      ask(node, "1081 0002 05FF01 0EF001 62 06 83 00 8A 00 D3 00 D4 00 D6 00 D7 00");
  // 0x83: FE, maker 000016, node id 0102 right-aligned in 13 bytes.
  // D3: 3 instances; D4: 2 device classes + the node profile class; D6 in --object order;
  // D7: class codes without the node profile.
  EXPECT_EQ(reply, hex("1081 0002 0EF001 05FF01 72 06"
                       " 83 11 FE 000016 0000000000000000000000 0102"
                       " 8A 03 000016"
                       " D3 03 000003"
                       " D4 02 0003"
                       " D6 0A 03 013001 027901 013002"
                       " D7 05 02 0130 0279"));
}

TEST(LanFrames, NodeProfileMapsUseTheListForm) {
  // 11 readable EPCs (fewer than 16): list form. 0x9D lists 80 and D5; nothing is settable.
  auto node = make_node({LanObjectKind::light});
  EXPECT_EQ(ask(node, "1081 0003 05FF01 0EF001 62 03 9D 00 9E 00 9F 00"),
            hex("1081 0003 0EF001 05FF01 72 03"
                " 9D 03 02 80 D5"
                " 9E 01 00"
                " 9F 0C 0B 80 82 83 8A 9D 9E 9F D3 D4 D6 D7"));
}

TEST(LanFrames, AirconGetMapUsesTheBitmapForm) {
  // 18 readable EPCs: 80 81 82 83 84 85 88 8A 8F 9D 9E 9F A0 B0 B3 BA BB BE. Bit j of byte i
  // stands for EPC 0x80 + 0x10*j + i, so for example byte 0 = 80|A0|B0 = bits 0,2,3 = 0x0D and
  // byte 15 = 8F|9F = bits 0,1 = 0x03. The Set and announcement maps have 6 EPCs: list form.
  auto node = make_node({LanObjectKind::aircon});
  EXPECT_EQ(ask(node, "1081 0004 05FF01 013001 62 03 9D 00 9E 00 9F 00"),
            hex("1081 0004 013001 05FF01 72 03"
                " 9D 07 06 80 81 88 8F A0 B0"
                " 9E 07 06 80 81 8F A0 B0 B3"
                " 9F 11 12 0D 01 01 09 01 01 00 00 01 00 09 08 00 02 0A 03"));
}

TEST(LanFrames, SetCAcceptedThenStatusChangeInf) {
  auto node = make_node({LanObjectKind::aircon});
  node.take_sends(kStart);  // the start-up INF uses TID 0000
  node.receive(
      LanDatagram{"198.51.100.7:3610", hex("1081 0005 05FF01 013001 61 01 80 01 31"), false},
      kStart);
  auto sends = node.take_sends(kStart);
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(to_hex(sends[0].payload),
            "1081000501300105FF01710180"
            "00");
  EXPECT_EQ(to_hex(sends[1].payload),
            "1081000101300105FF0173018001"
            "31");
}

TEST(LanFrames, TwoPropertyGetResLikeTheReferenceExample) {
  // §16.2 layout with two properties: EPC PDC EDT repeated, OPC = 2.
  auto node = make_node({LanObjectKind::battery});
  EXPECT_EQ(to_hex(ask(node, "1081 1002 05FF01 027D01 62 02 E2 00 E4 00")),
            "1081100202"
            "7D0105FF017202E204000016F8E4013C");
}

}  // namespace
}  // namespace hems::sim
