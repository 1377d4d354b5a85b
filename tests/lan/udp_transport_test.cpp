#include "hems/lan/udp_transport.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace hems::lan {
namespace {
using namespace std::chrono_literals;

// Whether nobody holds UDP `port` on IPv4 (bound without SO_REUSEADDR, so a holder that used it
// is seen as well).
bool port_is_free(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(port);
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0;
  close(fd);
  return free;
}

// Waits (bounded) for a datagram carrying `payload`; others are skipped.
std::optional<Datagram> receive_matching(UdpTransport& transport, const Bytes& payload) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{transport.poll_fd(), POLLIN, 0};
    poll(&p, 1, 100);
    for (;;) {
      auto got = transport.receive();
      if (!got) {
        ADD_FAILURE() << got.error().message;
        return std::nullopt;
      }
      if (!*got)
        break;
      if ((*got)->payload == payload)
        return **got;
    }
  }
  return std::nullopt;
}

// One test, so that one process at a time holds port 3610 (CTest runs each test on its own).
TEST(LanUdpTransport, RealSocketsOnLoopback) {
  if (!port_is_free(3610))
    GTEST_SKIP() << "UDP 3610 is in use here";
  auto opened = open_udp_transport(UdpOptions{});
  if (!opened)
    GTEST_SKIP() << "cannot open the LAN sockets: " << opened.error().message;
  UdpTransport& transport = **opened;

  // Unicast to ourselves: out through send_to, back in with the sender as text.
  const Bytes get{0x10, 0x81, 0x12, 0x34, 0x05, 0xFF, 0x01,
                  0x0E, 0xF0, 0x01, 0x62, 0x01, 0xD6, 0x00};
  ASSERT_TRUE(transport.send_to("127.0.0.1", false, get).has_value());
  auto got = receive_matching(transport, get);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->from, "127.0.0.1");

  // From a plain socket elsewhere.
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(3610);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  const Bytes inf{0x10, 0x81, 0x00, 0x00, 0x0E, 0xF0, 0x01, 0x0E, 0xF0,
                  0x01, 0x73, 0x01, 0xD5, 0x04, 0x01, 0x01, 0x30, 0x01};
  const auto written =
      sendto(fd, inf.data(), inf.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(fd);
  ASSERT_EQ(written, static_cast<ssize_t>(inf.size()));
  got = receive_matching(transport, inf);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->from, "127.0.0.1");

  // IPv6 loopback, where the host has IPv6.
  const Bytes get6{0x10, 0x81, 0x66, 0x66, 0x05, 0xFF, 0x01,
                   0x0E, 0xF0, 0x01, 0x62, 0x01, 0x83, 0x00};
  if (transport.send_to("::1", false, get6)) {
    got = receive_matching(transport, get6);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->from, "::1");
  }

  // Only numeric addresses: resolving names is not the transport's job.
  auto sent = transport.send_to("printer.local", false, get);
  ASSERT_FALSE(sent.has_value());
  EXPECT_NE(sent.error().message.find("printer.local"), std::string::npos);
}

TEST(LanUdpTransportOpen, UnknownInterfaceIsNamedInTheError) {
  UdpOptions options;
  options.interface = "no-such-nic0";
  auto opened = open_udp_transport(options);
  ASSERT_FALSE(opened.has_value());
  EXPECT_NE(opened.error().message.find("no-such-nic0"), std::string::npos);
}

}  // namespace
}  // namespace hems::lan
