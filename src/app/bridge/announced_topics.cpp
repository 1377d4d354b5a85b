#include "announced_topics.hpp"

#include <filesystem>
#include <fstream>

namespace hems::app {

std::vector<ha::DiscoveryMessage> load_announced(const std::string& state_dir,
                                                 std::string_view file) {
  std::vector<ha::DiscoveryMessage> out;
  std::ifstream in(std::filesystem::path(state_dir) / file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty())
      out.push_back(ha::DiscoveryMessage{line, "{}"});
  }
  return out;
}

void save_announced(const std::string& state_dir, std::string_view file,
                    const std::vector<ha::DiscoveryMessage>& messages) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  std::ofstream out(std::filesystem::path(state_dir) / file, std::ios::trunc);
  for (const auto& m : messages)
    out << m.topic << "\n";
}

}  // namespace hems::app
