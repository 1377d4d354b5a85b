#pragma once

// A private LAN for tests: network namespaces joined by a Linux bridge, so that several programs
// can each own UDP 3610 and exchange real multicast without touching the host's network.
//
//   <prefix>-br   holds the bridge br0 and one veth end per endpoint ("vc", "vn0", "vn1", ...)
//   <prefix>-c    the controller (where the bridge under test or a probe socket lives)
//   <prefix>-nI   simulated node I
//   <prefix>-rI   routed node I (add_routed_node): on another subnet, behind a router
//
// Every endpoint namespace has loopback up and one interface "eth0" with an IPv4 address from
// 192.0.2.0/24 (documentation range, never outside these namespaces) and an IPv6 link-local
// address whose duplicate-address detection has finished. The bridge does no multicast snooping,
// so multicast reaches every port without depending on IGMP/MLD report timing.
//
// Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and the `ip` tool; tests ask skip_reason() first.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "hems/common/bytes.hpp"

namespace hems::testing {

class NetnsRig {
 public:
  static constexpr const char* kInterface = "eth0";
  static constexpr const char* kControllerIpv4 = "192.0.2.1";

  // Why namespaces cannot be used here (not root, no `ip netns`, no veth or bridge support), or
  // empty when they can. Checked once per process by building and removing a probe namespace.
  static std::string skip_reason();

  // Builds the controller and `nodes` node namespaces; node I gets 192.0.2.(11 + I). Throws
  // std::runtime_error (with the failing command's output) after undoing what it built.
  explicit NetnsRig(std::size_t nodes);
  ~NetnsRig();
  NetnsRig(const NetnsRig&) = delete;
  NetnsRig& operator=(const NetnsRig&) = delete;

  const std::string& controller() const { return endpoints_.front(); }
  const std::string& node(std::size_t index) const { return endpoints_.at(index + 1); }
  std::size_t node_count() const { return endpoints_.size() - 1; }
  // Every namespace of this rig, the bridge namespace included.
  std::vector<std::string> namespaces() const;

  // The current addresses of eth0 in `ns`, as the kernel reports them ("" when there is none).
  std::string ipv4(const std::string& ns) const;
  std::string ipv6_link_local(const std::string& ns) const;

  // Starts `program args...` inside `ns` (through `ip netns exec`, which execs in place, so the
  // ChildProcess pid is the program's own).
  std::unique_ptr<ChildProcess> run_in(const std::string& ns, const std::string& program,
                                       const std::vector<std::string>& args,
                                       std::map<std::string, std::string> env = {}) const;

  // A node on a second subnet, 198.51.100.0/24, that the controller reaches through a router:
  // the bridge namespace forwards between 192.0.2.254 on br0 and 198.51.100.254 on a second
  // bridge, and the controller has a route there. Routers do not forward the link-local
  // ECHONET Lite group, so the node hears no multicast from the controller nor the controller
  // from it: only unicast to its address reaches it. Routed node I gets 198.51.100.(11 + I).
  // Returns its namespace (IPv4 only).
  std::string add_routed_node();
  static constexpr const char* kRouterIpv4 = "192.0.2.254";

  // Replaces the IPv4 address of eth0 in `ns`, as a DHCP server handing out a new lease would.
  void move_address(const std::string& ns, const std::string& new_ipv4);

 private:
  void build(std::size_t nodes);
  void add_endpoint(const std::string& ns, const std::string& bridge_port);
  void wait_ipv6_ready(std::chrono::milliseconds timeout) const;
  void teardown() noexcept;

  std::string prefix_;
  std::string bridge_ns_;
  std::vector<std::string> endpoints_;  // controller first, then the nodes
  std::vector<std::string> routed_;     // routed nodes, in order
  std::vector<std::string> created_;    // namespaces to delete, in creation order
};

// The gtest fixture for rig tests: skips (with the reason) where namespaces are unavailable.
class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string reason = NetnsRig::skip_reason(); !reason.empty())
      GTEST_SKIP() << reason;
  }
};

// Runs `fn` on a helper thread that has entered network namespace `ns`. Sockets created there
// stay in that namespace for their whole life, whichever thread uses them later.
void run_in_namespace(const std::string& ns, const std::function<void()>& fn);

struct NetnsDatagram {
  Bytes payload;
  std::string from;  // source address, without port or scope
  std::uint16_t from_port = 0;
  std::string to;  // destination address: ours for unicast, the group for multicast
};

// A UDP socket inside a namespace: bound to the wildcard address and `port`, a member of `group`
// on `interface`, sending multicast out of `interface` without looping it back to itself.
class NetnsUdpSocket {
 public:
  enum class Family { ipv4, ipv6 };

  NetnsUdpSocket(const std::string& ns, Family family, std::uint16_t port,
                 const std::string& interface, const std::string& group);
  ~NetnsUdpSocket();
  NetnsUdpSocket(const NetnsUdpSocket&) = delete;
  NetnsUdpSocket& operator=(const NetnsUdpSocket&) = delete;

  // IPv6 link-local and link-scope multicast destinations are sent with the interface's scope.
  void send_to(ByteView payload, const std::string& address, std::uint16_t port);
  // The next datagram, or nullopt when none arrives within `timeout`.
  std::optional<NetnsDatagram> receive(std::chrono::milliseconds timeout);

 private:
  void open(const std::string& ns, std::uint16_t port, const std::string& interface,
            const std::string& group);

  Family family_;
  int fd_ = -1;
  unsigned interface_index_ = 0;
};

// Relays TCP connections made inside a namespace to a server in the test's own namespace, so a
// program under test in the controller namespace can reach the test's MQTT broker on the host's
// loopback without the namespaces getting any route to the host. Listens on 127.0.0.1 inside
// `ns`; each accepted connection is joined to a new one to 127.0.0.1:`target_port` outside.
// Meant for small protocol traffic: writes block until the other side takes the bytes.
class NetnsTcpForward {
 public:
  NetnsTcpForward(const std::string& ns, std::uint16_t target_port, std::uint16_t listen_port = 0);
  ~NetnsTcpForward();
  NetnsTcpForward(const NetnsTcpForward&) = delete;
  NetnsTcpForward& operator=(const NetnsTcpForward&) = delete;

  // The port to connect to on 127.0.0.1 inside the namespace.
  std::uint16_t port() const { return port_; }
  // Connections relayed so far.
  unsigned accepted() const { return accepted_; }

 private:
  void relay();

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<unsigned> accepted_{0};
  std::thread thread_;
};

}  // namespace hems::testing
