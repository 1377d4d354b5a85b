#include "hems/lan/udp_transport.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace hems::lan {
namespace {

constexpr const char* kGroupV4 = "224.0.23.0";
constexpr const char* kGroupV6 = "ff02::1";

std::string system_error(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

struct Interface {
  std::string name;
  unsigned index = 0;
  std::optional<in_addr> ipv4;  // an address to send multicast from
  bool ipv6 = false;
};

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// The multicast-capable interfaces that are up, narrowed to `wanted` (a name or an address).
Result<std::vector<Interface>> find_interfaces(const std::string& wanted) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return fail(system_error("cannot list network interfaces"));
  std::vector<Interface> found;
  std::string chosen_name;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (!wanted.empty() && it->ifa_addr != nullptr && address_text(it->ifa_addr) == wanted)
      chosen_name = it->ifa_name;
  }
  if (!wanted.empty() && chosen_name.empty())
    chosen_name = wanted;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_UP) == 0)
      continue;
    if (wanted.empty() && (it->ifa_flags & IFF_MULTICAST) == 0)
      continue;
    if (!wanted.empty() && chosen_name != it->ifa_name)
      continue;
    const int family = it->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6)
      continue;
    auto entry = std::find_if(found.begin(), found.end(),
                              [&](const Interface& i) { return i.name == it->ifa_name; });
    if (entry == found.end()) {
      found.push_back(Interface{it->ifa_name, if_nametoindex(it->ifa_name), std::nullopt, false});
      entry = found.end() - 1;
    }
    if (family == AF_INET && !entry->ipv4)
      entry->ipv4 = reinterpret_cast<const sockaddr_in*>(it->ifa_addr)->sin_addr;
    if (family == AF_INET6)
      entry->ipv6 = true;
  }
  freeifaddrs(list);
  if (!wanted.empty() && found.empty())
    return fail("no interface up with the name or address '" + wanted + "'");
  return found;
}

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Socket() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

class SocketTransport final : public UdpTransport {
 public:
  Result<void> open(const UdpOptions& options) {
    port_ = options.port;
    auto interfaces = find_interfaces(options.interface);
    if (!interfaces)
      return fail(interfaces.error().message);
    interfaces_ = std::move(*interfaces);
    epoll_ = Socket(epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_)
      return fail(system_error("epoll_create1"));
    std::string problems;
    if (options.ipv4) {
      if (auto ok = open_v4(); !ok)
        problems += ok.error().message;
    }
    if (options.ipv6) {
      if (auto ok = open_v6(); !ok)
        problems += (problems.empty() ? "" : "; ") + ok.error().message;
    }
    if (!v4_ && !v6_)
      return fail(problems.empty() ? "neither IPv4 nor IPv6 is enabled" : problems);
    if (!problems.empty())
      warnings_.push_back(problems);
    return {};
  }

