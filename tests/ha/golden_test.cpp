// Golden-file tests: every discovery payload of the reference meter against a reviewed file in
// golden/ (pretty-printed JSON, compared as parsed JSON), with Japanese names in golden/ja/.
// To regenerate after a deliberate change:
//   HEMS_UPDATE_GOLDEN=1 ./ha_tests --gtest_filter='Golden*'
// then read the diff of golden/ before committing it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "meter_fixture.hpp"

namespace hems::ha::test {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = HEMS_HA_GOLDEN_DIR;

bool updating() {
  const char* flag = std::getenv("HEMS_UPDATE_GOLDEN");
  return flag != nullptr && std::string(flag) == "1";
}

// sensor_power.json for .../sensor/<node>/power/config.
std::string golden_name(const std::string& topic) {
  return level_of(topic, 3) + "_" + object_of(topic) + ".json";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Each language's files in a folder of their own: English at the top, others in golden/<code>/.
struct Case {
  Language language;
  fs::path dir;
};
const Case kCases[] = {{Language::en, kGoldenDir}, {Language::ja, kGoldenDir / "ja"}};

std::vector<DiscoveryMessage> reference_messages(Language language = Language::en) {
  return meter_discovery(BridgeTopics{}, toshiba_meter(), kVersion, language);
}

TEST(GoldenDiscovery, EveryPayloadMatchesItsFile) {
  for (const auto& [language, dir] : kCases) {
    const auto messages = reference_messages(language);
    ASSERT_FALSE(messages.empty());
    if (updating())
      fs::create_directories(dir);
    for (const auto& message : messages) {
      const fs::path file = dir / golden_name(message.topic);
      SCOPED_TRACE(file.string());
      if (updating()) {
        // Japanese stays readable in the files (UTF-8, not \u escapes).
        std::ofstream(file) << nlohmann::ordered_json::parse(message.payload).dump(2) << "\n";
        continue;
      }
      ASSERT_TRUE(fs::exists(file)) << "no golden file; run with HEMS_UPDATE_GOLDEN=1 and review";
      EXPECT_EQ(nlohmann::json::parse(read_file(file)), nlohmann::json::parse(message.payload));
    }
  }
}

TEST(GoldenDiscovery, NoGoldenFileWithoutAPayload) {
  for (const auto& [language, dir] : kCases) {
    SCOPED_TRACE(dir.string());
    std::set<std::string> expected;
    for (const auto& message : reference_messages(language))
      expected.insert(golden_name(message.topic));
    std::set<std::string> present;
    ASSERT_TRUE(fs::is_directory(dir)) << "run with HEMS_UPDATE_GOLDEN=1 and review";
    for (const auto& entry : fs::directory_iterator(dir)) {
      // appliance_* and bridge_* files belong to the appliance and bridge golden tests; folders
      // to other languages.
      const std::string file = entry.path().filename().string();
      if (entry.is_regular_file() && !file.starts_with("appliance_") &&
          !file.starts_with("bridge_"))
        present.insert(file);
    }
    EXPECT_EQ(present, expected);
  }
}

TEST(GoldenDiscovery, TopicsOfTheReferenceMeter) {
  std::vector<std::string> topics;
  for (const auto& message : reference_messages())
    topics.push_back(message.topic);
  const std::string node = "homeassistant/sensor/hems2mqtt_000016_f24g36650500/";
  EXPECT_EQ(topics, (std::vector<std::string>{
                        node + "power/config",
                        node + "current_r/config",
                        node + "current_t/config",
                        node + "energy_import/config",
                        node + "energy_export/config",
                        node + "energy_import_fixed/config",
                        node + "energy_export_fixed/config",
                        node + "last_seen/config",
                        node + "rssi/config",
                        node + "channel/config",
                        node + "pan_id/config",
                        node + "session_state/config",
                        node + "last_error/config",
                        node + "dongle_firmware/config",
                        "homeassistant/button/hems2mqtt_000016_f24g36650500/read_now/config",
                    }));
}

}  // namespace
}  // namespace hems::ha::test
