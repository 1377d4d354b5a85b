#pragma once

// The LAN devices' Home Assistant discovery topics across restarts. Every topic announced is
// remembered in the state dir; once the startup discovery has settled, a remembered topic that no
// device found has any more (an id of an earlier version, an appliance gone) is removed from Home
// Assistant with an empty retained config, once. Pure: the bridge reads and writes the file.

#include <map>
#include <string>
#include <vector>

#include "hems/app/announced.hpp"
#include "hems/ha/types.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

// Every discovery config the LAN devices were last told, device by device.
std::vector<ha::DiscoveryMessage> lan_discovery_told(
    const std::map<std::string, Announced>& announced);

// What the file lists: the current topics, and until the startup discovery settled the remembered
// ones too (a restart before then must not forget what is still to be removed). No duplicates.
std::vector<ha::DiscoveryMessage> lan_topics_to_remember(
    const std::vector<ha::DiscoveryMessage>& remembered,
    const std::vector<ha::DiscoveryMessage>& current, bool settled);

// Empty retained configs for every remembered topic no current device has.
std::vector<mqtt::Message> stale_lan_discovery(const std::vector<ha::DiscoveryMessage>& remembered,
                                               const std::vector<ha::DiscoveryMessage>& current);

}  // namespace hems::app
