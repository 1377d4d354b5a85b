#include <gtest/gtest.h>

#include <random>

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

struct BadDatagram {
  const char* name;
  const char* from;
  const char* hex;
};

// Every one of these must be dropped: no state change, nothing sent, only a debug log.
const BadDatagram kBad[] = {
    {"empty", "192.0.2.10", ""},
    {"short", "192.0.2.10", "10 81 00 01 01 30 01 05 FF"},
    {"wrong EHD", "192.0.2.10", "10 82 00 01 01 30 01 05 FF 01 73 01 80 01 31"},
    {"not ECHONET", "192.0.2.10", "47 45 54 20 2F 20 48 54 54 50 2F 31 2E 31"},
    {"OPC beyond data", "192.0.2.10", "10 81 00 01 01 30 01 05 FF 01 73 02 80 01 31"},
    {"PDC beyond data", "192.0.2.10", "10 81 00 01 01 30 01 05 FF 01 73 01 80 05 31"},
    {"trailing bytes", "192.0.2.10", "10 81 00 01 01 30 01 05 FF 01 73 01 80 01 31 00"},
    {"OPC zero", "192.0.2.10", "10 81 00 01 01 30 01 05 FF 01 73 00"},
    {"unknown ESV", "192.0.2.10", "10 81 00 01 01 30 01 05 FF 01 64 01 80 01 31"},
    {"unsolicited Get_Res", "192.0.2.10", "10 81 7F 7F 01 30 01 05 FF 01 72 01 80 01 31"},
    {"INF from an unknown object", "192.0.2.10", "10 81 00 00 02 6B 01 05 FF 01 73 01 80 01 31"},
    {"Get_Res from a stranger", "203.0.113.9", "10 81 00 05 01 30 01 05 FF 01 72 01 80 01 31"},
    {"INF from a stranger", "203.0.113.9", "10 81 00 00 01 30 01 05 FF 01 73 01 80 01 31"},
    {"INFC from a stranger", "203.0.113.9", "10 81 00 00 01 30 01 05 FF 01 74 01 80 01 31"},
    {"a Get to an object we do not have", "192.0.2.77",
     "10 81 00 09 05 FF 01 01 30 01 62 01 80 00"},
    {"a Get for us from a group address", "224.0.23.0",
     "10 81 00 09 05 FF 01 0E F0 01 62 01 D6 00"},
};

class LanMalformed : public ::testing::TestWithParam<BadDatagram> {};

TEST_P(LanMalformed, IsDroppedWithADebugLog) {
  FakeLan lan(test_config());
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(5s);
  const auto devices_before = lan.controller.devices().size();
  lan.clear();

  lan.inject(GetParam().from, hex(GetParam().hex));

  ASSERT_EQ(lan.actions.size(), 1u) << GetParam().name;
  const auto* log = std::get_if<LanLog>(&lan.actions[0]);
  ASSERT_NE(log, nullptr) << GetParam().name;
  EXPECT_EQ(log->level, LogLevel::debug) << log->text;
  EXPECT_EQ(lan.controller.devices().size(), devices_before);
  // And the controller carries on: the device is still polled and answers.
  lan.run_for(61s);
  EXPECT_FALSE(lan.all<PropertiesUpdated>().empty()) << GetParam().name;
  EXPECT_TRUE(lan.all<AvailabilityChanged>().empty()) << GetParam().name;
}

std::string case_name(const ::testing::TestParamInfo<BadDatagram>& param_info) {
  std::string name;
  for (const char* c = param_info.param.name; *c != '\0'; ++c)
    name.push_back(std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, LanMalformed, ::testing::ValuesIn(kBad), case_name);

TEST(LanRobustness, RandomAndMutatedDatagramsNeverCrash) {
  FakeLan lan(test_config());
  lan.add(ac_node("192.0.2.10", 0x01));
  lan.start();
  lan.run_for(5s);
  std::mt19937 rng(12345);
  const Bytes valid = hex("10 81 00 00 01 30 01 05 FF 01 73 02 80 01 31 B0 01 42");
  const Bytes profile = hex("10 81 00 00 0E F0 01 0E F0 01 73 01 D5 04 01 01 30 01");
  const char* senders[] = {"192.0.2.10", "203.0.113.9", "fe80::9%eth0"};
  for (int i = 0; i < 3000; ++i) {
    Bytes datagram;
    switch (i % 3) {
      case 0:  // random bytes behind a valid header
        datagram = {0x10, 0x81};
        for (auto n = rng() % 40; n > 0; --n)
          datagram.push_back(static_cast<std::uint8_t>(rng()));
        break;
      case 1:  // a valid notification with a byte changed and maybe cut
        datagram = valid;
        datagram[rng() % datagram.size()] = static_cast<std::uint8_t>(rng());
        datagram.resize(rng() % (datagram.size() + 1));
        break;
      default:  // an instance list announcement with a byte changed
        datagram = profile;
        datagram[2 + rng() % (datagram.size() - 2)] = static_cast<std::uint8_t>(rng());
        break;
    }
    lan.inject(senders[rng() % 3], datagram);
    if (i % 100 == 0)
      lan.run_for(1s);
  }
  // Still working: the known device is polled and answers, ahead of the objects that the
  // corrupted announcements made up (each asked for once, then forgotten).
  lan.clear();
  lan.run_for(120s);
  EXPECT_TRUE(lan.controller.devices().contains("000006_5a449e88_013001"));
  bool polled = false;
  for (const auto& update : lan.all<PropertiesUpdated>())
    polled = polled || update.device_id == "000006_5a449e88_013001";
  EXPECT_TRUE(polled);
}

}  // namespace
}  // namespace hems::lan::testing
