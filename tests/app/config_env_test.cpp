#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;

TEST_F(ConfigTest, EnvironmentBeatsTheFile) {
  auto config = load(std::string(kMeterSection) +
                         "instant_interval = 30\n"
                         "[mqtt]\n"
                         "server = \"mqtt://file-broker:1883\"\n",
                     Env{{"HEMS2MQTT_MQTT_SERVER", "mqtts://env-broker:8883"},
                         {"HEMS2MQTT_METER_INSTANT_INTERVAL", "20"}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->mqtt.server, "mqtts://env-broker:8883");
  EXPECT_EQ(config->meter.instant_interval, 20);
}

TEST_F(ConfigTest, EnvironmentParsesEachType) {
  auto config = load(kMeterSection, Env{{"HEMS2MQTT_MQTT_RETAIN", "false"},
                                        {"HEMS2MQTT_LAN_ENABLED", "1"},
                                        {"HEMS2MQTT_LAN_IPV6", "0"},
                                        {"HEMS2MQTT_LAN_TIMEOUT", "2.5"},
                                        {"HEMS2MQTT_LAN_HOSTS", "192.0.2.1, 192.0.2.2,,"},
                                        {"HEMS2MQTT_LOG_LEVEL", "trace"}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_FALSE(config->mqtt.retain);
  EXPECT_TRUE(config->lan.enabled);
  EXPECT_FALSE(config->lan.ipv6);
  EXPECT_DOUBLE_EQ(config->lan.timeout, 2.5);
  EXPECT_THAT(config->lan.hosts, ElementsAre("192.0.2.1", "192.0.2.2"));
  EXPECT_EQ(config->log.level, "trace");
}

TEST_F(ConfigTest, EnvironmentAloneCanSupplyTheMeterCredentials) {
  auto config = load("", Env{{"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"},
                             {"HEMS2MQTT_METER_PASSWORD", "SIMULATORPW1"}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->meter.password, "SIMULATORPW1");
}

TEST_F(ConfigTest, BadEnvironmentValueNamesTheVariable) {
  auto found = problems(kMeterSection, Env{{"HEMS2MQTT_METER_INSTANT_INTERVAL", "often"},
                                           {"HEMS2MQTT_MQTT_RETAIN", "yes please"}});
  EXPECT_THAT(found, HasProblem(at(0),
                                "HEMS2MQTT_METER_INSTANT_INTERVAL: "
                                "meter.instant_interval: expected an integer, got "
                                "'often'"));
  EXPECT_THAT(found, HasProblem(at(0),
                                "HEMS2MQTT_MQTT_RETAIN: mqtt.retain: expected true, "
                                "false, 1 or 0"));
}

TEST_F(ConfigTest, InvalidEnvironmentValueIsReportedAgainstTheVariable) {
  const std::string secret = "tooshort";
  auto found = problems(kMeterSection, Env{{"HEMS2MQTT_METER_PASSWORD", secret}});
  EXPECT_THAT(found, HasProblem(at(0),
                                "HEMS2MQTT_METER_PASSWORD: meter.password must be 12 "
                                "characters"));
  for (const auto& line : found)
    EXPECT_THAT(line, Not(HasSubstr(secret)));
}

TEST_F(ConfigTest, EnvironmentSetsTheDiscoveryLanguage) {
  auto config = load(std::string(kMeterSection) + "[mqtt]\ndiscovery_language = \"en\"\n",
                     Env{{"HEMS2MQTT_MQTT_DISCOVERY_LANGUAGE", "ja"}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->mqtt.discovery_language, "ja");
  EXPECT_THAT(problems(kMeterSection, Env{{"HEMS2MQTT_MQTT_DISCOVERY_LANGUAGE", "japanese"}}),
              HasProblem(at(0),
                         "HEMS2MQTT_MQTT_DISCOVERY_LANGUAGE: mqtt.discovery_language 'japanese' "
                         "is not one of en | ja"));
}

TEST_F(ConfigTest, UnknownEnvironmentVariableIsAWarningWithASuggestion) {
  auto config = load(kMeterSection, Env{{"HEMS2MQTT_MQTT_SERVR", "mqtt://x"},
                                        {"HEMS2MQTT_CONFIG", "/ignored/by/load_config"}});
  ASSERT_TRUE(config.has_value());
  ASSERT_THAT(config->warnings, SizeIs(1));
  EXPECT_THAT(config->warnings[0].message,
              HasSubstr("HEMS2MQTT_MQTT_SERVR: unknown variable, ignored; did you mean "
                        "HEMS2MQTT_MQTT_SERVER?"));
}

TEST_F(ConfigTest, TablesCannotBeSetFromTheEnvironment) {
  EXPECT_THAT(problems(kMeterSection, Env{{"HEMS2MQTT_LAN_NAMES", "a=b"}}),
              HasProblem(at(0), "HEMS2MQTT_LAN_NAMES: lan.names: this table cannot be set"));
}

TEST(EnvironmentFromTest, KeepsOnlyOurVariables) {
  std::string a = "HEMS2MQTT_MQTT_SERVER=mqtt://x:1883";
  std::string b = "PATH=/usr/bin";
  std::string c = "HEMS2MQTT_LAN_HOSTS=a=b";  // only the first '=' separates
  std::string d = "NOEQUALS";
  char* envp[] = {a.data(), b.data(), c.data(), d.data(), nullptr};
  EXPECT_THAT(app::environment_from(envp),
              ElementsAre(Pair("HEMS2MQTT_LAN_HOSTS", "a=b"),
                          Pair("HEMS2MQTT_MQTT_SERVER", "mqtt://x:1883")));
  EXPECT_THAT(app::environment_from(nullptr), SizeIs(0));
}

}  // namespace
}  // namespace hems::test
