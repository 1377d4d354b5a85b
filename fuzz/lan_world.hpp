#pragma once

// The bridge's LAN side without sockets: a LanLink and simulated appliances (hems::sim::LanNode)
// on a manual clock, wired the way the bridge and the network would wire them. Fuzz targets start
// from a world whose startup discovery has settled, so that their inputs meet known devices.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hems/app/lan_link.hpp"
#include "hems/sim/lan_node.hpp"

namespace hems::fuzz {

class LanWorld {
 public:
  static constexpr const char* kBridgeAddress = "192.0.2.1";
  static constexpr const char* kAirconAddress = "192.0.2.20";
  static constexpr const char* kBatteryAddress = "192.0.2.21";

  // Two appliances (an air conditioner; a battery and a solar inverter on one node) and the
  // startup discovery run until it settles.
  static LanWorld settled();

  app::LanLink link;
  TimePoint now;
  // Everything the link sent, and its other events, since the last take.
  std::vector<lan::SendDatagram> sent;
  std::vector<app::LanEvent> events;

  // Hands the link's datagrams to the appliances they are for, and the appliances' answers due by
  // `now` back to the link; repeats until nothing moves.
  void exchange();
  // Moves the clock on by `by`, firing every deadline of the link and the appliances on the way.
  void advance(Duration by);
  // The earliest deadline of the link or an appliance.
  std::optional<TimePoint> next_wakeup() const;

 private:
  LanWorld(app::LanLink lan_link, TimePoint start);
  void collect();

  std::vector<std::pair<std::string, sim::LanNode>> nodes_;
  std::vector<lan::SendDatagram> undelivered_;
};

}  // namespace hems::fuzz
