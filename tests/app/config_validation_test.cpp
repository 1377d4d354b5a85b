#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// kMeterSection takes lines 1-3; the keys under test start at line 4.
std::string meter_with(const std::string& extra) {
  return std::string(kMeterSection) + extra;
}

std::string mqtt_with(const std::string& extra) {
  return std::string(kMeterSection) + "[mqtt]\n" + extra;  // the key is on line 5
}

TEST_F(ConfigTest, ServerMustUseAnMqttScheme) {
  EXPECT_THAT(problems(mqtt_with("server = \"tcp://127.0.0.1:1883\"\n")),
              HasProblem(at(5),
                         "mqtt.server 'tcp://127.0.0.1:1883' must start with mqtt:// or "
                         "mqtts://"));
}

TEST_F(ConfigTest, ServerPortMustBeInRange) {
  EXPECT_THAT(problems(mqtt_with("server = \"mqtt://127.0.0.1:70000\"\n")),
              HasProblem(at(5), "port 70000 is out of range 1-65535"));
  EXPECT_THAT(problems(mqtt_with("server = \"mqtt://127.0.0.1:0\"\n")),
              HasProblem(at(5), "port 0 is out of range 1-65535"));
  EXPECT_THAT(problems(mqtt_with("server = \"mqtt://127.0.0.1:abc\"\n")),
              HasProblem(at(5), "port 'abc' is not a number"));
}

TEST_F(ConfigTest, ServerAcceptsTlsAndIpv6) {
  EXPECT_TRUE(load(mqtt_with("server = \"mqtts://broker.example\"\n")).has_value());
  EXPECT_TRUE(load(mqtt_with("server = \"mqtt://[::1]:1883\"\n")).has_value());
}

TEST_F(ConfigTest, BaseTopicMustNotBeEmptyOrHoldWildcards) {
  EXPECT_THAT(problems(mqtt_with("base_topic = \"\"\n")),
              HasProblem(at(5), "mqtt.base_topic must not be empty"));
  EXPECT_THAT(problems(mqtt_with("base_topic = \"home/+\"\n")),
              HasProblem(at(5), "mqtt.base_topic must not contain the wildcards"));
  EXPECT_THAT(problems(mqtt_with("base_topic = \"home/#\"\n")),
              HasProblem(at(5), "mqtt.base_topic must not contain the wildcards"));
}

TEST_F(ConfigTest, EmptyDiscoveryPrefixTurnsDiscoveryOff) {
  auto config = load(mqtt_with("discovery_prefix = \"\"\n"));
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->mqtt.discovery_prefix, "");
}

TEST_F(ConfigTest, DiscoveryLanguageIsEnglishUnlessJapaneseIsAsked) {
  auto english = load(kMeterSection);
  ASSERT_TRUE(english.has_value());
  EXPECT_EQ(english->mqtt.discovery_language, "en");
  auto japanese = load(mqtt_with("discovery_language = \"ja\"\n"));
  ASSERT_TRUE(japanese.has_value()) << japanese.error().front().to_string();
  EXPECT_EQ(japanese->mqtt.discovery_language, "ja");
}

TEST_F(ConfigTest, DiscoveryLanguageMustBeKnown) {
  EXPECT_THAT(problems(mqtt_with("discovery_language = \"jp\"\n")),
              HasProblem(at(5), "mqtt.discovery_language 'jp' is not one of en | ja"));
  // Codes are exact: no case folding, no regional variants.
  EXPECT_THAT(problems(mqtt_with("discovery_language = \"JA\"\n")),
              HasProblem(at(5), "mqtt.discovery_language 'JA' is not one of en | ja"));
  EXPECT_THAT(problems(mqtt_with("discovery_language = \"ja_JP\"\n")),
              HasProblem(at(5), "mqtt.discovery_language 'ja_JP' is not one of en | ja"));
}

TEST_F(ConfigTest, KeepaliveMustFitMqtt) {
  EXPECT_THAT(problems(mqtt_with("keepalive = 70000\n")),
              HasProblem(at(5), "mqtt.keepalive must be 0-65535"));
}

