// The namespace rig itself, proven with simulated ECHONET Lite nodes and a plain UDP socket as
// the controller (no bridge): multicast discovery over IPv4 and IPv6 answered by unicast, an
// address change, a late joiner. Needs root; skips with the reason otherwise.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "el_bytes.hpp"
#include "el_collect.hpp"
#include "netns.hpp"

namespace hems::testing {
namespace {

using namespace std::chrono_literals;
using Family = NetnsUdpSocket::Family;

using el::Answer;
using el::collect;
using el::Frame;
using el::get_request;
using el::kController;
using el::kGet;
using el::kGetRes;
using el::kGroupV4;
using el::kGroupV6;
using el::kInf;
using el::kNodeProfile;
using el::parse;
using el::put_eoj;
constexpr std::uint16_t kEchonetPort = el::kPort;
constexpr const char* kNodeIdA = "00112233445566778899AABBCCDDEE01";
constexpr const char* kNodeIdB = "00112233445566778899AABBCCDDEE02";

std::string sim_path() {
  return binary_dir() + "/src/sim/hems2mqtt-sim";
}

// A discovery answer: Get_Res from the node profile to us, with the same TID, listing instances.
std::function<bool(const Frame&)> discovery_answer(std::uint16_t tid) {
  return [tid](const Frame& f) {
    return f.tid == tid && f.esv == kGetRes && f.seoj == kNodeProfile && f.deoj == kController &&
           f.properties.contains(0xD6);
  };
}

// D6/D5 instance lists: a count, then the EOJs.
Bytes instance_list(std::uint32_t eoj) {
  Bytes out{0x01};
  put_eoj(out, eoj);
  return out;
}

Bytes identification(const char* node_id) {
  Bytes out{0xFE};
  const Bytes id = *from_hex(node_id);
  out.insert(out.end(), id.begin(), id.end());
  return out;
}

// An owned file descriptor.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

// Up to `size` bytes, or "" when nothing comes within 5 s.
std::string read_some(int fd, std::size_t size) {
  if (!readable(fd, 5s))
    return {};
  std::string out(size, '\0');
  const ssize_t n = ::read(fd, out.data(), size);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// A TCP connect to 127.0.0.1:`port` made from inside `ns`; the socket (or -1) and errno.
std::pair<int, int> connect_from(const std::string& ns, std::uint16_t port) {
  int fd = -1;
  int error = 0;
  run_in_namespace(ns, [&] {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in to = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      error = errno;
      ::close(fd);
      fd = -1;
    }
  });
  return {fd, error};
}

class LanRig : public NetnsTest {
 protected:
  // `hems2mqtt-sim lan` on eth0 of node `index`.
  std::unique_ptr<ChildProcess> start_node(const NetnsRig& rig, std::size_t index,
                                           std::vector<std::string> args) {
    args.insert(args.begin(), {"lan", "--interface", NetnsRig::kInterface});
    return rig.run_in(rig.node(index), sim_path(), args);
  }

  static bool ready(const ChildProcess& sim) {
    return sim.wait_for_output("READY lan", 15s).has_value();
  }

