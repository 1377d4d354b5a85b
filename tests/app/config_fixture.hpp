#pragma once

// Loads config text written to a temporary file and inspects the problems found.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "app/temp_dir.hpp"
#include "hems/app/config.hpp"

namespace hems::test {

// Valid B-route credentials, needed because the meter is enabled by default.
inline constexpr const char* kMeterSection =
    "[meter]\n"
    "id = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
    "password = \"SIMULATORPW1\"\n";

using Env = std::map<std::string, std::string>;

class ConfigTest : public ::testing::Test {
 protected:
  std::string write_config(const std::string& text) { return dir_.write("config.toml", text); }

  std::expected<app::Config, std::vector<app::ConfigProblem>> load(const std::string& text,
                                                                   const Env& env = {}) {
    return app::load_config(write_config(text), env);
  }

  // The problems of a config expected to be invalid, as "PATH:LINE: message" strings.
  std::vector<std::string> problems(const std::string& text, const Env& env = {}) {
    auto result = load(text, env);
    EXPECT_FALSE(result.has_value()) << "expected the config to be rejected";
    std::vector<std::string> lines;
    if (!result) {
      for (const auto& problem : result.error())
        lines.push_back(problem.to_string());
    }
    return lines;
  }

  // "PATH:LINE: " as the problems are expected to start (line 0: "PATH: ").
  std::string at(int line) const {
    return line > 0 ? path_ + ":" + std::to_string(line) + ": " : path_ + ": ";
  }

  TempDir dir_;
  // Fixed before any file is written, so expectations can be built in any order.
  const std::string path_ = (dir_.path() / "config.toml").string();
};

// The problem list holds one that starts with `prefix` and mentions `text`.
inline auto HasProblem(const std::string& prefix, const std::string& text) {
  using ::testing::AllOf;
  using ::testing::Contains;
  using ::testing::HasSubstr;
  using ::testing::StartsWith;
  return Contains(AllOf(StartsWith(prefix), HasSubstr(text)));
}

}  // namespace hems::test
