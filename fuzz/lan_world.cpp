#include "lan_world.hpp"

#include <algorithm>
#include <variant>

namespace hems::fuzz {
namespace {

lan::ControllerConfig controller_config() {
  lan::ControllerConfig config;
  config.hosts = {LanWorld::kAirconAddress};  // probed by unicast as well
  return config;
}

sim::LanOptions appliance(std::vector<sim::LanObjectKind> kinds, std::uint8_t node_id) {
  sim::LanOptions options;
  options.objects = std::move(kinds);
  options.node_id = Bytes{node_id};
  options.start_hour = 12.0;
  return options;
}

}  // namespace

LanWorld::LanWorld(app::LanLink lan_link, TimePoint start)
    : link(std::move(lan_link)), now(start) {}

LanWorld LanWorld::settled() {
  const TimePoint start = TimePoint{} + std::chrono::hours(100);
  LanWorld world(app::LanLink(controller_config()), start);
  world.nodes_.emplace_back(kAirconAddress,
                            sim::LanNode(appliance({sim::LanObjectKind::aircon}, 0x01), start));
  world.nodes_.emplace_back(
      kBatteryAddress,
      sim::LanNode(appliance({sim::LanObjectKind::battery, sim::LanObjectKind::solar}, 0x02),
                   start));
  world.link.start(start);
  world.collect();
  // Startup discovery takes a few seconds of simulated time; a minute is plenty.
  for (int step = 0; step < 600; ++step) {
    world.advance(milliseconds(100));
    const bool settled = std::any_of(world.events.begin(), world.events.end(), [](const auto& e) {
      return std::holds_alternative<app::lan_link::DiscoverySettled>(e);
    });
    if (settled)
      break;
  }
  world.sent.clear();
  world.events.clear();
  return world;
}

void LanWorld::collect() {
  for (auto& event : link.take_events()) {
    if (auto* datagram = std::get_if<lan::SendDatagram>(&event)) {
      sent.push_back(*datagram);
      undelivered_.push_back(std::move(*datagram));
    } else {
      events.push_back(std::move(event));
    }
  }
}

void LanWorld::exchange() {
  for (int round = 0; round < 100; ++round) {
    collect();
    bool moved = false;
    for (auto& datagram : undelivered_) {
      const sim::LanDatagram copy{kBridgeAddress, datagram.payload, datagram.multicast};
      for (auto& [address, node] : nodes_) {
        if (datagram.multicast || address == datagram.to)
          node.receive(copy, now);
      }
      moved = true;
    }
    undelivered_.clear();
    for (auto& [address, node] : nodes_) {
      node.tick(now);
      for (auto& send : node.take_sends(now)) {
        if (send.to.empty() || send.to == kBridgeAddress) {
          link.on_datagram(address, send.payload, now);
          moved = true;
        }
      }
      (void)node.take_log();
    }
    if (!moved)
      break;
  }
  collect();
}

std::optional<TimePoint> LanWorld::next_wakeup() const {
  std::optional<TimePoint> next = link.next_deadline();
  for (const auto& [address, node] : nodes_) {
    if (auto wake = node.next_wakeup(); wake && (!next || *wake < *next))
      next = wake;
  }
  return next;
}

void LanWorld::advance(Duration by) {
  const TimePoint until = now + by;
  exchange();
  for (int guard = 0; guard < 10000; ++guard) {
    auto next = next_wakeup();
    if (!next || *next > until)
      break;
    now = std::max(now, *next);
    if (auto deadline = link.next_deadline(); deadline && *deadline <= now)
      link.on_timer(now);
    exchange();
  }
  now = until;
  link.on_timer(now);
  exchange();
}

}  // namespace hems::fuzz
