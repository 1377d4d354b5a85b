#include "hems/mqtt/tcp_probe.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hems::mqtt {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// A loopback port with a listener (when `listen_on` is true) or with nothing behind it: bound
// but not listening, so no other process can take it while the test runs.
struct LoopbackPort {
  explicit LoopbackPort(bool listen_on) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    if (listen_on) {
      EXPECT_EQ(::listen(fd, 4), 0);
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~LoopbackPort() { ::close(fd); }
  int fd = -1;
  std::uint16_t port = 0;
};

TEST(TcpProbe, AListeningPortIsReachable) {
  LoopbackPort listening(true);
  EXPECT_EQ(tcp_unreachable_reason("127.0.0.1", listening.port, milliseconds{2000}), "");
}

TEST(TcpProbe, APortWithoutListenerIsRefused) {
  LoopbackPort closed(false);
  EXPECT_THAT(tcp_unreachable_reason("127.0.0.1", closed.port, milliseconds{2000}),
              HasSubstr("connection refused (nothing listens on port " +
                        std::to_string(closed.port) + ")"));
}

}  // namespace
}  // namespace hems::mqtt