  static std::string logs(const std::vector<const ChildProcess*>& sims) {
    std::string out;
    for (const auto* sim : sims)
      out += "---- node ----\n" + sim->output();
    return out;
  }
};

TEST_F(LanRig, BuildsSeparateNamespacesJoinedByABridgeAndRemovesThemAfterwards) {
  std::vector<std::string> names;
  std::unique_ptr<ChildProcess> leftover;
  {
    NetnsRig rig(2);
    names = rig.namespaces();
    ASSERT_EQ(names.size(), 4u) << "bridge, controller and two nodes";
    for (const auto& name : names) {
      EXPECT_TRUE(name.starts_with("hems-" + std::to_string(::getpid()) + "-")) << name;
      EXPECT_TRUE(std::filesystem::exists("/var/run/netns/" + name)) << name;
    }
    EXPECT_EQ(rig.ipv4(rig.controller()), "192.0.2.1");
    EXPECT_EQ(rig.ipv4(rig.node(0)), "192.0.2.11");
    EXPECT_EQ(rig.ipv4(rig.node(1)), "192.0.2.12");

    {
      // Each namespace has its own port space: all three own UDP 3610 at once.
      NetnsUdpSocket controller(rig.controller(), Family::ipv4, kEchonetPort, NetnsRig::kInterface,
                                kGroupV4);
      NetnsUdpSocket node0(rig.node(0), Family::ipv4, kEchonetPort, NetnsRig::kInterface, kGroupV4);
      NetnsUdpSocket node1(rig.node(1), Family::ipv4, kEchonetPort, NetnsRig::kInterface, kGroupV4);
      // Unicast crosses the bridge to the right node only; multicast reaches every node.
      const Bytes hello{'h', 'i'};
      controller.send_to(hello, "192.0.2.12", kEchonetPort);
      auto unicast = node1.receive(5s);
      ASSERT_TRUE(unicast);
      EXPECT_EQ(unicast->payload, hello);
      EXPECT_EQ(unicast->from, "192.0.2.1");
      EXPECT_EQ(unicast->to, "192.0.2.12");
      controller.send_to(hello, kGroupV4, kEchonetPort);
      for (auto* node : {&node0, &node1}) {
        auto multicast = node->receive(5s);
        ASSERT_TRUE(multicast);
        EXPECT_EQ(multicast->from, "192.0.2.1");
        EXPECT_EQ(multicast->to, kGroupV4);
      }
    }

    // A program still running inside a namespace when the rig goes does not keep it alive.
    leftover = start_node(rig, 0, {});
    ASSERT_TRUE(ready(*leftover)) << leftover->output();
  }
  for (const auto& name : names)
    EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name)) << name;
  EXPECT_EQ(leftover->wait_exit(10s), 128 + SIGKILL);
}

TEST_F(LanRig, Ipv4MulticastDiscoveryIsAnsweredByEveryNodeByUnicast) {
  NetnsRig rig(2);
  auto aircon = start_node(rig, 0, {"--object", "aircon", "--node-id", kNodeIdA});
  auto heater = start_node(rig, 1, {"--object", "water-heater", "--node-id", kNodeIdB});
  ASSERT_TRUE(ready(*aircon)) << aircon->output();
  ASSERT_TRUE(ready(*heater)) << heater->output();

  NetnsUdpSocket controller(rig.controller(), Family::ipv4, kEchonetPort, NetnsRig::kInterface,
                            kGroupV4);
  const Bytes discovery{0x10, 0x81, 0x01, 0x01, 0x05, 0xFF, 0x01,
                        0x0E, 0xF0, 0x01, 0x62, 0x01, 0xD6, 0x00};
  auto answers = collect(controller, {"192.0.2.11", "192.0.2.12"}, discovery_answer(0x0101), 20s,
                         [&] { controller.send_to(discovery, kGroupV4, kEchonetPort); });
  ASSERT_EQ(answers.size(), 2u) << logs({aircon.get(), heater.get()});
  for (const auto& [address, answer] : answers) {
    EXPECT_EQ(answer.datagram.from_port, kEchonetPort) << address;
    EXPECT_EQ(answer.datagram.to, "192.0.2.1") << address << " answered by multicast";
  }
  EXPECT_EQ(answers["192.0.2.11"].frame.properties[0xD6], instance_list(0x013001));
  EXPECT_EQ(answers["192.0.2.12"].frame.properties[0xD6], instance_list(0x026B01));
}

