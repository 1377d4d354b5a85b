#pragma once

// What Home Assistant was last told about one device (its retained discovery configs), and the
// messages that bring it up to date: removals for entities that are gone, then every config.
//
// Only each config's topic and a fingerprint of its payload are kept, not the payload: a house
// with 250 appliance objects has about 3 MB of configs, and all they are needed for afterwards
// is "did this change?".

#include <cstdint>
#include <string_view>
#include <vector>

#include "hems/ha/types.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

// 64-bit FNV-1a of a payload as 16 hex digits; empty for an empty payload (a removal), so that
// what is kept still tells removals from configs.
std::string payload_fingerprint(std::string_view payload);

class Announced {
 public:
  // `told` as loaded from the state dir: payloads that are not fingerprints never match, so
  // the first update after a start counts as a change.
  explicit Announced(std::vector<ha::DiscoveryMessage> told = {}) : told_(std::move(told)) {}

  struct Update {
    std::vector<mqtt::Message> messages;  // retained; empty when nothing is to be said
    bool changed = false;                 // the set of entities or a config differs
  };
  // `force` says everything again (Home Assistant restarted, the broker came back).
  Update update(std::vector<ha::DiscoveryMessage> next, bool force);

  // Topics with payload fingerprints (see payload_fingerprint), in the order last told.
  const std::vector<ha::DiscoveryMessage>& told() const { return told_; }

 private:
  std::vector<ha::DiscoveryMessage> told_;
};

}  // namespace hems::app
