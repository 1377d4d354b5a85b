#include "hems/mqtt/tcp_probe.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace hems::mqtt {
namespace {

std::string describe_errno(int error, std::uint16_t port, std::chrono::milliseconds timeout) {
  switch (error) {
    case ECONNREFUSED:
      return "connection refused (nothing listens on port " + std::to_string(port) + ")";
    case ETIMEDOUT:
      return "no answer within " +
             std::to_string(std::chrono::ceil<std::chrono::seconds>(timeout).count()) + " s";
    default:
      return std::strerror(error);
  }
}

// 0 when connected, else the errno that ended the attempt.
int try_connect(const addrinfo& address, std::chrono::milliseconds timeout) {
  const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address.ai_protocol);
  if (fd < 0)
    return errno;
  int error = 0;
  if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      pollfd watch{fd, POLLOUT, 0};
      const int ready = ::poll(&watch, 1, static_cast<int>(timeout.count()));
      if (ready <= 0) {
        error = ETIMEDOUT;
      } else {
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
          error = errno;
      }
    }
  }
  ::close(fd);
  return error;
}

}  // namespace

std::string tcp_unreachable_reason(const std::string& host, std::uint16_t port,
                                   std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int resolved = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (resolved != 0) {
    return "cannot resolve the host name '" + host + "': " + ::gai_strerror(resolved);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  int error = EHOSTUNREACH;
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    error = try_connect(*a, timeout);
    if (error == 0)
      return {};
  }
  return describe_errno(error, port, timeout);
}

}  // namespace hems::mqtt
