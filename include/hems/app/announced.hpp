#pragma once

// What Home Assistant was last told about one device (its retained discovery configs), and the
// messages that bring it up to date: removals for entities that are gone, then every config.

#include <vector>

#include "hems/ha/types.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

class Announced {
 public:
  explicit Announced(std::vector<ha::DiscoveryMessage> told = {}) : told_(std::move(told)) {}

  struct Update {
    std::vector<mqtt::Message> messages;  // retained; empty when nothing is to be said
    bool changed = false;                 // the set of entities or a config differs
  };
  // `force` says everything again (Home Assistant restarted, the broker came back).
  Update update(std::vector<ha::DiscoveryMessage> next, bool force);

  const std::vector<ha::DiscoveryMessage>& told() const { return told_; }

 private:
  std::vector<ha::DiscoveryMessage> told_;
};

}  // namespace hems::app