TEST_F(ConfigTest, MeterIdMustBe32HexCharactersAndIsNeverPrinted) {
  const std::string secret_id = "00112233445566778899AABBCCDDEEFG";  // 'G' is not hex
  auto found = problems("[meter]\nid = \"" + secret_id + "\"\npassword = \"SIMULATORPW1\"\n");
  EXPECT_THAT(found, HasProblem(at(2), "meter.id must be 32 hexadecimal characters"));
  for (const auto& line : found)
    EXPECT_THAT(line, Not(HasSubstr(secret_id)));

  EXPECT_THAT(problems("[meter]\nid = \"0011\"\npassword = \"SIMULATORPW1\"\n"),
              HasProblem(at(2), "(got 4 characters)"));
}

TEST_F(ConfigTest, MeterPasswordMustBe12CharactersAndIsNeverPrinted) {
  const std::string secret = "hunter2secret";  // 13 characters
  auto found = problems("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\npassword = \"" +
                        secret + "\"\n");
  EXPECT_THAT(found, HasProblem(at(3), "meter.password must be 12 characters (got 13)"));
  for (const auto& line : found)
    EXPECT_THAT(line, Not(HasSubstr(secret)));
}

TEST_F(ConfigTest, TheExamplesPlaceholderCredentialsAreRefused) {
  auto found =
      problems("[meter]\nid = \"00112233445566778899aabbccddeeff\"\npassword = \"0123456789AB\"\n");
  EXPECT_THAT(found, HasProblem(at(2), "meter.id is still the example's placeholder"));
  EXPECT_THAT(found, HasProblem(at(3), "meter.password is still the example's placeholder"));
  // Either one alone is refused too.
  EXPECT_THAT(problems("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
                       "password = \"0123456789AB\"\n"),
              HasProblem(at(3), "meter.password is still the example's placeholder"));
  EXPECT_TRUE(load("[meter]\nenabled = false\nid = \"00112233445566778899AABBCCDDEEFF\"\n"
                   "[lan]\nenabled = true\n")
                  .has_value());
}

TEST_F(ConfigTest, MeterCredentialsAreRequiredOnlyWhenTheMeterIsEnabled) {
  auto found = problems("[meter]\nname = \"m\"\n");
  EXPECT_THAT(found, HasProblem(at(1), "meter.id (or meter.id_file) is required"));
  EXPECT_THAT(found, HasProblem(at(1), "meter.password (or meter.password_file) is required"));
  EXPECT_TRUE(load("[meter]\nenabled = false\n[lan]\nenabled = true\n").has_value());
}

TEST_F(ConfigTest, DialectMustBeKnown) {
  EXPECT_THAT(problems(meter_with("dialect = \"bp35c2\"\n")),
              HasProblem(at(4), "meter.dialect 'bp35c2' is not one of auto | bp35a1 | bp35c0"));
  EXPECT_TRUE(load(meter_with("dialect = \"bp35a1\"\n")).has_value());
}

TEST_F(ConfigTest, InstantIntervalUnderOneIsAnError) {
  EXPECT_THAT(problems(meter_with("instant_interval = 0\n")),
              HasProblem(at(4), "meter.instant_interval must be at least 1 second"));
}

TEST_F(ConfigTest, InstantIntervalUnderTenIsAWarning) {
  auto config = load(meter_with("instant_interval = 5\n"));
  ASSERT_TRUE(config.has_value());
  ASSERT_THAT(config->warnings, SizeIs(1));
  EXPECT_EQ(config->warnings[0].line, 4);
  EXPECT_THAT(config->warnings[0].to_string(),
              ::testing::StartsWith(at(4) + "meter.instant_interval under 10 seconds"));
}

TEST_F(ConfigTest, EnergyIntervalMustNotBeShorterThanInstantInterval) {
  EXPECT_THAT(problems(meter_with("instant_interval = 30\nenergy_interval = 20\n")),
              HasProblem(at(5),
                         "meter.energy_interval (20) must not be shorter than "
                         "meter.instant_interval (30)"));
}

TEST_F(ConfigTest, ScanDurationMustBeOneHexDigitTheDongleAccepts) {
  EXPECT_THAT(problems(meter_with("scan_duration_max = 15\n")),
              HasProblem(at(4), "meter.scan_duration_max must be 0-14"));
}

TEST_F(ConfigTest, MeterNameMustBeUsableAsATopicLevel) {
  EXPECT_THAT(problems(meter_with("name = \"my/meter\"\n")),
              HasProblem(at(4), "meter.name 'my/meter' must be non-empty"));
}

TEST_F(ConfigTest, LogLevelMustBeKnown) {
  EXPECT_THAT(problems(std::string(kMeterSection) + "[log]\nlevel = \"verbose\"\n"),
              HasProblem(at(5),
                         "log.level 'verbose' is not one of error | warning | info | "
                         "debug | trace"));
}

