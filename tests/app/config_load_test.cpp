#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST_F(ConfigTest, DefaultsApplyForAMinimalFile) {
  auto config = load(kMeterSection);
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->mqtt.server, "mqtt://127.0.0.1:1883");
  EXPECT_EQ(config->mqtt.base_topic, "hems2mqtt");
  EXPECT_EQ(config->mqtt.discovery_prefix, "homeassistant");
  EXPECT_EQ(config->mqtt.keepalive, 60);
  EXPECT_TRUE(config->mqtt.retain);
  EXPECT_TRUE(config->meter.enabled);
  EXPECT_EQ(config->meter.name, "smart_meter");
  EXPECT_EQ(config->meter.device, "/dev/wisun");
  EXPECT_EQ(config->meter.dialect, "auto");
  EXPECT_EQ(config->meter.state_dir, "/var/lib/hems2mqtt");
  EXPECT_EQ(config->meter.instant_interval, 10);
  EXPECT_EQ(config->meter.energy_interval, 60);
  EXPECT_EQ(config->meter.scan_duration_max, 8);
  EXPECT_FALSE(config->lan.enabled);
  EXPECT_TRUE(config->lan.ipv6);
  EXPECT_EQ(config->lan.poll_interval, 60);
  EXPECT_DOUBLE_EQ(config->lan.timeout, 1.0);
  EXPECT_FALSE(config->lan.allow_set.has_value());
  EXPECT_EQ(config->log.level, "info");
  EXPECT_EQ(config->source_path, path_);
  EXPECT_THAT(config->warnings, IsEmpty());
}

TEST_F(ConfigTest, ClientIdIsLeftEmptyForTheBridgeToChooseUnlessSet) {
  // The default is made per instance when the bridge starts (app::ClientIdentity), not here:
  // --check-config and --print-config must not create state files.
  auto config = load(kMeterSection);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->mqtt.client_id, "");
  auto explicit_id = load(std::string(kMeterSection) + "[mqtt]\nclient_id = \"bridge-1\"\n");
  ASSERT_TRUE(explicit_id.has_value());
  EXPECT_EQ(explicit_id->mqtt.client_id, "bridge-1");
}

TEST_F(ConfigTest, ReadsEveryKeyOfAFullFile) {
  auto config = load(R"([mqtt]
server = "mqtts://broker.example:8884"
base_topic = "home/energy"
discovery_prefix = ""
client_id = "hems-test"
username = "bridge"
password = "mqtt-secret"
ca_file = ""
keepalive = 30
retain = false

[meter]
enabled = true
name = "meter_1"
device = "tcp://192.0.2.5:3000"
dialect = "bp35c0"
id = "3f8a2c5e7b1d4096a8c3e5f7092b4d6e"
password = "ABCDEFGHIJKL"
state_dir = "/tmp/state"
instant_interval = 15
energy_interval = 120
scan_duration_max = 7

[lan]
enabled = true
interface = "eth0"
ipv6 = false
hosts = ["192.0.2.10", "2001:db8::1"]
poll_interval = 30
timeout = 1.5
allow_set = ["living_ac/*", "0x026B/target_water_heating_temperature"]

[lan.names]
"FE00000000000000000000000000000001/0x013001" = "living_ac"

[log]
level = "debug"
)");
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->mqtt.server, "mqtts://broker.example:8884");
  EXPECT_EQ(config->mqtt.base_topic, "home/energy");
  EXPECT_EQ(config->mqtt.discovery_prefix, "");
  EXPECT_EQ(config->mqtt.client_id, "hems-test");
  EXPECT_EQ(config->mqtt.username, "bridge");
  EXPECT_EQ(config->mqtt.password, "mqtt-secret");
  EXPECT_EQ(config->mqtt.keepalive, 30);
  EXPECT_FALSE(config->mqtt.retain);
  EXPECT_EQ(config->meter.name, "meter_1");
  EXPECT_EQ(config->meter.device, "tcp://192.0.2.5:3000");
  EXPECT_EQ(config->meter.dialect, "bp35c0");
  EXPECT_EQ(config->meter.id, "3f8a2c5e7b1d4096a8c3e5f7092b4d6e");
  EXPECT_EQ(config->meter.password, "ABCDEFGHIJKL");
  EXPECT_EQ(config->meter.state_dir, "/tmp/state");
  EXPECT_EQ(config->meter.instant_interval, 15);
  EXPECT_EQ(config->meter.energy_interval, 120);
  EXPECT_EQ(config->meter.scan_duration_max, 7);
  EXPECT_TRUE(config->lan.enabled);
  EXPECT_EQ(config->lan.interface, "eth0");
  EXPECT_FALSE(config->lan.ipv6);
  EXPECT_EQ(config->lan.hosts, (std::vector<std::string>{"192.0.2.10", "2001:db8::1"}));
  EXPECT_EQ(config->lan.poll_interval, 30);
  EXPECT_DOUBLE_EQ(config->lan.timeout, 1.5);
  EXPECT_EQ(config->lan.allow_set,
            (std::vector<std::string>{"living_ac/*", "0x026B/target_water_heating_temperature"}));
  ASSERT_THAT(config->lan.names, SizeIs(1));
  EXPECT_EQ(config->lan.names.at("FE00000000000000000000000000000001/0x013001"), "living_ac");
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_THAT(config->warnings, IsEmpty());
}

