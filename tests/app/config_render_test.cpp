#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecretsConfig = R"([mqtt]
username = "bridge"
password = "mqtt-very-secret"
discovery_language = "ja"

[meter]
id = "FEDCBA98765432100123456789ABCDEF"
password = "SECRETPW1234"

[lan]
hosts = ["192.0.2.7"]

[lan.names]
"node \"1\"/0x013001" = "living_ac"
)";

TEST_F(ConfigTest, RenderRedactsEverySecret) {
  auto config = load(kSecretsConfig);
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  const std::string text = app::render_config(*config);
  EXPECT_THAT(text, Not(HasSubstr("mqtt-very-secret")));
  EXPECT_THAT(text, Not(HasSubstr("SECRETPW1234")));
  EXPECT_THAT(text, Not(HasSubstr("FEDCBA98765432100123456789ABCDEF")));
  EXPECT_THAT(text, HasSubstr("password = \"<redacted>\""));
  EXPECT_THAT(text, HasSubstr("id = \"<redacted>\""));
  EXPECT_THAT(text, HasSubstr("username = \"bridge\""));
}

TEST_F(ConfigTest, RenderRedactsSecretsReadFromFiles) {
  const std::string file = dir_.write("pw", "FILESECRET12\n");
  auto config = load("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\npassword_file = \"" +
                     file + "\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  const std::string text = app::render_config(*config);
  EXPECT_THAT(text, Not(HasSubstr("FILESECRET12")));
  EXPECT_THAT(text, HasSubstr("password_file = \"" + file + "\""));
  EXPECT_THAT(text, HasSubstr("# password is read from password_file"));
  // The rendered text is itself a valid config that reads the same file.
  auto reloaded = load(text, Env{{"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"}});
  ASSERT_TRUE(reloaded.has_value()) << text << reloaded.error().front().to_string();
  EXPECT_EQ(reloaded->meter.password, "FILESECRET12");
}

TEST_F(ConfigTest, RenderedConfigLoadsBackToTheSameValues) {
  auto original = load(kSecretsConfig, Env{{"HEMS2MQTT_LAN_TIMEOUT", "0.25"}});
  ASSERT_TRUE(original.has_value());
  // Put the secrets back, since they are redacted: what remains must round-trip exactly.
  const std::string rendered = app::render_config(*original);
  auto reloaded = load(rendered, Env{{"HEMS2MQTT_MQTT_PASSWORD", "x"},
                                     {"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"},
                                     {"HEMS2MQTT_METER_PASSWORD", "SIMULATORPW1"}});
  ASSERT_TRUE(reloaded.has_value()) << rendered << "\n" << reloaded.error().front().to_string();
  EXPECT_EQ(reloaded->mqtt.client_id, original->mqtt.client_id);
  EXPECT_EQ(reloaded->mqtt.username, "bridge");
  EXPECT_EQ(reloaded->mqtt.discovery_language, "ja");
  EXPECT_EQ(reloaded->lan.hosts, original->lan.hosts);
  EXPECT_DOUBLE_EQ(reloaded->lan.timeout, 0.25);
  EXPECT_EQ(reloaded->lan.names, original->lan.names);
  EXPECT_EQ(reloaded->meter.instant_interval, original->meter.instant_interval);
  EXPECT_EQ(app::render_config(*reloaded), rendered);
}

}  // namespace
}  // namespace hems::test
