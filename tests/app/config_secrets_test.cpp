#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/config_fixture.hpp"

namespace hems::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(ConfigTest, PasswordFilesAreReadWithoutTheTrailingNewline) {
  const std::string meter_file = dir_.write("meter-password", "SIMULATORPW1\n");
  const std::string id_file = dir_.write("meter-id", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E\r\n");
  const std::string mqtt_file = dir_.write("mqtt-password", "s3cret pass\n");
  auto config = load("[meter]\nid_file = \"" + id_file + "\"\npassword_file = \"" + meter_file +
                     "\"\n[mqtt]\nusername = \"u\"\npassword_file = \"" + mqtt_file + "\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->meter.password, "SIMULATORPW1");
  EXPECT_EQ(config->meter.password_file, meter_file);
  EXPECT_EQ(config->meter.id, "3F8A2C5E7B1D4096A8C3E5F7092B4D6E");
  EXPECT_EQ(config->mqtt.password, "s3cret pass");
}

TEST_F(ConfigTest, PasswordFileFromTheEnvironment) {
  const std::string meter_file = dir_.write("meter-password", "SIMULATORPW1");
  auto config = load("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n",
                     Env{{"HEMS2MQTT_METER_PASSWORD_FILE", meter_file}});
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_EQ(config->meter.password, "SIMULATORPW1");
}

TEST_F(ConfigTest, PasswordAndPasswordFileTogetherIsAProblem) {
  const std::string file = dir_.write("pw", "SIMULATORPW1\n");
  EXPECT_THAT(problems(std::string(kMeterSection) + "password_file = \"" + file + "\"\n"),
              HasProblem(at(4), "meter.password and meter.password_file are both set"));
}

TEST_F(ConfigTest, UnreadablePasswordFileIsAProblemAtItsKey) {
  const std::string missing = (dir_.path() / "nope").string();
  EXPECT_THAT(problems("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
                       "password_file = \"" +
                       missing + "\"\n"),
              HasProblem(at(3), "cannot read meter.password_file '" + missing + "'"));
}

TEST_F(ConfigTest, PasswordFileThatIsADirectoryIsAProblemAtItsKey) {
  // Opening a directory succeeds; reading it fails, and must not end the daemon.
  const std::string directory = dir_.path().string();
  EXPECT_THAT(problems("[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
                       "password_file = \"" +
                       directory + "\"\n"),
              HasProblem(at(3), "cannot read meter.password_file '" + directory + "'"));
}

TEST_F(ConfigTest, SecretFromAFileIsCheckedAtTheFileKeyAndNeverPrinted) {
  const std::string file = dir_.write("pw", "wrong-length-secret\n");
  auto found = problems(
      "[meter]\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
      "password_file = \"" +
      file + "\"\n");
  EXPECT_THAT(found, HasProblem(at(3),
                                "meter.password (read from meter.password_file) must be "
                                "12 characters (got 19)"));
  for (const auto& line : found)
    EXPECT_THAT(line, Not(HasSubstr("wrong-length-secret")));
}

}  // namespace
}  // namespace hems::test
