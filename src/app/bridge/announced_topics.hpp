#pragma once

// The discovery topics last announced to Home Assistant, one per line in a file of state_dir, so
// that entities which no longer exist are removed also when that is noticed after a restart.

#include <string>
#include <string_view>
#include <vector>

#include "hems/ha/types.hpp"

namespace hems::app {

inline constexpr std::string_view kDiscoveryFile = "discovery-topics";  // the meter's entities
inline constexpr std::string_view kBridgeDiscoveryFile = "bridge-discovery-topics";

// Each topic with the placeholder payload "{}": announced before, content unknown.
std::vector<ha::DiscoveryMessage> load_announced(const std::string& state_dir,
                                                 std::string_view file);
void save_announced(const std::string& state_dir, std::string_view file,
                    const std::vector<ha::DiscoveryMessage>& messages);

}  // namespace hems::app
