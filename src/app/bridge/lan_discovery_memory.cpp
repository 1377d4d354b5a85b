#include "hems/app/lan_discovery_memory.hpp"

#include <set>

#include "hems/ha/removals.hpp"

namespace hems::app {

std::vector<ha::DiscoveryMessage> lan_discovery_told(
    const std::map<std::string, Announced>& announced) {
  std::vector<ha::DiscoveryMessage> out;
  for (const auto& [id, told] : announced)
    out.insert(out.end(), told.told().begin(), told.told().end());
  return out;
}

std::vector<ha::DiscoveryMessage> lan_topics_to_remember(
    const std::vector<ha::DiscoveryMessage>& remembered,
    const std::vector<ha::DiscoveryMessage>& current, bool settled) {
  std::vector<ha::DiscoveryMessage> out;
  std::set<std::string> listed;
  auto add = [&](const ha::DiscoveryMessage& m) {
    if (!m.payload.empty() && listed.insert(m.topic).second)
      out.push_back({m.topic, "{}"});
  };
  for (const auto& m : current)
    add(m);
  if (!settled) {
    for (const auto& m : remembered)
      add(m);
  }
  return out;
}

std::vector<mqtt::Message> stale_lan_discovery(const std::vector<ha::DiscoveryMessage>& remembered,
                                               const std::vector<ha::DiscoveryMessage>& current) {
  std::vector<mqtt::Message> out;
  for (const auto& removal : ha::removals(remembered, current))
    out.push_back(mqtt::Message{removal.topic, "", 1, true});
  return out;
}

}  // namespace hems::app