TEST_F(ConfigTest, HttpListenIsOffByDefaultAndTakesHostPortOrBracketedIpv6) {
  auto off = load(kMeterSection);
  ASSERT_TRUE(off.has_value()) << off.error().front().to_string();
  EXPECT_EQ(off->http.listen, "");
  auto v4 = load(std::string(kMeterSection) + "[http]\nlisten = \"127.0.0.1:9810\"\n");
  ASSERT_TRUE(v4.has_value()) << v4.error().front().to_string();
  EXPECT_EQ(v4->http.listen, "127.0.0.1:9810");
  auto v6 = load(kMeterSection, Env{{"HEMS2MQTT_HTTP_LISTEN", "[::1]:9810"}});
  ASSERT_TRUE(v6.has_value()) << v6.error().front().to_string();
  EXPECT_EQ(v6->http.listen, "[::1]:9810");
}

TEST_F(ConfigTest, HttpListenMustBeAnAddressWithAPort) {
  EXPECT_THAT(problems(std::string(kMeterSection) + "[http]\nlisten = \"127.0.0.1\"\n"),
              HasProblem(at(5), "http.listen '127.0.0.1' needs a port, e.g. 127.0.0.1:9810"));
  EXPECT_THAT(problems(std::string(kMeterSection) + "[http]\nlisten = \"::1:9810\"\n"),
              HasProblem(at(5), "http.listen '::1:9810': write an IPv6 address in brackets"));
  EXPECT_THAT(problems(kMeterSection, Env{{"HEMS2MQTT_HTTP_LISTEN", "localhost:99999"}}),
              HasProblem(at(0), "http.listen 'localhost:99999': the port must be a number"));
}

TEST_F(ConfigTest, LanTimeoutMustBePositive) {
  EXPECT_THAT(problems(std::string(kMeterSection) + "[lan]\ntimeout = 0\n"),
              HasProblem(at(5), "lan.timeout must be greater than 0"));
  EXPECT_THAT(problems(std::string(kMeterSection) + "[lan]\ntimeout = -1.5\n"),
              HasProblem(at(5), "lan.timeout must be greater than 0"));
}

TEST_F(ConfigTest, LanHostsMustBeIpAddresses) {
  auto found = problems(std::string(kMeterSection) +
                        "[lan]\nhosts = [\"192.0.2.1\", \"fe80::1%eth0\", \"printer.local\"]\n");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0], at(5) + "lan.hosts entry 'printer.local' is not an IP address");
}

TEST_F(ConfigTest, LanPollIntervalMustBePositive) {
  EXPECT_THAT(problems(std::string(kMeterSection) + "[lan]\npoll_interval = 0\n"),
              HasProblem(at(5), "lan.poll_interval must be at least 1 second"));
}

TEST_F(ConfigTest, LanNamesMustBeUsableAsTopicLevels) {
  EXPECT_THAT(
      problems(std::string(kMeterSection) + "[lan.names]\n\"a/0x013001\" = \"living ac\"\n"),
      HasProblem(at(4), "lan.names value 'living ac' must be non-empty"));
}

TEST_F(ConfigTest, TlsFilesWithPlainMqttAreAWarning) {
  auto config = load(mqtt_with("server = \"mqtt://x\"\nca_file = \"/etc/ssl/ca.pem\"\n"));
  ASSERT_TRUE(config.has_value());
  EXPECT_THAT(config->warnings,
              Contains(Field(&app::ConfigProblem::message, HasSubstr("use mqtts://"))));
}

TEST_F(ConfigTest, NothingEnabledIsAWarning) {
  auto config = load("[meter]\nenabled = false\n");
  ASSERT_TRUE(config.has_value());
  EXPECT_THAT(config->warnings,
              Contains(Field(&app::ConfigProblem::message, HasSubstr("both [meter] and [lan] "
                                                                     "are disabled"))));
}

TEST(ConfigProblemTest, FormatsWithAndWithoutLine) {
  EXPECT_EQ((app::ConfigProblem{"/etc/x.toml", 7, "bad"}).to_string(), "/etc/x.toml:7: bad");
  EXPECT_EQ((app::ConfigProblem{"/etc/x.toml", 0, "bad"}).to_string(), "/etc/x.toml: bad");
}

}  // namespace
}  // namespace hems::test
