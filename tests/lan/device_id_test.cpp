// The id scheme of LAN devices: the whole identification number (0x83), maker code included,
// made short and stable; the address only for numbers that cannot tell nodes apart.

#include "hems/lan/device_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hems::lan {
namespace {

constexpr echonet::Eoj kAircon{0x01, 0x30, 0x01};

// 0xFE, the maker code, then the 13 bytes of the maker's choosing.
Bytes number(std::uint32_t maker, const Bytes& unique) {
  Bytes id;
  id.reserve(4 + unique.size());
  id.push_back(0xFE);
  id.push_back(static_cast<std::uint8_t>(maker >> 16));
  id.push_back(static_cast<std::uint8_t>(maker >> 8));
  id.push_back(static_cast<std::uint8_t>(maker));
  for (std::uint8_t b : unique)  // a loop: GCC 12 sees a false -Warray-bounds in insert here
    id.push_back(b);
  return id;
}

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

TEST(LanDeviceId, Fnv1a32IsTheStandardHash) {
  EXPECT_EQ(fnv1a32(Bytes{}), 0x811C9DC5u);
  EXPECT_EQ(fnv1a32(text("a")), 0xE40C292Cu);
  EXPECT_EQ(fnv1a32(text("foobar")), 0xBF9CF968u);
}

TEST(LanDeviceId, MakerCodeThenAHashOfTheMakersBytes) {
  Bytes unique(12, 0x00);
  unique.push_back(0x01);
  EXPECT_EQ(node_uid(number(0x00000B, unique)), "00000b_d90f615c");
  EXPECT_EQ(default_device_id(number(0x00000B, unique), "192.0.2.10", kAircon),
            "00000b_d90f615c_013001");
  EXPECT_EQ(why_no_uid(number(0x00000B, unique)), "");
}

TEST(LanDeviceId, ZeroPaddingAfterTheSerialStillGivesDistinctIds) {
  // The unique part first, zeros after it: every device ends in the same six bytes.
  const Bytes a = number(0x000008, {1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0});
  const Bytes b = number(0x000008, {1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 0, 0, 0});
  ASSERT_EQ(last_six_bytes_uid(a), last_six_bytes_uid(b)) << "the collision of earlier versions";
  EXPECT_NE(node_uid(a), node_uid(b));
  EXPECT_NE(default_device_id(a, "192.0.2.10", kAircon),
            default_device_id(b, "192.0.2.11", kAircon));
}

TEST(LanDeviceId, TextPaddingStillGivesDistinctIds) {
  const Bytes a = number(0x000005, text("SN0001       "));
  const Bytes b = number(0x000005, text("SN0002       "));
  ASSERT_EQ(a.size(), 17u);
  ASSERT_EQ(last_six_bytes_uid(a), last_six_bytes_uid(b));
  EXPECT_NE(node_uid(a), node_uid(b));
}

TEST(LanDeviceId, TheSameBytesFromTwoMakersAreTwoNodes) {
  const Bytes unique = text("0000000000001");
  EXPECT_NE(node_uid(number(0x000005, unique)), node_uid(number(0x000006, unique)));
  EXPECT_TRUE(node_uid(number(0x000006, unique)).starts_with("000006_"));
}

TEST(LanDeviceId, AnUnsetOrMissingNumberFallsBackToTheAddress) {
  EXPECT_EQ(node_uid(number(0x00000B, Bytes(13, 0x00))), "");
  EXPECT_EQ(why_no_uid(number(0x00000B, Bytes(13, 0x00))),
            "identification number unset (all zeros)");
  EXPECT_EQ(node_uid(number(0x00000B, Bytes(13, 0xFF))), "");
  EXPECT_EQ(why_no_uid(number(0x00000B, Bytes(13, 0xFF))),
            "identification number unset (all 0xFF)");
  EXPECT_EQ(why_no_uid(Bytes{}), "no identification number (0x83)");
  EXPECT_NE(why_no_uid(Bytes{0xFE, 0x00, 0x00, 0x0B}), "");
  EXPECT_EQ(default_device_id(number(0x00000B, Bytes(13, 0x00)), "192.0.2.10", kAircon),
            "192_0_2_10_013001");
  EXPECT_EQ(default_device_id(Bytes{}, "fe80::1%eth0", {0x02, 0x6B, 0x01}), "fe80__1_eth0_026b01");
}

TEST(LanDeviceId, TheIdDoesNotDependOnTheAddress) {
  const Bytes id = number(0x00000B, text("A1B2C3D4E5F60"));
  EXPECT_EQ(default_device_id(id, "192.0.2.10", kAircon),
            default_device_id(id, "192.0.2.99", kAircon));
  // Numbers of another length still identify: everything after the maker code is hashed.
  const Bytes short_id{0xFE, 0x00, 0x00, 0x0B, 0x42};
  EXPECT_EQ(default_device_id(short_id, "192.0.2.10", kAircon),
            default_device_id(short_id, "192.0.2.99", kAircon));
  EXPECT_TRUE(node_uid(short_id).starts_with("00000b_"));
}

TEST(LanDeviceId, SlugAndEoj) {
  EXPECT_EQ(address_slug("fe80::1%eth0"), "fe80__1_eth0");
  EXPECT_EQ(eoj_hex({0x02, 0x6B, 0x01}), "026b01");
}

TEST(LanDeviceId, NamesAreFoundByUidByTheEarlierUidAndByAddress) {
  Bytes unique(12, 0x00);
  unique.push_back(0x01);
  const Bytes id = number(0x00000B, unique);
  const std::map<std::string, std::string> by_uid{{"00000B_D90F615C/0x013001", "living"},
                                                  {"000000000001/0x013001", "old"}};
  EXPECT_EQ(configured_name(by_uid, id, "192.0.2.1", kAircon),
            std::optional<std::string>("living"));
  const std::map<std::string, std::string> by_old_uid{{"000000000001/0x013001", "old"}};
  EXPECT_EQ(configured_name(by_old_uid, id, "192.0.2.1", kAircon),
            std::optional<std::string>("old"));
  const std::map<std::string, std::string> by_address{{"192.0.2.1/0x026B01", "heater"}};
  EXPECT_EQ(configured_name(by_address, Bytes{}, "192.0.2.1", {0x02, 0x6B, 0x01}),
            std::optional<std::string>("heater"));
  EXPECT_EQ(configured_name(by_address, Bytes{}, "192.0.2.1", {0x02, 0x6B, 0x02}), std::nullopt);
}

}  // namespace
}  // namespace hems::lan
