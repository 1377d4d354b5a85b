#include "hems/sim/lan_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hems/sim/lan_catalog.hpp"

namespace hems::sim {
namespace {

Result<LanOptions> parse(std::vector<std::string> args) {
  return parse_lan_options(args);
}

TEST(LanOptions, DefaultsToOneAirconOnPort3610) {
  auto options = parse({});
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->bind, "0.0.0.0");
  EXPECT_EQ(options->port, 3610);
  EXPECT_FALSE(options->ipv6);
  ASSERT_EQ(options->objects.size(), 1u);
  EXPECT_EQ(options->objects[0], LanObjectKind::aircon);
}

TEST(LanOptions, ParsesEveryOption) {
  auto options = parse({"--bind",     "127.0.0.1", "--ipv6", "--interface", "eth0",    "--object",
                        "battery",    "--object",  "solar",  "--object",    "battery", "--node-id",
                        "0xA1B2",     "--maker",   "000016", "--late-join", "2.5",     "--slow",
                        "800",        "--lossy",   "30",     "--seed",      "9",       "--partial",
                        "--no-multi", "--speed",   "60",     "--clock",     "06:30",   "--port",
                        "13610"});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->bind, "127.0.0.1");
  EXPECT_TRUE(options->ipv6);
  EXPECT_EQ(options->interface_name, "eth0");
  EXPECT_EQ(options->objects,
            (std::vector<LanObjectKind>{LanObjectKind::battery, LanObjectKind::solar,
                                        LanObjectKind::battery}));
  EXPECT_EQ(options->node_id, (Bytes{0xA1, 0xB2}));
  EXPECT_EQ(options->maker, (Bytes{0x00, 0x00, 0x16}));
  EXPECT_DOUBLE_EQ(options->late_join_s, 2.5);
  EXPECT_EQ(options->slow_ms, 800u);
  EXPECT_DOUBLE_EQ(options->lossy_percent, 30);
  EXPECT_EQ(options->seed, 9u);
  EXPECT_TRUE(options->partial);
  EXPECT_TRUE(options->no_multi);
  EXPECT_DOUBLE_EQ(options->speed, 60);
  EXPECT_DOUBLE_EQ(options->start_hour.value_or(-1), 6.5);
  EXPECT_EQ(options->port, 13610);
}

TEST(LanOptions, RejectsBadValuesWithAMessage) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--object", "toaster"},
           {"--object"},
           {"--node-id", "XYZ"},
           {"--node-id", "00112233445566778899AABBCCDDEEFF00"},
           {"--maker", "0016"},
           {"--lossy", "101"},
           {"--slow", "-1"},
           {"--speed", "0"},
           {"--clock", "25:00"},
           {"--frobnicate"},
       }) {
    auto options = parse(args);
    ASSERT_FALSE(options.has_value()) << args[0];
    EXPECT_FALSE(options.error().message.empty());
  }
}

TEST(LanOptions, ObjectNamesRoundTrip) {
  for (const char* name : {"aircon", "water-heater", "battery", "solar", "ev-charger",
                           "floor-heater", "light", "maker-specific"}) {
    auto kind = lan_object_kind_from_name(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(lan_object_kind_name(*kind), name);
  }
}

TEST(LanCatalog, ClassCodesFollowTheAppendix) {
  EXPECT_EQ(lan_class_code(LanObjectKind::aircon), 0x0130);
  EXPECT_EQ(lan_class_code(LanObjectKind::water_heater), 0x026B);
  EXPECT_EQ(lan_class_code(LanObjectKind::battery), 0x027D);
  EXPECT_EQ(lan_class_code(LanObjectKind::solar), 0x0279);
  EXPECT_EQ(lan_class_code(LanObjectKind::ev_charger), 0x027E);
  EXPECT_EQ(lan_class_code(LanObjectKind::floor_heater), 0x027B);
  EXPECT_EQ(lan_class_code(LanObjectKind::light), 0x0290);
}

TEST(LanCatalog, IdentityIsFixedByTheNodeId) {
  const Bytes maker{0x00, 0x00, 0x16};
  auto a = make_lan_identity(Bytes{0x01, 0x02}, maker);
  ASSERT_EQ(a.id.size(), 17u);
  EXPECT_EQ(to_hex(a.id),
            "FE0000160000000000000000000000"
            "0102");
  EXPECT_EQ(a.id, make_lan_identity(Bytes{0x01, 0x02}, maker).id);
  EXPECT_NE(a.id, make_lan_identity(Bytes{0x01, 0x03}, maker).id);
  const Bytes full(16, 0x5A);
  EXPECT_EQ(to_hex(make_lan_identity(full, maker).id), "FE" + to_hex(full));
}

TEST(LanCatalog, EveryDeviceHasTheRequiredSuperclassPropertiesAndMaps) {
  const auto identity = make_lan_identity(Bytes{0x01}, Bytes{0xFF, 0xFF, 0xFF});
  for (const char* name : {"aircon", "water-heater", "battery", "solar", "ev-charger",
                           "floor-heater", "light", "maker-specific"}) {
    const auto object = make_lan_device(*lan_object_kind_from_name(name), 1, identity);
    for (int epc : {0x80, 0x81, 0x82, 0x88, 0x8A, 0x9D, 0x9E, 0x9F})
      EXPECT_TRUE(object.read(static_cast<std::uint8_t>(epc)).has_value())
          << name << " EPC " << epc;
    EXPECT_TRUE(object.announces(0x80)) << name;
    EXPECT_EQ(object.eoj() & 0xFF, 1u);
  }
}

}  // namespace
}  // namespace hems::sim
