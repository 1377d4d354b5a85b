#include "hems/app/announced.hpp"

#include "hems/ha/removals.hpp"

namespace hems::app {

Announced::Update Announced::update(std::vector<ha::DiscoveryMessage> next, bool force) {
  Update out;
  out.changed = next != told_;
  if (!force && !out.changed)
    return out;
  for (const auto& removal : ha::removals(told_, next))
    out.messages.push_back(mqtt::Message{removal.topic, "", 1, true});
  for (const auto& m : next)
    out.messages.push_back(mqtt::Message{m.topic, m.payload, 1, true});
  told_ = std::move(next);
  return out;
}

}  // namespace hems::app
