#pragma once

#include <vector>

#include "hems/ha/types.hpp"

namespace hems::ha {

// Empty retained configs for every topic in `previous` that is not in `current`: publishing them
// makes Home Assistant delete the entities that no longer exist (a phase or export the meter turned
// out not to have, or a whole meter whose identity changed).
std::vector<DiscoveryMessage> removals(const std::vector<DiscoveryMessage>& previous,
                                       const std::vector<DiscoveryMessage>& current);

}  // namespace hems::ha
