#pragma once

#include <optional>
#include <string>

namespace hems::sim {

// The dongle's "flash" kept across runs: the WOPT value and how often it was written.
struct FlashState {
  bool payload_hex = false;
  unsigned flash_writes = 0;
};

std::optional<FlashState> load_flash_state(const std::string& path);
bool save_flash_state(const std::string& path, const FlashState& state);

}  // namespace hems::sim
