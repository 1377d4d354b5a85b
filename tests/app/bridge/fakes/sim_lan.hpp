#pragma once

// A LAN of in-process simulated ECHONET Lite nodes (hems::sim::LanNode, the project's second
// implementation of the appliance side) and the bridge's UDP socket on it, on the manual-time
// loop. Nodes can vanish and come back.

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hems/app/bridge.hpp"
#include "hems/lan/udp_transport.hpp"
#include "hems/sim/lan_node.hpp"
#include "manual_loop.hpp"

namespace hems::test {

class SimLan {
 public:
  static constexpr int kFd = 1002;
  static constexpr const char* kBridgeAddress = "192.0.2.1";

  explicit SimLan(ManualLoop& loop) : loop_(loop) {
    loop_.add_source(kFd, ManualLoop::Source{
                              [this](TimePoint now) { route(now); },
                              [this] { return socket_open_ && !inbox_.empty(); },
                              [this] { return next_wakeup(); },
                          });
  }
  ~SimLan() { loop_.remove_source(kFd); }
  SimLan(const SimLan&) = delete;
  SimLan& operator=(const SimLan&) = delete;

  sim::LanNode& add_node(const std::string& address, const sim::LanOptions& options) {
    auto& node = nodes_[address];
    node = std::make_unique<Node>(Node{sim::LanNode(options, loop_.now()), false});
    return node->node;
  }
  // A node that vanishes hears and says nothing until it is back.
  void set_gone(const std::string& address, bool gone) { nodes_.at(address)->gone = gone; }
  // The next `count` opens of UDP 3610 fail (port in use).
  void fail_opens(int count) { failing_opens_ = count; }
  int opens() const { return opens_; }
  std::size_t sent_by_bridge() const { return sent_; }

  // A datagram to the bridge from an address with no simulated node (another controller, say).
  void say(const std::string& from, Bytes payload) {
    inbox_.push_back(lan::Datagram{from, std::move(payload)});
  }
  // Everything the bridge sent, in order.
  struct Sent {
    std::string to;
    bool multicast = false;
    Bytes payload;
  };
  const std::vector<Sent>& bridge_sends() const { return bridge_sends_; }
  // Hands over what the bridge sent so far and forgets it (long runs would hoard it).
  std::vector<Sent> take_bridge_sends() { return std::exchange(bridge_sends_, {}); }
  // A line for a node's console ("vanish", "return", "announce"): a node that vanishes is off
  // the network with its pending answers lost, as when it is switched off.
  void node_console(const std::string& address, std::string_view line) {
    nodes_.at(address)->node.console(line, loop_.now());
  }

  app::UdpOpener opener() {
    return [this](const lan::UdpOptions&) -> Result<std::unique_ptr<lan::UdpTransport>> {
      if (failing_opens_ > 0) {
        --failing_opens_;
        return std::unexpected(Error{"Address already in use"});
      }
      ++opens_;
      return std::make_unique<Socket>(*this);
    };
  }

 private:
  struct Node {
    sim::LanNode node;
    bool gone = false;
  };

  class Socket final : public lan::UdpTransport {
   public:
    explicit Socket(SimLan& lan) : lan_(lan) { lan_.socket_open_ = true; }
    ~Socket() override { lan_.socket_open_ = false; }
    Result<void> send_to(const std::string& address, bool multicast, ByteView payload) override {
      lan_.from_bridge(address, multicast, payload);
      return {};
    }
    int poll_fd() const override { return kFd; }
    Result<std::optional<lan::Datagram>> receive() override {
      if (lan_.inbox_.empty())
        return std::optional<lan::Datagram>{};
      auto datagram = std::move(lan_.inbox_.front());
      lan_.inbox_.pop_front();
      return std::optional<lan::Datagram>{std::move(datagram)};
    }
    std::vector<std::string> warnings() const override { return {}; }

   private:
    SimLan& lan_;
  };

  void from_bridge(const std::string& address, bool multicast, ByteView payload) {
    ++sent_;
    bridge_sends_.push_back(Sent{address, multicast, Bytes(payload.begin(), payload.end())});
    const sim::LanDatagram datagram{kBridgeAddress, Bytes(payload.begin(), payload.end()),
                                    multicast};
    for (auto& [node_address, node] : nodes_) {
      if (!node->gone && (multicast || node_address == address))
        node->node.receive(datagram, loop_.now());
    }
  }

  void route(TimePoint now) {
    for (auto& [address, node] : nodes_) {
      node->node.tick(now);
      for (auto& send : node->node.take_sends(now)) {
        if (node->gone)
          continue;
        if (send.to.empty() || send.to == kBridgeAddress)
          inbox_.push_back(lan::Datagram{address, std::move(send.payload)});
      }
      node->node.take_log();
    }
  }

  std::optional<TimePoint> next_wakeup() const {
    std::optional<TimePoint> next;
    for (const auto& [address, node] : nodes_) {
      if (auto wake = node->node.next_wakeup(); wake && (!next || *wake < *next))
        next = wake;
    }
    return next;
  }

  ManualLoop& loop_;
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  std::deque<lan::Datagram> inbox_;
  bool socket_open_ = false;
  int failing_opens_ = 0;
  int opens_ = 0;
  std::size_t sent_ = 0;
  std::vector<Sent> bridge_sends_;
};

}  // namespace hems::test
