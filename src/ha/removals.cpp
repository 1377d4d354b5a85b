#include "hems/ha/removals.hpp"

#include <set>
#include <string>

namespace hems::ha {

std::vector<DiscoveryMessage> removals(const std::vector<DiscoveryMessage>& previous,
                                       const std::vector<DiscoveryMessage>& current) {
  std::set<std::string> kept;
  for (const auto& message : current)
    kept.insert(message.topic);
  std::set<std::string> removed;
  std::vector<DiscoveryMessage> out;
  for (const auto& message : previous) {
    // Earlier removals (empty payloads) are not entities; sending them again would be noise.
    if (message.payload.empty() || kept.contains(message.topic))
      continue;
    if (removed.insert(message.topic).second)
      out.push_back({message.topic, ""});
  }
  return out;
}

}  // namespace hems::ha
