#include "hems/wisun/pan.hpp"

#include <gtest/gtest.h>

#include "hems/wisun/dialect.hpp"

namespace hems::wisun {
namespace {

TEST(PanCache, RoundTrips) {
  PanInfo pan{0x3B, 0xB5FB, "0011223344556677", "FE80:0000:0000:0000:0211:2233:4455:6677", 0xDD};
  auto parsed = parse_pan(serialize_pan(pan));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, pan);
}

TEST(PanCache, RejectsDamagedFiles) {
  EXPECT_FALSE(parse_pan(""));
  EXPECT_FALSE(parse_pan("channel=21\npan_id=8888\n"));                        // no mac
  EXPECT_FALSE(parse_pan("channel=99\npan_id=8888\nmac=0011223344556677\n"));  // bad channel
  EXPECT_FALSE(parse_pan("channel=21\npan_id=88G8\nmac=0011223344556677\n"));
  EXPECT_FALSE(parse_pan("channel=21\npan_id=8888\nmac=00112233\n"));
  EXPECT_FALSE(parse_pan("garbage"));
  EXPECT_TRUE(parse_pan("channel=21\npan_id=8888\nmac=0011223344556677\nfuture=1\n"));
}

TEST(PanCache, LinkLocalFromMacFlipsTheUniversalLocalBit) {
  // REFERENCE.md section 2: SKLL64 001D129012345678 -> FE80::021D:1290:1234:5678
  EXPECT_EQ(link_local_from_mac("001D129012345678"), "FE80:0000:0000:0000:021D:1290:1234:5678");
  EXPECT_EQ(link_local_from_mac("001C6400601421A3"), "FE80:0000:0000:0000:021C:6400:6014:21A3");
  EXPECT_FALSE(link_local_from_mac("XYZ"));
}

TEST(Dialect, CommandsDifferOnlyWhereTheFirmwareDoes) {
  EXPECT_EQ(scan_command(Dialect::single_hop, 6), "SKSCAN 2 FFFFFFFF 6\r\n");
  EXPECT_EQ(scan_command(Dialect::dual_stack, 6), "SKSCAN 2 FFFFFFFF 6 0\r\n");
  EXPECT_EQ(sendto_header(Dialect::single_hop, "FE80:0000:0000:0000:021C:6400:6014:21A3", 14),
            "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 000E ");
  EXPECT_EQ(sendto_header(Dialect::dual_stack, "FE80:0000:0000:0000:021C:6400:6014:21A3", 20),
            "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 0 0014 ");
  InfoRecord a1{"FE80:0000:0000:0000:021D:1290:1234:5678", "001D129012345678", 0x21, 0x8888,
                "FFFE"};
  InfoRecord c2{"FE80:0000:0000:0000:021D:1291:0004:FFFF", "001D12910004FFFF", 0x39, 0x9E08, "0"};
  EXPECT_EQ(dialect_from_info(a1), Dialect::single_hop);
  EXPECT_EQ(dialect_from_info(c2), Dialect::dual_stack);
}

TEST(Dialect, ScanTimeFollowsTheFormula) {
  EXPECT_EQ(scan_time(6).count(), 17472);  // 28 x 9.6 ms x 65
  EXPECT_EQ(scan_time(0).count(), 537);
}

}  // namespace
}  // namespace hems::wisun
