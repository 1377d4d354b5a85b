// config/example.toml is what users copy: it must load cleanly once its placeholder credentials
// are replaced, refuse to load while they are not, and document every key.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "hems/app/config.hpp"

namespace hems::test {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a user who edited the credentials (here through the environment) has.
const std::map<std::string, std::string> kEditedCredentials{
    {"HEMS2MQTT_METER_ID", "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"},
    {"HEMS2MQTT_METER_PASSWORD", "SIMULATORPW1"}};

TEST(ExampleConfigTest, AsCopiedItIsRefusedForItsPlaceholderCredentialsOnly) {
  auto config = app::load_config(HEMS_EXAMPLE_CONFIG, {});
  ASSERT_FALSE(config.has_value());
  ASSERT_EQ(config.error().size(), 2u);
  EXPECT_THAT(config.error()[0].to_string(), ::testing::HasSubstr("meter.id is still the example"));
  EXPECT_THAT(config.error()[1].to_string(),
              ::testing::HasSubstr("meter.password is still the example"));
}

TEST(ExampleConfigTest, LoadsWithoutProblemsOrWarningsOnceEdited) {
  auto config = app::load_config(HEMS_EXAMPLE_CONFIG, kEditedCredentials);
  ASSERT_TRUE(config.has_value()) << config.error().front().to_string();
  EXPECT_THAT(config->warnings, ::testing::IsEmpty());
  EXPECT_EQ(config->mqtt.server, "mqtt://127.0.0.1:1883");
  EXPECT_EQ(config->meter.instant_interval, 10);
}

TEST(ExampleConfigTest, DocumentsEveryKey) {
  const std::string example = read_text(HEMS_EXAMPLE_CONFIG);
  auto config = app::load_config(HEMS_EXAMPLE_CONFIG, kEditedCredentials);
  ASSERT_TRUE(config.has_value());
  // render_config prints every known key once; each must appear as a key line in the example.
  std::istringstream rendered(app::render_config(*config));
  const std::regex key_line(R"(^([a-z_0-9]+) = )");
  int keys = 0;
  for (std::string line; std::getline(rendered, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, key_line))
      continue;
    ++keys;
    // Appended, not `"\n" + match[1].str()`: a false -Wrestrict with GCC 12 at -O2.
    std::string assignment = "\n";
    assignment += match[1].str();
    assignment += " = ";
    EXPECT_THAT(example, ::testing::HasSubstr(assignment)) << match[1];
  }
  EXPECT_GE(keys, 30);
}

}  // namespace
}  // namespace hems::test
