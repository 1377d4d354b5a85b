#include "hems/app/cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hems::test {
namespace {

using ::testing::HasSubstr;

using Env = std::map<std::string, std::string>;

// Builds a mutable argv from words; argv[0] is the program name.
std::expected<app::CliOptions, std::string> parse(std::vector<std::string> words,
                                                  const Env& env = {}) {
  words.insert(words.begin(), "hems2mqtt");
  std::vector<char*> argv;
  for (auto& word : words)
    argv.push_back(word.data());
  argv.push_back(nullptr);
  return app::parse_command_line(static_cast<int>(words.size()), argv.data(), env);
}

TEST(CliTest, DefaultsToTheSystemConfigPath) {
  auto options = parse({});
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->config_path, "/etc/hems2mqtt/config.toml");
  EXPECT_FALSE(options->check_config);
  EXPECT_FALSE(options->print_config);
  EXPECT_FALSE(options->list_ports);
  EXPECT_FALSE(options->version);
  EXPECT_FALSE(options->help);
  EXPECT_FALSE(options->log_level.has_value());
}

TEST(CliTest, EnvironmentChoosesTheConfigUnlessTheCommandLineDoes) {
  const Env env{{"HEMS2MQTT_CONFIG", "/data/config.toml"}};
  EXPECT_EQ(parse({}, env)->config_path, "/data/config.toml");
  EXPECT_EQ(parse({"--config", "/cli.toml"}, env)->config_path, "/cli.toml");
}

TEST(CliTest, ConfigAcceptsAllSpellings) {
  EXPECT_EQ(parse({"--config", "a.toml"})->config_path, "a.toml");
  EXPECT_EQ(parse({"--config=b.toml"})->config_path, "b.toml");
  EXPECT_EQ(parse({"-c", "c.toml"})->config_path, "c.toml");
}

TEST(CliTest, ModeFlags) {
  auto options = parse({"--check-config", "--print-config", "--list-ports", "--version", "--help"});
  ASSERT_TRUE(options.has_value());
  EXPECT_TRUE(options->check_config);
  EXPECT_TRUE(options->print_config);
  EXPECT_TRUE(options->list_ports);
  EXPECT_TRUE(options->version);
  EXPECT_TRUE(options->help);
  EXPECT_TRUE(parse({"-h"})->help);
}

TEST(CliTest, LogLevel) {
  EXPECT_EQ(parse({"--log-level", "debug"})->log_level, "debug");
  EXPECT_EQ(parse({"--log-level=trace"})->log_level, "trace");
  auto bad = parse({"--log-level", "loud"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error(), HasSubstr("'loud'"));
}

TEST(CliTest, Errors) {
  EXPECT_EQ(parse({"--config"}).error(), "option --config needs a value");
  EXPECT_EQ(parse({"--log-level"}).error(), "option --log-level needs a value");
  EXPECT_EQ(parse({"--config="}).error(), "option --config needs a path");
  EXPECT_EQ(parse({"--frobnicate"}).error(), "unknown option '--frobnicate' (see --help)");
  EXPECT_EQ(parse({"config.toml"}).error(), "unexpected argument 'config.toml' (see --help)");
  EXPECT_EQ(parse({"--version=2"}).error(), "option --version takes no value");
}

TEST(CliTest, UsageMentionsEveryOption) {
  const std::string usage = app::usage_text();
  for (const char* option : {"--config", "--check-config", "--print-config", "--list-ports",
                             "--log-level", "--version", "--help", "HEMS2MQTT_"}) {
    EXPECT_THAT(usage, HasSubstr(option));
  }
}

}  // namespace
}  // namespace hems::test
