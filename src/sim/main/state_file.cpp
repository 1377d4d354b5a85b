#include "state_file.hpp"

#include <cstdio>
#include <fstream>

namespace hems::sim {

// Format: two lines, "wopt=00|01" and "flash_writes=N".
std::optional<FlashState> load_flash_state(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return std::nullopt;
  FlashState state;
  std::string line;
  while (std::getline(in, line)) {
    if (line == "wopt=01")
      state.payload_hex = true;
    if (line == "wopt=00")
      state.payload_hex = false;
    if (line.starts_with("flash_writes=")) {
      try {
        state.flash_writes = static_cast<unsigned>(std::stoul(line.substr(13)));
      } catch (...) {
        state.flash_writes = 0;
      }
    }
  }
  return state;
}

bool save_flash_state(const std::string& path, const FlashState& state) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out)
      return false;
    out << "wopt=" << (state.payload_hex ? "01" : "00") << "\nflash_writes=" << state.flash_writes
        << "\n";
    if (!out)
      return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace hems::sim