TEST_F(LanRig, Ipv6LinkLocalMulticastDiscoveryIsAnsweredByEveryNodeByUnicast) {
  if (!std::filesystem::exists("/proc/sys/net/ipv6"))
    GTEST_SKIP() << "this kernel has no IPv6";
  NetnsRig rig(2);
  const std::string controller_address = rig.ipv6_link_local(rig.controller());
  const std::string node0 = rig.ipv6_link_local(rig.node(0));
  const std::string node1 = rig.ipv6_link_local(rig.node(1));
  ASSERT_TRUE(node0.starts_with("fe80:")) << node0;
  ASSERT_TRUE(node1.starts_with("fe80:")) << node1;
  ASSERT_NE(node0, node1);
  auto aircon = start_node(rig, 0, {"--ipv6", "--object", "aircon"});
  auto light = start_node(rig, 1, {"--ipv6", "--object", "light"});
  ASSERT_TRUE(ready(*aircon)) << aircon->output();
  ASSERT_TRUE(ready(*light)) << light->output();

  NetnsUdpSocket controller(rig.controller(), Family::ipv6, kEchonetPort, NetnsRig::kInterface,
                            kGroupV6);
  auto answers = collect(controller, {node0, node1}, discovery_answer(0x0601), 20s, [&] {
    controller.send_to(get_request(0x0601, kNodeProfile, 0xD6), kGroupV6, kEchonetPort);
  });
  ASSERT_EQ(answers.size(), 2u) << logs({aircon.get(), light.get()});
  for (const auto& [address, answer] : answers) {
    EXPECT_EQ(answer.datagram.from_port, kEchonetPort) << address;
    EXPECT_EQ(answer.datagram.to, controller_address) << address << " answered by multicast";
  }
  EXPECT_EQ(answers[node0].frame.properties[0xD6], instance_list(0x013001));
  EXPECT_EQ(answers[node1].frame.properties[0xD6], instance_list(0x029001));
}

TEST_F(LanRig, AfterAnAddressChangeTheSameNodeAnswersFromItsNewAddress) {
  NetnsRig rig(1);
  auto sim = start_node(rig, 0, {"--object", "aircon", "--node-id", kNodeIdA});
  ASSERT_TRUE(ready(*sim)) << sim->output();
  NetnsUdpSocket controller(rig.controller(), Family::ipv4, kEchonetPort, NetnsRig::kInterface,
                            kGroupV4);
  auto discover = [&](std::uint16_t tid, const std::string& address) {
    return collect(
        controller, {address}, discovery_answer(tid), 20s,
        [&] { controller.send_to(get_request(tid, kNodeProfile, 0xD6), kGroupV4, kEchonetPort); },
        {"192.0.2.11", "192.0.2.77"});
  };
  auto identify = [&](std::uint16_t tid, const std::string& address) {
    auto answers = collect(
        controller, {address},
        [tid](const Frame& f) {
          return f.tid == tid && f.esv == kGetRes && f.properties.contains(0x83);
        },
        20s,
        [&] { controller.send_to(get_request(tid, kNodeProfile, 0x83), address, kEchonetPort); });
    return answers.contains(address) ? answers[address].frame.properties[0x83] : Bytes{};
  };

  ASSERT_EQ(discover(0x0201, "192.0.2.11").size(), 1u) << sim->output();
  EXPECT_EQ(identify(0x0202, "192.0.2.11"), identification(kNodeIdA));

  rig.move_address(rig.node(0), "192.0.2.77");
  ASSERT_EQ(rig.ipv4(rig.node(0)), "192.0.2.77");

  // The discovery finds it at the new address; nothing comes from the old one any more.
  auto answers = discover(0x0203, "192.0.2.77");
  EXPECT_TRUE(answers.contains("192.0.2.77")) << sim->output();
  EXPECT_FALSE(answers.contains("192.0.2.11"));
  EXPECT_EQ(identify(0x0204, "192.0.2.77"), identification(kNodeIdA)) << sim->output();
  EXPECT_TRUE(sim->running()) << "the same process, not a restarted node";
}

