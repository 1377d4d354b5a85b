#include "hems/io/http_server.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <expected>
#include <utility>
#include <variant>

namespace hems::io {
namespace {

// Connections waiting to be accepted; more are refused by the kernel until the loop catches up.
constexpr int kBacklog = 16;
// One read per readiness: the loop then serves the other descriptors before this one again.
constexpr std::size_t kReadChunk = 4096;
// What a client may still send after its answer (a body nobody reads) before it is cut off.
constexpr std::size_t kMaxDroppedBytes = 65536;
// The loop watches for input only; a full socket buffer is tried again after this pause.
constexpr Duration kWriteRetry = std::chrono::milliseconds(20);
// After accept(2) fails for want of descriptors or memory, the pending connection keeps the
// listening socket readable: accepting pauses this long instead of spinning.
constexpr Duration kAcceptPause = std::chrono::seconds(1);

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

std::string error_text(int error_number) {
  return std::strerror(error_number);
}

// "192.0.2.1:5000", "[::1]:5000": a socket address for messages, written as [http] listen is.
std::string describe(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (::getnameinfo(address, length, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "an unknown address";
  return http::ListenAddress{host, static_cast<std::uint16_t>(std::stoul(port))}.to_string();
}

std::string bind_advice(int error_number) {
  switch (error_number) {
    case EADDRINUSE:
      return " (another program listens there; choose another port in [http] listen)";
    case EADDRNOTAVAIL:
      return " (not an address of this machine)";
    case EACCES:
      return " (ports below 1024 need privileges)";
    default:
      return "";
  }
}

// A listening socket on the first of the address's resolutions that takes one, or errno.
std::expected<int, int> listen_on(const addrinfo* list) {
  int last_error = EADDRNOTAVAIL;
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    // A restarted daemon must get its port back while the old connections are in TIME_WAIT.
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, kBacklog) == 0)
      return fd;
    last_error = errno;
    ::close(fd);
  }
  return std::unexpected(last_error);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::open(Loop& loop, HttpServerOptions options,
                                                     HttpHandler handler, HttpLog log) {
  const std::string shown = options.address.to_string();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.address.port);
  if (const int status = ::getaddrinfo(options.address.host.c_str(), port.c_str(), &hints, &found);
      status != 0) {
    return fail("cannot listen for HTTP on " + shown + ": " + ::gai_strerror(status));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  auto fd = listen_on(list.get());
  if (!fd) {
    return fail("cannot listen for HTTP on " + shown + ": " + error_text(fd.error()) +
                bind_advice(fd.error()));
  }
  return std::unique_ptr<HttpServer>(
      new HttpServer(loop, std::move(options), std::move(handler), std::move(log), *fd));
}

HttpServer::HttpServer(Loop& loop, HttpServerOptions options, HttpHandler handler, HttpLog log,
                       int fd)
    : loop_(loop),
      options_(std::move(options)),
      handler_(std::move(handler)),
      log_(std::move(log)),
      listen_fd_(fd) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    local_address_ = describe(reinterpret_cast<const sockaddr*>(&bound), length);
  } else {
    local_address_ = options_.address.to_string();
  }
  loop_.watch_fd(listen_fd_, [this] { on_listen_readable(); });
}

HttpServer::~HttpServer() {
  while (!connections_.empty())
    close(connections_.begin()->first, "");
  if (resume_accepting_)
    loop_.cancel(*resume_accepting_);
  loop_.unwatch_fd(listen_fd_);
  ::close(listen_fd_);
}

void HttpServer::on_listen_readable() {
  // At most a backlog's worth per turn: a flood of connections must not hold the loop, whose
  // poll(2) comes back here at once while more are waiting.
  for (int accepted = 0; accepted < kBacklog; ++accepted) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      log_(LogLevel::warning, "HTTP: cannot accept a connection (" + error_text(errno) +
                                  "); trying again in a second");
      pause_accepting();
      return;
    }
    const std::string from = describe(reinterpret_cast<const sockaddr*>(&peer), length);
    if (connections_.size() >= options_.max_connections) {
      ::close(fd);
      log_(LogLevel::debug, "HTTP: closed the connection from " + from + " at once: " +
                                std::to_string(connections_.size()) + " are open already");
      continue;
    }
    const Id id = next_id_++;
    Connection& connection = connections_[id];
    connection.fd = fd;
    connection.peer = from;
    connection.deadline = loop_.call_after(options_.connection_deadline, [this, id] {
      close(id, "it did not finish within the connection's deadline");
    });
    loop_.watch_fd(fd, [this, id] { on_readable(id); });
  }
}

