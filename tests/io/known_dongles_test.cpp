#include "hems/io/known_dongles.hpp"

#include <gtest/gtest.h>

namespace hems::io {
namespace {

// Ids of common USB-serial bridges; the dongles are recognised by product string on any of them.
constexpr int kFtdiVid = 0x0403;
constexpr int kFtdiFt230xPid = 0x6015;
constexpr int kRatocVid = 0x0584;

TEST(KnownDongles, RecognisesEachSupportedDongleByProductString) {
  struct Case {
    const char* product;
    const char* expected_name;
    const char* expected_dialect;
  };
  const Case cases[] = {
      {"RS-WSUHA-P", "RATOC RS-WSUHA-P", "dialect bp35c0"},
      {"BP35C2", "ROHM BP35C2", "dialect bp35c0"},
      {"ROHM BP35A1 USB", "ROHM BP35A1", "dialect bp35a1"},
      {"WSR35A1-00", "JORJIN WSR35A1", "dialect bp35a1"},
      {"RL7023 Stick-D/DSS", "RL7023 Stick-D/DSS", "dialect bp35c0"},
      {"RL7023 Stick-D/IPS", "RL7023 Stick-D/IPS", "dialect bp35a1"},
      {"RL7023 Stick-D", "RL7023 Stick-D", "dialect auto"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.product);
    const auto label = known_dongle(kFtdiVid, kFtdiFt230xPid, c.product);
    ASSERT_TRUE(label.has_value());
    EXPECT_NE(label->find(c.expected_name), std::string::npos) << *label;
    EXPECT_NE(label->find(c.expected_dialect), std::string::npos) << *label;
    EXPECT_EQ(label->find("NOT supported"), std::string::npos) << *label;
  }
}

TEST(KnownDongles, MatchesProductStringRegardlessOfCase) {
  const auto label = known_dongle(kRatocVid, 0x1234, "rs-wsuha-p");
  ASSERT_TRUE(label.has_value());
  EXPECT_NE(label->find("RS-WSUHA-P"), std::string::npos);
}

TEST(KnownDongles, FlagsBinaryJ11VariantsAsUnsupported) {
  for (const char* product : {"RS-WSUHA-J11", "BP35C2-J11-T01"}) {
    SCOPED_TRACE(product);
    const auto label = known_dongle(kRatocVid, 0x0001, product);
    ASSERT_TRUE(label.has_value());
    EXPECT_NE(label->find("NOT supported"), std::string::npos) << *label;
  }
}

TEST(KnownDongles, IgnoresOrdinaryAdaptersAndNonUsbPorts) {
  EXPECT_FALSE(known_dongle(kFtdiVid, 0x6001, "FT232R USB UART").has_value());
  EXPECT_FALSE(known_dongle(0x10c4, 0xea60, "CP2102 USB to UART Bridge Controller").has_value());
  EXPECT_FALSE(known_dongle(kFtdiVid, kFtdiFt230xPid, "").has_value());
  // -1 is what SerialPortInfo holds for a port that is not USB.
  EXPECT_FALSE(known_dongle(-1, -1, "BP35C2").has_value());
  EXPECT_FALSE(known_dongle(0x10000, 0x0001, "BP35C2").has_value());
}

}  // namespace
}  // namespace hems::io
