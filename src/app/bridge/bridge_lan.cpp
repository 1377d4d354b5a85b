// The LAN half of the shell: the UDP 3610 socket, and the LAN link's events carried out
// (datagrams sent) or presented (MQTT).

#include <utility>

#include "hems/app/bridge.hpp"
#include "hems/app/lan_discovery_memory.hpp"
#include "hems/app/lan_presenter.hpp"
#include "hems/app/log.hpp"

namespace hems::app {
namespace {

// How long to wait before trying UDP 3610 again when it could not be opened.
constexpr Duration kReopenSocketAfter = seconds(60);
// Datagrams read per wake-up: a flood from a hostile sender cannot stall the loop.
constexpr int kMaxDatagramsPerWakeup = 64;
// How long changes to the device list and the discovery file gather before they are written.
constexpr Duration kLanBookkeepingDelay = seconds(1);

}  // namespace

void Bridge::open_socket(TimePoint now) {
  lan::UdpOptions options;
  options.interface = config_.lan.interface;
  options.ipv6 = config_.lan.ipv6;
  auto opened = open_udp_(options);
  if (!opened) {
    log(Level::error, "LAN: cannot listen on UDP 3610: " + opened.error().message +
                          " (another ECHONET Lite controller on this host? in Docker, use "
                          "network_mode: host); retrying in 60 s");
    reopen_lan_.arm(now + kReopenSocketAfter);
    return;
  }
  socket_ = std::move(*opened);
  for (const auto& warning : socket_->warnings())
    log(Level::warning, "LAN: " + warning);
  socket_fd_ = socket_->poll_fd();
  loop_.watch_fd(socket_fd_, [this] { on_socket_readable(); });
  log(Level::info, std::string("LAN: listening for ECHONET Lite on UDP 3610") +
                       (config_.lan.interface.empty() ? "" : " on " + config_.lan.interface));
  lan_->start(now);
}

void Bridge::close_socket() {
  reopen_lan_.disarm();
  if (socket_fd_ >= 0)
    loop_.unwatch_fd(socket_fd_);
  socket_fd_ = -1;
  socket_.reset();
}

void Bridge::on_socket_readable() {
  for (int i = 0; i < kMaxDatagramsPerWakeup && socket_; ++i) {
    auto datagram = socket_->receive();
    if (!datagram) {
      log(Level::debug, "LAN: receive failed: " + datagram.error().message);
      break;
    }
    if (!*datagram)
      break;
    lan_->on_datagram((*datagram)->from, (*datagram)->payload, loop_.now());
  }
  settle();
}

void Bridge::on_lan_event(LanEvent& event) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, lan::SendDatagram>) {
          if (!socket_)
            return;
          if (auto sent = socket_->send_to(e.to, e.multicast, e.payload); !sent)
            log(Level::debug, "LAN: send to " + e.to + " failed: " + sent.error().message);
        } else if constexpr (std::is_same_v<T, lan_link::DeviceFound>) {
          publish_lan_device(e.id, e.added);
          lan_bookkeeping(true, false, loop_.now());
        } else if constexpr (std::is_same_v<T, lan_link::StateChanged>) {
          publish(lan_state_message(config_, lan_->devices().at(e.id)));
        } else if constexpr (std::is_same_v<T, lan_link::AvailabilityChanged>) {
          publish(lan_availability_message(config_, lan_->devices().at(e.id)));
        } else if constexpr (std::is_same_v<T, lan_link::Answered>) {
          const std::string topic = e.device ? base_topic(config_, *e.device + "/response")
                                             : base_topic(config_, "bridge/response/echonet");
          publish(response_message(topic, e.transaction, e.ok, e.data, e.error));
        } else if constexpr (std::is_same_v<T, lan_link::DiscoverySettled>) {
          forget_stale_lan_discovery();
        } else if constexpr (std::is_same_v<T, lan_link::Log>) {
          log(e.level, e.text);
        }
      },
      event);
}

// Discovery (all of it again when `force_discovery`) and availability of one device.
void Bridge::publish_lan_device(const std::string& id, bool force_discovery) {
  const auto& device = lan_->devices().at(id);
  if (!config_.mqtt.discovery_prefix.empty()) {
    auto update =
        lan_announced_[id].update(lan_discovery_messages(config_, device), force_discovery);
    for (auto& m : update.messages)
      publish(std::move(m));
    if (update.changed)
      remember_lan_discovery();
  }
  publish(lan_availability_message(config_, device));
}

void Bridge::remember_lan_discovery() {
  lan_bookkeeping(false, true, loop_.now());
}

void Bridge::lan_bookkeeping(bool devices_changed, bool discovery_changed, TimePoint now) {
  lan_devices_dirty_ = lan_devices_dirty_ || devices_changed;
  lan_discovery_dirty_ = lan_discovery_dirty_ || discovery_changed;
  if (!lan_bookkeeping_.armed())
    lan_bookkeeping_.arm(now + kLanBookkeepingDelay);
}

void Bridge::flush_lan_bookkeeping() {
  lan_bookkeeping_.disarm();
  if (std::exchange(lan_devices_dirty_, false))
    publish_devices();
  if (std::exchange(lan_discovery_dirty_, false)) {
    save_announced(
        kLanDiscoveryFile,
        lan_topics_to_remember(lan_remembered_, lan_discovery_told(lan_announced_), lan_settled_));
  }
}

// Once the devices present at start have all been found: entities of earlier runs that no device
// has now (ids of an earlier version among them) leave Home Assistant.
void Bridge::forget_stale_lan_discovery() {
  if (lan_settled_ || config_.mqtt.discovery_prefix.empty())
    return;
  lan_settled_ = true;
  auto removals = stale_lan_discovery(lan_remembered_, lan_discovery_told(lan_announced_));
  if (!removals.empty())
    log(Level::info, "LAN: removed " + std::to_string(removals.size()) +
                         " Home Assistant entities of devices not found since the start");
  for (auto& m : removals)
    publish(std::move(m));
  lan_remembered_.clear();
  remember_lan_discovery();
}

void Bridge::republish_lan() {
  if (!lan_)
    return;
  for (const auto& [id, device] : lan_->devices()) {
    if (!config_.mqtt.discovery_prefix.empty()) {
      auto update = lan_announced_[id].update(lan_discovery_messages(config_, device), true);
      for (auto& m : update.messages)
        publish(std::move(m));
      if (update.changed)
        remember_lan_discovery();
    }
    if (!device.state.empty())
      publish(lan_state_message(config_, device));
    publish(lan_availability_message(config_, device));
  }
}

}  // namespace hems::app