void HttpServer::pause_accepting() {
  loop_.unwatch_fd(listen_fd_);
  resume_accepting_ = loop_.call_after(kAcceptPause, [this] {
    resume_accepting_.reset();
    loop_.watch_fd(listen_fd_, [this] { on_listen_readable(); });
  });
}

void HttpServer::on_readable(Id id) {
  const auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  Connection& connection = it->second;
  char buffer[kReadChunk];
  const ssize_t count = ::recv(connection.fd, buffer, sizeof buffer, 0);
  if (count < 0) {
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      close(id, "reading failed: " + error_text(errno));
    return;
  }
  if (count == 0) {
    // After the answer the client's close is the normal end.
    close(id, connection.answered ? "" : "it closed before its request was complete");
    return;
  }
  const auto size = static_cast<std::size_t>(count);
  if (connection.answered) {
    connection.dropped += size;
    if (connection.dropped > kMaxDroppedBytes)
      close(id, "it kept sending after its answer");
    return;
  }
  const http::ParseResult result = connection.parser.feed(std::string_view(buffer, size));
  if (const auto* request = std::get_if<http::Request>(&result)) {
    http::Response response;
    try {
      response = handler_(*request);
    } catch (const std::exception& e) {
      // One failed answer must not end the daemon: the loop would pass the exception on.
      log_(LogLevel::error, "HTTP: answering " + request->path + " failed: " + e.what());
      response = http::error_response(500);
    }
    log_(LogLevel::trace,
         "HTTP: " + std::string(request->method == http::Method::head ? "HEAD" : "GET") + " " +
             request->path + " from " + connection.peer + ": " + std::to_string(response.status));
    answer(id, response, request->method == http::Method::head);
  } else if (const auto* refusal = std::get_if<http::Refusal>(&result)) {
    log_(LogLevel::debug, "HTTP: refused a request from " + connection.peer + " with " +
                              std::to_string(refusal->status) + ": " + refusal->reason);
    answer(id, http::error_response(refusal->status), false);
  }
}

void HttpServer::answer(Id id, const http::Response& response, bool head) {
  Connection& connection = connections_.at(id);
  connection.out = http::serialize(response, head);
  connection.answered = true;
  flush(id);
}

void HttpServer::flush(Id id) {
  const auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  Connection& connection = it->second;
  connection.retry.reset();
  while (connection.sent < connection.out.size()) {
    const ssize_t count = ::send(connection.fd, connection.out.data() + connection.sent,
                                 connection.out.size() - connection.sent, MSG_NOSIGNAL);
    if (count < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        connection.retry = loop_.call_after(kWriteRetry, [this, id] { flush(id); });
        return;
      }
      close(id, "writing the answer failed: " + error_text(errno));
      return;
    }
    connection.sent += static_cast<std::size_t>(count);
  }
  // Half-closed, not closed: the client sees the end of the answer, and what it may still send
  // is read and dropped. Closing with unread input would reset the connection, and the reset can
  // overtake the answer.
  ::shutdown(connection.fd, SHUT_WR);
  loop_.cancel(connection.deadline);
  connection.deadline = loop_.call_after(options_.linger, [this, id] { close(id, ""); });
}

void HttpServer::close(Id id, const std::string& why) {
  const auto it = connections_.find(id);
  if (it == connections_.end())
    return;
  Connection& connection = it->second;
  loop_.unwatch_fd(connection.fd);
  loop_.cancel(connection.deadline);
  if (connection.retry)
    loop_.cancel(*connection.retry);
  ::close(connection.fd);
  if (!why.empty())
    log_(LogLevel::debug, "HTTP: dropped the connection from " + connection.peer + ": " + why);
  connections_.erase(it);
}

}  // namespace hems::io
