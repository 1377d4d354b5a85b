#include "hems/io/tcp_transport.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <expected>
#include <memory>
#include <utility>

#include "fd_stream.hpp"

namespace hems::io {

namespace {

constexpr std::string_view kScheme = "tcp://";

bool valid_port(std::string_view port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

void set_option(int fd, int level, int name, int value) {
  ::setsockopt(fd, level, name, &value, sizeof value);
}

// Small SKSTACK commands must leave at once, and a ser2net host that vanished without a FIN
// (power cut, cable) must be noticed within about a minute rather than hours.
void tune_socket(int fd) {
  set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  set_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, 30);
  set_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, 10);
  set_option(fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
}

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

// Connects one address without blocking longer than `timeout`; the fd, or errno on failure.
std::expected<int, int> connect_with_timeout(const addrinfo& address, Duration timeout) {
  const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address.ai_protocol);
  if (fd < 0)
    return std::unexpected(errno);
  if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0)
    return fd;
  if (errno != EINPROGRESS && errno != EINTR) {
    const int error_number = errno;
    ::close(fd);
    return std::unexpected(error_number);
  }
  auto revents = detail::poll_one(fd, POLLOUT, timeout);
  int error_number = ETIMEDOUT;
  if (revents && *revents != 0) {
    socklen_t length = sizeof error_number;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error_number, &length) != 0)
      error_number = errno;
  }
  if (error_number != 0) {
    ::close(fd);
    return std::unexpected(error_number);
  }
  return fd;
}

}  // namespace

std::optional<TcpAddress> parse_tcp_url(std::string_view url) {
  if (!url.starts_with(kScheme))
    return std::nullopt;
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  std::string_view host;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":")
      return std::nullopt;
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos)
      return std::nullopt;
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::nullopt;  // IPv6 needs brackets
  }
  if (host.empty() || !valid_port(port))
    return std::nullopt;
  return TcpAddress{std::string(host), std::string(port)};
}

TcpTransport::TcpTransport(TcpAddress address, Duration connect_timeout)
    : address_(std::move(address)), connect_timeout_(connect_timeout) {}

TcpTransport::~TcpTransport() {
  close();
}

std::string TcpTransport::host_port() const {
  const bool v6 = address_.host.find(':') != std::string::npos;
  return (v6 ? "[" + address_.host + "]" : address_.host) + ":" + address_.port;
}

Result<void> TcpTransport::open() {
  close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  // Blocking name lookup: acceptable for a reconnect path; a numeric address never waits.
  if (const int rc = ::getaddrinfo(address_.host.c_str(), address_.port.c_str(), &hints, &found);
      rc != 0) {
    return fail(description() + ": cannot resolve host " + address_.host + ": " +
                ::gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  int last_error = ECONNREFUSED;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    auto connected = connect_with_timeout(*entry, connect_timeout_);
    if (connected) {
      fd_ = *connected;
      tune_socket(fd_);
      return {};
    }
    last_error = connected.error();
  }
  std::string message =
      description() + ": cannot connect to " + host_port() + ": " + detail::errno_text(last_error);
  if (last_error == ETIMEDOUT) {
    message += " after " + std::to_string(connect_timeout_.count()) + " ms";
  }
  message += "; check that ser2net (or socat) is running there and listening on that port";
  return fail(std::move(message));
}

void TcpTransport::close() {
  detail::close_fd(fd_);
}

Result<Bytes> TcpTransport::read_available() {
  return detail::read_available_from(fd_, detail::FdKind::socket, description());
}

Result<void> TcpTransport::write_all(ByteView bytes) {
  return detail::write_all_to(fd_, detail::FdKind::socket, bytes, detail::kWriteTimeout,
                              description());
}

std::string TcpTransport::description() const {
  return "tcp " + host_port();
}

}  // namespace hems::io
