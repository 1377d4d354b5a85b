#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hems/common/time.hpp"
#include "hems/io/transport.hpp"

namespace hems::io {

struct TcpAddress {
  std::string host;  // without brackets, also for IPv6 literals
  std::string port;
};

// Parses "tcp://host:port" and "tcp://[v6addr]:port"; nullopt when it is not that shape.
std::optional<TcpAddress> parse_tcp_url(std::string_view url);

// A raw TCP byte stream (ser2net, socat TCP-LISTEN). TCP_NODELAY and keepalive are on; the
// peer closing the connection is a lost link.
class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(TcpAddress address, Duration connect_timeout = seconds(5));
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Resolves the host and connects, waiting at most connect_timeout per address.
  Result<void> open() override;
  void close() override;
  bool is_open() const override { return fd_ >= 0; }
  int poll_fd() const override { return fd_; }
  Result<Bytes> read_available() override;
  Result<void> write_all(ByteView bytes) override;
  std::string description() const override;

 private:
  std::string host_port() const;

  TcpAddress address_;
  Duration connect_timeout_;
  int fd_ = -1;
};

}  // namespace hems::io
