// Golden-file tests for appliance discovery: every payload of the reference appliances against a
// reviewed file golden/appliance_<device>_<component>_<object>.json (compared as parsed JSON), with
// Japanese names in golden/ja/.
// To regenerate after a deliberate change:
//   HEMS_UPDATE_GOLDEN=1 ./ha_tests --gtest_filter='ApplianceGolden*'
// then read the diff of golden/ before committing it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "appliance_fixtures.hpp"
#include "meter_fixture.hpp"

namespace hems::ha::test {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = HEMS_HA_GOLDEN_DIR;

bool updating() {
  const char* flag = std::getenv("HEMS_UPDATE_GOLDEN");
  return flag != nullptr && std::string(flag) == "1";
}

std::string golden_name(const std::string& device, const std::string& topic) {
  return "appliance_" + device + "_" + level_of(topic, 3) + "_" + object_of(topic) + ".json";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Case {
  Language language;
  fs::path dir;
};
const Case kCases[] = {{Language::en, kGoldenDir}, {Language::ja, kGoldenDir / "ja"}};

TEST(ApplianceGolden, EveryPayloadMatchesItsFile) {
  for (const auto& [language, dir] : kCases) {
    if (updating())
      fs::create_directories(dir);
    for (const auto& [name, device] : reference_appliances()) {
      for (const auto& message : appliance_discovery(BridgeTopics{}, device, kVersion, language)) {
        const fs::path file = dir / golden_name(name, message.topic);
        SCOPED_TRACE(file.string());
        if (updating()) {
          std::ofstream(file) << nlohmann::ordered_json::parse(message.payload).dump(2) << "\n";
          continue;
        }
        ASSERT_TRUE(fs::exists(file)) << "no golden file; run with HEMS_UPDATE_GOLDEN=1 and review";
        EXPECT_EQ(nlohmann::json::parse(read_text(file)), nlohmann::json::parse(message.payload));
      }
    }
  }
}

TEST(ApplianceGolden, NoGoldenFileWithoutAPayload) {
  for (const auto& [language, dir] : kCases) {
    SCOPED_TRACE(dir.string());
    std::set<std::string> expected;
    for (const auto& [name, device] : reference_appliances()) {
      for (const auto& message : appliance_discovery(BridgeTopics{}, device, kVersion, language))
        expected.insert(golden_name(name, message.topic));
    }
    std::set<std::string> present;
    ASSERT_TRUE(fs::is_directory(dir)) << "run with HEMS_UPDATE_GOLDEN=1 and review";
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string file = entry.path().filename().string();
      if (entry.is_regular_file() && file.starts_with("appliance_"))
        present.insert(file);
    }
    EXPECT_EQ(present, expected);
  }
}

}  // namespace
}  // namespace hems::ha::test