TEST_F(ConfigTest, MissingFileIsAProblemWithoutALine) {
  auto result = app::load_config((dir_.path() / "absent.toml").string(), {});
  ASSERT_FALSE(result.has_value());
  ASSERT_THAT(result.error(), SizeIs(1));
  EXPECT_EQ(result.error()[0].line, 0);
  EXPECT_THAT(result.error()[0].to_string(),
              ::testing::StartsWith((dir_.path() / "absent.toml").string() + ": cannot read"));
}

TEST_F(ConfigTest, ADirectoryIsNamedAsOneNotReadAsAnEmptyFile) {
  const std::string directory = dir_.path().string();
  auto result = app::load_config(directory, {});
  ASSERT_FALSE(result.has_value());
  ASSERT_THAT(result.error(), SizeIs(1)) << "not a list of missing keys";
  EXPECT_EQ(result.error()[0].line, 0);
  EXPECT_THAT(result.error()[0].to_string(),
              ::testing::StartsWith(directory + ": is a directory, not a config file"));
}

TEST_F(ConfigTest, SyntaxErrorReportsItsLine) {
  auto found = problems("[mqtt]\nserver = \"mqtt://x\"\nbase_topic = \n");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_THAT(found[0], ::testing::StartsWith(at(3)));
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosestKnownKey) {
  auto found = problems(std::string(kMeterSection) + "instant_intervl = 5\n");
  EXPECT_THAT(found, HasProblem(at(4), "unknown key 'meter.instant_intervl'"));
  EXPECT_THAT(found, HasProblem(at(4), "did you mean 'meter.instant_interval'?"));
}

TEST_F(ConfigTest, UnknownKeyFarFromAnyKnownKeyHasNoSuggestion) {
  auto found = problems(std::string(kMeterSection) + "colour_of_the_box = \"red\"\n");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0], at(4) + "unknown key 'meter.colour_of_the_box'");
}

TEST_F(ConfigTest, UnknownSectionSuggestsTheClosestSection) {
  auto found = problems(std::string(kMeterSection) + "\n[mqqt]\nserver = \"mqtt://x\"\n");
  EXPECT_THAT(found, HasProblem(at(5), "unknown section [mqqt]; did you mean [mqtt]?"));
}

TEST_F(ConfigTest, WrongTypesNameTheExpectedType) {
  auto found = problems(std::string(kMeterSection) +
                        "instant_interval = \"10\"\n"
                        "enabled = 1\n"
                        "[lan]\n"
                        "hosts = \"192.0.2.1\"\n"
                        "timeout = \"3\"\n"
                        "[mqtt]\n"
                        "server = 1883\n");
  EXPECT_THAT(found, HasProblem(at(4), "meter.instant_interval must be an integer, not a string"));
  EXPECT_THAT(found, HasProblem(at(5), "meter.enabled must be true or false, not an integer"));
  EXPECT_THAT(found, HasProblem(at(7), "lan.hosts must be an array of strings, not a string"));
  EXPECT_THAT(found, HasProblem(at(8), "lan.timeout must be a number, not a string"));
  EXPECT_THAT(found, HasProblem(at(10), "mqtt.server must be a string, not an integer"));
}

TEST_F(ConfigTest, NonStringListEntryIsReportedAtItsLine) {
  auto found =
      problems(std::string(kMeterSection) + "[lan]\nhosts = [\n  \"192.0.2.1\",\n  5,\n]\n");
  EXPECT_THAT(found, HasProblem(at(7), "lan.hosts entries must be strings, not an integer"));
}

TEST_F(ConfigTest, IntegerTimeoutIsAcceptedAsANumber) {
  auto config = load(std::string(kMeterSection) + "[lan]\ntimeout = 2\n");
  ASSERT_TRUE(config.has_value());
  EXPECT_DOUBLE_EQ(config->lan.timeout, 2.0);
}

TEST_F(ConfigTest, ReportsEveryProblemNotJustTheFirst) {
  auto found = problems(
      "[mqtt]\n"
      "server = \"http://x\"\n"
      "base_topic = \"a/#\"\n"
      "[meter]\n"
      "id = \"123\"\n"
      "password = \"short\"\n"
      "[log]\n"
      "level = \"loud\"\n",
      Env{{"HEMS2MQTT_MQTT_KEEPALIVE", "soon"}});
  ASSERT_THAT(found, SizeIs(6));
  // In file order, problems without a line last.
  EXPECT_THAT(found[0], ::testing::StartsWith(at(2)));
  EXPECT_THAT(found[1], ::testing::StartsWith(at(3)));
  EXPECT_THAT(found[2], ::testing::StartsWith(at(5)));
  EXPECT_THAT(found[3], ::testing::StartsWith(at(6)));
  EXPECT_THAT(found[4], ::testing::StartsWith(at(8)));
  EXPECT_THAT(found[5], ::testing::StartsWith(at(0) + "HEMS2MQTT_MQTT_KEEPALIVE"));
}

}  // namespace
}  // namespace hems::test