  Result<void> send_to(const std::string& address, bool multicast, ByteView payload) override {
    const std::size_t percent = address.find('%');
    const std::string host = address.substr(0, percent);
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
      if (!v4_)
        return fail("cannot send to " + address + ": IPv4 is not open");
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port = htons(port_);
      to.sin_addr = v4;
      if (!multicast || interfaces_.empty())
        return send_one(v4_.get(), reinterpret_cast<sockaddr*>(&to), sizeof to, payload, address);
      return send_v4_multicast(to, payload, address);
    }
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
      if (!v6_)
        return fail("cannot send to " + address + ": IPv6 is not open");
      sockaddr_in6 to{};
      to.sin6_family = AF_INET6;
      to.sin6_port = htons(port_);
      to.sin6_addr = v6;
      if (percent != std::string::npos) {
        const std::string scope = address.substr(percent + 1);
        to.sin6_scope_id = if_nametoindex(scope.c_str());
        if (to.sin6_scope_id == 0)
          to.sin6_scope_id = static_cast<std::uint32_t>(std::strtoul(scope.c_str(), nullptr, 10));
      }
      if (!multicast || interfaces_.empty() || to.sin6_scope_id != 0)
        return send_one(v6_.get(), reinterpret_cast<sockaddr*>(&to), sizeof to, payload, address);
      return send_v6_multicast(to, payload, address);
    }
    return fail("cannot send to '" + address + "': not a numeric IP address");
  }

  int poll_fd() const override { return epoll_.get(); }

  Result<std::optional<Datagram>> receive() override {
    for (const Socket* socket : {&v4_, &v6_}) {
      if (!*socket)
        continue;
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      Bytes buffer(65536);
      const ssize_t n = recvfrom(socket->get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
          continue;
        return fail(system_error("UDP receive"));
      }
      buffer.resize(static_cast<std::size_t>(n));
      return std::optional<Datagram>(Datagram{sender_text(from), std::move(buffer)});
    }
    return std::optional<Datagram>();
  }

  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  Result<void> open_v4() {
    Socket s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s)
      return fail(system_error("IPv4 socket"));
    const int on = 1, off = 0;
    setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(port_);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) != 0)
      return fail(system_error("cannot bind 0.0.0.0:" + std::to_string(port_)));
    // Our own discovery must not come back to us as if a node had sent it.
    setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off);
    for (const Interface& itf : interfaces_) {
      if (!itf.ipv4)
        continue;
      ip_mreqn join{};
      inet_pton(AF_INET, kGroupV4, &join.imr_multiaddr);
      join.imr_address = *itf.ipv4;
      join.imr_ifindex = static_cast<int>(itf.index);
      if (setsockopt(s.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) != 0)
        warnings_.push_back(system_error(std::string("joining ") + kGroupV4 + " on " + itf.name));
    }
    if (auto ok = watch(s.get()); !ok)
      return ok;
    v4_ = std::move(s);
    return {};
  }

  Result<void> open_v6() {
    Socket s(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s)
      return fail(system_error("IPv6 socket"));
    const int on = 1, off = 0;
    setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    any.sin6_port = htons(port_);
    any.sin6_addr = in6addr_any;
    if (bind(s.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) != 0)
      return fail(system_error("cannot bind [::]:" + std::to_string(port_)));
    setsockopt(s.get(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off);
    for (const Interface& itf : interfaces_) {
      if (!itf.ipv6)
        continue;
      ipv6_mreq join{};
      inet_pton(AF_INET6, kGroupV6, &join.ipv6mr_multiaddr);
      join.ipv6mr_interface = itf.index;
      if (setsockopt(s.get(), IPPROTO_IPV6, IPV6_JOIN_GROUP, &join, sizeof join) != 0)
        warnings_.push_back(system_error(std::string("joining ") + kGroupV6 + " on " + itf.name));
    }
    if (auto ok = watch(s.get()); !ok)
      return ok;
    v6_ = std::move(s);
    return {};
  }

  Result<void> watch(int fd) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
      return fail(system_error("epoll_ctl"));
    return {};
  }

  Result<void> send_one(int fd, const sockaddr* to, socklen_t len, ByteView payload,
                        const std::string& address) {
    if (sendto(fd, payload.data(), payload.size(), 0, to, len) < 0)
      return fail(system_error("UDP send to " + address));
    return {};
  }

  Result<void> send_v4_multicast(sockaddr_in to, ByteView payload, const std::string& address) {
    std::string problems;
    for (const Interface& itf : interfaces_) {
      if (!itf.ipv4)
        continue;
      ip_mreqn out{};
      out.imr_address = *itf.ipv4;
      out.imr_ifindex = static_cast<int>(itf.index);
      setsockopt(v4_.get(), IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out);
      if (auto ok = send_one(v4_.get(), reinterpret_cast<sockaddr*>(&to), sizeof to, payload,
                             address + " on " + itf.name);
          !ok)
        problems += (problems.empty() ? "" : "; ") + ok.error().message;
    }
    if (!problems.empty())
      return fail(problems);
    return {};
  }

  Result<void> send_v6_multicast(sockaddr_in6 to, ByteView payload, const std::string& address) {
    std::string problems;
    for (const Interface& itf : interfaces_) {
      if (!itf.ipv6)
        continue;
      unsigned index = itf.index;
      setsockopt(v6_.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
      to.sin6_scope_id = index;
      if (auto ok = send_one(v6_.get(), reinterpret_cast<sockaddr*>(&to), sizeof to, payload,
                             address + " on " + itf.name);
          !ok)
        problems += (problems.empty() ? "" : "; ") + ok.error().message;
    }
    if (!problems.empty())
      return fail(problems);
    return {};
  }

  static std::string sender_text(const sockaddr_storage& from) {
    const auto* sa = reinterpret_cast<const sockaddr*>(&from);
    std::string text = address_text(sa);
    if (sa->sa_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&from);
      if (v6->sin6_scope_id != 0) {
        char name[IF_NAMESIZE] = {};
        if (if_indextoname(v6->sin6_scope_id, name) != nullptr)
          text += std::string("%") + name;
        else
          text += "%" + std::to_string(v6->sin6_scope_id);
      }
    }
    return text;
  }

  std::uint16_t port_ = 3610;
  std::vector<Interface> interfaces_;
  Socket epoll_, v4_, v6_;
  std::vector<std::string> warnings_;
};

}  // namespace

Result<std::unique_ptr<UdpTransport>> open_udp_transport(const UdpOptions& options) {
  auto transport = std::make_unique<SocketTransport>();
  if (auto ok = transport->open(options); !ok)
    return fail(ok.error().message);
  return std::unique_ptr<UdpTransport>(std::move(transport));
}

}  // namespace hems::lan