TEST_F(LanRig, LateJoinerIsSilentAtFirstThenAnnouncesItselfByMulticast) {
  NetnsRig rig(2);
  // Open before the nodes start so that no announcement can slip past.
  NetnsUdpSocket controller(rig.controller(), Family::ipv4, kEchonetPort, NetnsRig::kInterface,
                            kGroupV4);
  auto early = start_node(rig, 0, {"--object", "aircon"});
  auto late = start_node(rig, 1, {"--object", "light", "--late-join", "6"});
  ASSERT_TRUE(ready(*early)) << early->output();
  ASSERT_TRUE(ready(*late)) << late->output();

  // While it waits, the late node hears the discovery and does not answer it.
  auto first = collect(controller, {"192.0.2.11"}, discovery_answer(0x0301), 20s, [&] {
    controller.send_to(get_request(0x0301, kNodeProfile, 0xD6), kGroupV4, kEchonetPort);
  });
  ASSERT_TRUE(first.contains("192.0.2.11")) << early->output();
  ASSERT_TRUE(late->wait_for_output("not joined yet", 10s)) << late->output();

  // Then it announces its instance list (INF D5) to the multicast group by itself.
  auto announced = collect(
      controller, {"192.0.2.12"},
      [](const Frame& f) {
        return f.esv == kInf && f.seoj == kNodeProfile && f.properties.contains(0xD5);
      },
      30s);
  ASSERT_TRUE(announced.contains("192.0.2.12")) << late->output();
  EXPECT_EQ(announced["192.0.2.12"].datagram.to, kGroupV4);
  EXPECT_EQ(announced["192.0.2.12"].frame.properties[0xD5], instance_list(0x029001));
  // The node logs a send after making it: wait for the line before reading the log.
  ASSERT_TRUE(late->wait_for_output("tx multicast", 10s)) << late->output();
  const std::string log = late->output();
  const auto first_unicast = log.find("tx 192.0.2.1:");
  EXPECT_TRUE(first_unicast == std::string::npos || first_unicast > log.find("tx multicast"))
      << "the late node answered before it joined:\n"
      << log;

  // From now on it answers discoveries like any other node.
  auto second = collect(
      controller, {"192.0.2.11", "192.0.2.12"}, discovery_answer(0x0302), 20s,
      [&] { controller.send_to(get_request(0x0302, kNodeProfile, 0xD6), kGroupV4, kEchonetPort); });
  EXPECT_EQ(second.size(), 2u) << logs({early.get(), late.get()});
}

TEST_F(LanRig, TcpForwardGivesTheControllerItsOnlyWayToAServerOutside) {
  NetnsRig rig(0);
  // A server in the test's own namespace, as the MQTT broker will be.
  Fd server(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(server.fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(server.fd, 4), 0);
  ASSERT_EQ(::getsockname(server.fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::uint16_t server_port = ntohs(address.sin_port);

  // The namespace's own loopback is a different one: the server is not there.
  auto [direct, direct_error] = connect_from(rig.controller(), server_port);
  Fd direct_fd(direct);
  EXPECT_EQ(direct, -1);
  EXPECT_EQ(direct_error, ECONNREFUSED);

  NetnsTcpForward forward(rig.controller(), server_port);
  auto [client, client_error] = connect_from(rig.controller(), forward.port());
  Fd client_fd(client);
  ASSERT_GE(client, 0) << std::strerror(client_error);
  ASSERT_TRUE(readable(server.fd, 5s)) << "the forward did not connect to the server";
  Fd accepted(::accept4(server.fd, nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_GE(accepted.fd, 0);

  ASSERT_EQ(::send(client, "ping", 4, MSG_NOSIGNAL), 4);
  EXPECT_EQ(read_some(accepted.fd, 16), "ping");
  ASSERT_EQ(::send(accepted.fd, "pong", 4, MSG_NOSIGNAL), 4);
  EXPECT_EQ(read_some(client, 16), "pong");
  EXPECT_EQ(forward.accepted(), 1u);

  // Closing one end closes the other.
  ::close(std::exchange(accepted.fd, -1));
  ASSERT_TRUE(readable(client, 5s));
  char byte = 0;
  EXPECT_EQ(::read(client, &byte, 1), 0);
}

}  // namespace
}  // namespace hems::testing
