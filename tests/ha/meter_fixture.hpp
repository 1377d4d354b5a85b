#pragma once

// The meters the ha tests describe: the release-F Toshiba meter of the protocol reference (serial
// F24G36650500) behind a BP35C0 with firmware 1.5.2, and variants of it.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hems/ha/discovery.hpp"

namespace hems::ha::test {

inline constexpr const char* kVersion = "0.1.0";  // fixed so goldens do not follow releases

// Initialised, not assigned: GCC 12 at -O3 reports a false -Wrestrict on assigning "F".
inline MeterDevice toshiba_meter() {
  return MeterDevice{.name = "smart_meter",
                     .manufacturer_code = 0x000016,
                     .serial_number = "F24G36650500",
                     .release = "F",
                     .firmware = "1.5.2"};
}

// Level `from_end` of a topic counted from its last level (0), e.g. the object id of
// <prefix>/<component>/<node>/<object>/config is level 1, the component level 3.
inline std::string level_of(const std::string& topic, int from_end) {
  std::vector<std::string> levels;
  std::size_t start = 0;
  for (auto slash = topic.find('/'); slash != std::string::npos; slash = topic.find('/', start)) {
    levels.push_back(topic.substr(start, slash - start));
    start = slash + 1;
  }
  levels.push_back(topic.substr(start));
  const auto n = static_cast<int>(levels.size());
  return from_end < n ? levels[static_cast<std::size_t>(n - 1 - from_end)] : std::string();
}

inline std::string object_of(const std::string& topic) {
  return level_of(topic, 1);
}

inline std::vector<std::string> objects_of(const std::vector<DiscoveryMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& message : messages)
    out.push_back(object_of(message.topic));
  return out;
}

inline nlohmann::json config_of(const std::vector<DiscoveryMessage>& messages,
                                const std::string& object) {
  for (const auto& message : messages) {
    if (object_of(message.topic) == object)
      return nlohmann::json::parse(message.payload);
  }
  return nullptr;
}

}  // namespace hems::ha::test
