#include "hems/io/tcp_transport.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "io/io_test_support.hpp"

namespace hems::io {
namespace {

using namespace testing_support;

// A loopback TCP socket bound to a free port; listening only when asked to.
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listening) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        (listening && ::listen(fd_, 1) != 0)) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackPort() {
    if (fd_ >= 0)
      ::close(fd_);
    if (peer_ >= 0)
      ::close(peer_);
  }
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;

  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  bool accept_peer() {
    pollfd entry{fd_, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(kPatience.count() * 1000)) != 1)
      return false;
    peer_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return peer_ >= 0;
  }
  bool send_text(std::string_view text) {
    return ::send(peer_, text.data(), text.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(text.size());
  }
  std::string receive(std::size_t count) {
    std::string got;
    wait_until([&] {
      std::array<char, 256> buffer{};
      const auto n = ::recv(peer_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n > 0)
        got.append(buffer.data(), static_cast<std::size_t>(n));
      return got.size() >= count;
    });
    return got;
  }
  void close_peer() {
    ::close(peer_);
    peer_ = -1;
  }

 private:
  int fd_ = -1;
  int peer_ = -1;
  int port_ = 0;
};

TEST(TcpTransport, CarriesBytesBothWaysAndReportsPeerClose) {
  LoopbackPort server(true);
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(classify_device(server.url()), TransportKind::tcp);

  auto transport = make_transport(server.url());
  EXPECT_EQ(transport->description(), "tcp 127.0.0.1:" + std::to_string(server.port()));
  auto opened = transport->open();
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_TRUE(server.accept_peer());
  EXPECT_TRUE(transport->is_open());
  EXPECT_GE(transport->poll_fd(), 0);

  ASSERT_TRUE(server.send_text("EVER 1.2.10\r\nOK\r\n"));
  EXPECT_EQ(read_through(*transport, 17), "EVER 1.2.10\r\nOK\r\n");

  auto written = transport->write_all(as_bytes("SKINFO\r\n"));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(server.receive(8), "SKINFO\r\n");

  server.close_peer();
  const std::string loss = wait_for_link_loss(*transport);
  EXPECT_NE(loss, "") << "a peer close must be reported as a lost link";
  transport->close();
  EXPECT_FALSE(transport->is_open());
  EXPECT_EQ(transport->poll_fd(), -1);
}

TEST(TcpTransport, RefusedConnectionNamesTheAddress) {
  LoopbackPort closed_port(false);  // bound but not listening: connects are refused
  ASSERT_NE(closed_port.port(), 0);
  auto transport = make_transport(closed_port.url());
  auto opened = transport->open();
  ASSERT_FALSE(opened);
  const auto& message = opened.error().message;
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(closed_port.port())), std::string::npos)
      << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  EXPECT_FALSE(transport->is_open());
}

TEST(TcpTransport, ClassifiesTcpUrls) {
  EXPECT_EQ(classify_device("tcp://127.0.0.1:2000"), TransportKind::tcp);
  EXPECT_EQ(classify_device("tcp://ser2net.local:3333"), TransportKind::tcp);
}

TEST(TcpTransport, ParsesUrls) {
  auto plain = parse_tcp_url("tcp://127.0.0.1:2000");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, "2000");

  auto v6 = parse_tcp_url("tcp://[fe80::1]:3333/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "fe80::1");
  EXPECT_EQ(v6->port, "3333");
  EXPECT_EQ(TcpTransport(*v6).description(), "tcp [fe80::1]:3333");

  EXPECT_FALSE(parse_tcp_url("tcp://host"));
  EXPECT_FALSE(parse_tcp_url("tcp://:2000"));
  EXPECT_FALSE(parse_tcp_url("tcp://host:0"));
  EXPECT_FALSE(parse_tcp_url("tcp://host:65536"));
  EXPECT_FALSE(parse_tcp_url("tcp://host:20x0"));
  EXPECT_FALSE(parse_tcp_url("tcp://fe80::1:2000"));
  EXPECT_FALSE(parse_tcp_url("/dev/ttyUSB0"));
}

TEST(TcpTransport, MalformedUrlExplainsTheExpectedForm) {
  auto transport = make_transport("tcp://ser2net-without-port");
  auto opened = transport->open();
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("tcp://host:port"), std::string::npos)
      << opened.error().message;
  EXPECT_FALSE(transport->is_open());
  EXPECT_EQ(transport->poll_fd(), -1);
}

}  // namespace
}  // namespace hems::io
