#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "endpoint.hpp"

namespace hems::sim {
namespace {

// A raw byte stream on 127.0.0.1, as ser2net offers a serial port; a new client replaces the old.
class TcpEndpoint final : public Endpoint {
 public:
  explicit TcpEndpoint(std::uint16_t port) : port_(port) {}
  ~TcpEndpoint() override { close(); }

  Result<std::string> open() override {
    close();
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return fail(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      return fail("bind/listen on 127.0.0.1:" + std::to_string(port_) + ": " + err);
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);  // keep the picked port for a re-open after an unplug
    listen_ = fd;
    return "tcp 127.0.0.1:" + std::to_string(port_);
  }

  void close() override {
    drop_client();
    if (listen_ >= 0)
      ::close(listen_);
    listen_ = -1;
  }

  void add_poll_fds(std::vector<pollfd>& fds) override {
    listen_index_ = client_index_ = -1;
    if (listen_ >= 0) {
      listen_index_ = static_cast<int>(fds.size());
      fds.push_back(pollfd{listen_, POLLIN, 0});
    }
    if (client_ >= 0) {
      client_index_ = static_cast<int>(fds.size());
      fds.push_back(
          pollfd{client_, static_cast<short>(POLLIN | (pending_.empty() ? 0 : POLLOUT)), 0});
    }
  }

  EndpointEvents handle_poll(const std::vector<pollfd>& fds) override {
    EndpointEvents ev;
    if (client_index_ >= 0 && client_ >= 0 &&
        (fds[static_cast<std::size_t>(client_index_)].revents & (POLLIN | POLLHUP | POLLERR))) {
      std::uint8_t buf[4096];
      while (true) {
        ssize_t n = ::recv(client_, buf, sizeof buf, 0);
        if (n > 0) {
          ev.input.insert(ev.input.end(), buf, buf + n);
          continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          ev.notes.push_back("tcp client disconnected");
          drop_client();
        }
        break;
      }
    }
    if (listen_index_ >= 0 && (fds[static_cast<std::size_t>(listen_index_)].revents & POLLIN)) {
      int fd = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        if (client_ >= 0)
          ev.notes.push_back("new tcp client replaces the old one");
        drop_client();
        client_ = fd;
        ev.attached = true;
        ev.input.clear();  // bytes from the old client no longer count
      }
    }
    flush();
    return ev;
  }

  void write(ByteView bytes) override {
    if (client_ < 0)
      return;
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    flush();
  }

  int max_wait_ms() const override { return 1000; }

 private:
  void drop_client() {
    if (client_ >= 0)
      ::close(client_);
    client_ = -1;
    pending_.clear();
  }

  void flush() {
    while (!pending_.empty() && client_ >= 0) {
      ssize_t n = ::send(client_, pending_.data(), pending_.size(), MSG_NOSIGNAL);
      if (n <= 0)
        break;
      pending_.erase(pending_.begin(), pending_.begin() + n);
    }
  }

  std::uint16_t port_;
  int listen_ = -1;
  int client_ = -1;
  int listen_index_ = -1;
  int client_index_ = -1;
  Bytes pending_;
};

}  // namespace

std::unique_ptr<Endpoint> make_tcp_endpoint(std::uint16_t port) {
  return std::make_unique<TcpEndpoint>(port);
}

}  // namespace hems::sim
