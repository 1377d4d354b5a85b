// `hems2mqtt-sim lan`: the thin UDP shell around the sans-I/O LanNode.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "hems/sim/lan_node.hpp"
#include "shell.hpp"

namespace {

using namespace hems;
using namespace hems::sim;

constexpr const char* kGroupV4 = "224.0.23.0";
constexpr const char* kGroupV6 = "ff02::1";

double local_hour_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_hour + tm.tm_min / 60.0 + tm.tm_sec / 3600.0;
}

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd, other.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

struct Interface {
  std::string name;
  unsigned index = 0;
  in_addr v4{};
  bool has_v4 = false;
  bool has_v6 = false;
};

// Up, multicast-capable interfaces (or only the named one).
std::vector<Interface> multicast_interfaces(const std::string& only) {
  std::map<std::string, Interface> found;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return {};
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || !(a->ifa_flags & IFF_UP) || !(a->ifa_flags & IFF_MULTICAST))
      continue;
    if (!only.empty() && only != a->ifa_name)
      continue;
    Interface& i = found[a->ifa_name];
    i.name = a->ifa_name;
    i.index = ::if_nametoindex(a->ifa_name);
    if (a->ifa_addr->sa_family == AF_INET && !i.has_v4) {
      i.v4 = reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr;
      i.has_v4 = true;
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      i.has_v6 = true;
    }
  }
  ::freeifaddrs(list);
  std::vector<Interface> out;
  for (auto& [name, i] : found)
    out.push_back(i);
  return out;
}

std::string peer_name(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
  }
  const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
  ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
  std::string name = text;
  char ifname[IF_NAMESIZE] = {};
  if (a.sin6_scope_id && ::if_indextoname(a.sin6_scope_id, ifname))
    name += std::string("%") + ifname;
  return "[" + name + "]:" + std::to_string(ntohs(a.sin6_port));
}

class LanShell {
 public:
  explicit LanShell(const LanOptions& options) : options_(options) {}

  Result<std::string> open() {
    in_addr bind_addr{};
    if (::inet_pton(AF_INET, options_.bind.c_str(), &bind_addr) != 1)
      return fail("--bind " + options_.bind + " is not an IPv4 address");
    interfaces_ = multicast_interfaces(options_.interface_name);
    if (!options_.interface_name.empty() && interfaces_.empty())
      return fail("no multicast-capable interface " + options_.interface_name);

    v4_ = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (v4_.fd < 0)
      return fail(std::string("socket: ") + std::strerror(errno));
    const int on = 1;
    ::setsockopt(v4_.fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(options_.port);
    local.sin_addr = bind_addr;
    if (::bind(v4_.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      return fail("bind " + options_.bind + ":" + std::to_string(options_.port) + ": " +
                  std::strerror(errno));
    }
    const bool any = bind_addr.s_addr == htonl(INADDR_ANY);
    // A socket bound to one address does not see multicast: a second one on the group does.
    if (!any) {
      group_v4_ = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      sockaddr_in group{};
      group.sin_family = AF_INET;
      group.sin_port = htons(options_.port);
      ::inet_pton(AF_INET, kGroupV4, &group.sin_addr);
      ::setsockopt(group_v4_.fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
      if (::bind(group_v4_.fd, reinterpret_cast<sockaddr*>(&group), sizeof group) != 0) {
        notes_.push_back(std::string("multicast receive socket: ") + std::strerror(errno));
        group_v4_ = Fd();
      }
    }
    for (const auto& i : interfaces_) {
      if (!i.has_v4 || (!any && i.v4.s_addr != bind_addr.s_addr))
        continue;
      ip_mreqn req{};
      ::inet_pton(AF_INET, kGroupV4, &req.imr_multiaddr);
      req.imr_ifindex = static_cast<int>(i.index);
      const int fd = group_v4_.fd >= 0 ? group_v4_.fd : v4_.fd;
      if (::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) == 0) {
        joined_v4_.push_back(i.index);
        notes_.push_back("joined " + std::string(kGroupV4) + " on " + i.name);
      } else {
        notes_.push_back("could not join " + std::string(kGroupV4) + " on " + i.name + ": " +
                         std::strerror(errno));
      }
    }
    if (options_.ipv6) {
      if (auto ok = open_v6(); !ok)
        return std::unexpected(ok.error());
    }
    return options_.bind + ":" + std::to_string(options_.port);
  }

  void add_poll_fds(std::vector<pollfd>& fds) const {
    for (int fd : {v4_.fd, group_v4_.fd, v6_.fd}) {
      if (fd >= 0)
        fds.push_back(pollfd{fd, POLLIN, 0});
    }
  }

  // Reads every waiting datagram from the sockets that are ready.
  std::vector<LanDatagram> receive(const std::vector<pollfd>& fds) {
    std::vector<LanDatagram> out;
    for (const auto& p : fds) {
      if (p.fd == STDIN_FILENO || !(p.revents & POLLIN))
        continue;
      while (auto d = receive_one(p.fd))
        out.push_back(std::move(*d));
    }
    return out;
  }

  void send(const LanSend& send) {
    if (!send.to.empty()) {
      auto it = peers_.find(send.to);
      if (it == peers_.end())
        return;
      const int fd = it->second.ss_family == AF_INET6 ? v6_.fd : v4_.fd;
      const socklen_t len =
          it->second.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
      report(::sendto(fd, send.payload.data(), send.payload.size(), 0,
                      reinterpret_cast<const sockaddr*>(&it->second), len),
             send.to);
      return;
    }
    send_multicast_v4(send.payload);
    if (v6_.fd >= 0)
      send_multicast_v6(send.payload);
  }

  std::vector<std::string> take_notes() { return std::exchange(notes_, {}); }

 private:
  Result<void> open_v6() {
    v6_ = Fd(::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (v6_.fd < 0)
      return fail(std::string("socket (IPv6): ") + std::strerror(errno));
    const int on = 1;
    ::setsockopt(v6_.fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    ::setsockopt(v6_.fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    local.sin6_port = htons(options_.port);
    local.sin6_addr = in6addr_any;
    if (::bind(v6_.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return fail("bind [::]:" + std::to_string(options_.port) + ": " + std::strerror(errno));
    for (const auto& i : interfaces_) {
      if (!i.has_v6)
        continue;
      ipv6_mreq req{};
      ::inet_pton(AF_INET6, kGroupV6, &req.ipv6mr_multiaddr);
      req.ipv6mr_interface = i.index;
      // ff02::1 is joined by every host anyway; EADDRINUSE only means "already a member".
      if (::setsockopt(v6_.fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &req, sizeof req) == 0 ||
          errno == EADDRINUSE) {
        joined_v6_.push_back(i.index);
        notes_.push_back("joined " + std::string(kGroupV6) + " on " + i.name);
      }
    }
    return {};
  }

  std::optional<LanDatagram> receive_one(int fd) {
    std::uint8_t buffer[2048];
    sockaddr_storage from{};
    alignas(cmsghdr) char control[256];
    iovec iov{buffer, sizeof buffer};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, 0);
    if (n < 0)
      return std::nullopt;
    LanDatagram d;
    d.payload.assign(buffer, buffer + n);
    if (msg.msg_flags & MSG_TRUNC)
      d.payload.push_back(0);  // an oversized datagram must not look well-formed
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        d.multicast = IN_MULTICAST(ntohl(info.ipi_addr.s_addr));
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        d.multicast = IN6_IS_ADDR_MULTICAST(&info.ipi6_addr);
      }
    }
    d.peer = peer_name(from);
    peers_[d.peer] = from;
    return d;
  }

  void send_multicast_v4(const Bytes& payload) {
    sockaddr_in group{};
    group.sin_family = AF_INET;
    group.sin_port = htons(options_.port);
    ::inet_pton(AF_INET, kGroupV4, &group.sin_addr);
    std::vector<unsigned> via = joined_v4_;
    if (via.empty())
      via.push_back(0);  // no membership: let the routing table pick
    for (unsigned index : via) {
      if (index != 0) {
        ip_mreqn req{};
        req.imr_ifindex = static_cast<int>(index);
        ::setsockopt(v4_.fd, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof req);
      }
      report(::sendto(v4_.fd, payload.data(), payload.size(), 0,
                      reinterpret_cast<const sockaddr*>(&group), sizeof group),
             kGroupV4);
    }
  }

  void send_multicast_v6(const Bytes& payload) {
    for (unsigned index : joined_v6_) {
      sockaddr_in6 group{};
      group.sin6_family = AF_INET6;
      group.sin6_port = htons(options_.port);
      group.sin6_scope_id = index;
      ::inet_pton(AF_INET6, kGroupV6, &group.sin6_addr);
      ::setsockopt(v6_.fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
      report(::sendto(v6_.fd, payload.data(), payload.size(), 0,
                      reinterpret_cast<const sockaddr*>(&group), sizeof group),
             kGroupV6);
    }
  }

  void report(ssize_t sent, const std::string& to) {
    if (sent < 0)
      notes_.push_back("send to " + to + " failed: " + std::strerror(errno));
  }

  LanOptions options_;
  std::vector<Interface> interfaces_;
  Fd v4_;
  Fd group_v4_;
  Fd v6_;
  std::vector<unsigned> joined_v4_;
  std::vector<unsigned> joined_v6_;
  std::map<std::string, sockaddr_storage> peers_;
  std::vector<std::string> notes_;
};

}  // namespace

// Entry from sim_main.cpp for `hems2mqtt-sim lan ARGS`.
int run_lan_mode(const std::vector<std::string>& args) {
  if (std::ranges::find(args, "--help") != args.end()) {
    std::fputs(lan_usage_text().c_str(), stdout);
    return 0;
  }
  auto parsed = parse_lan_options(args);
  if (!parsed) {
    std::fprintf(stderr, "hems2mqtt-sim lan: %s\n%s", parsed.error().message.c_str(),
                 lan_usage_text().c_str());
    return 2;
  }
  LanOptions options = *parsed;
  if (!options.start_hour)
    options.start_hour = local_hour_now();

  install_stop_signals();
  LanShell shell(options);
  auto ready = shell.open();
  for (const auto& note : shell.take_notes())
    print(note);
  if (!ready) {
    std::fprintf(stderr, "hems2mqtt-sim lan: %s\n", ready.error().message.c_str());
    return 1;
  }
  LanNode node(options, Clock::now());
  print("READY lan " + *ready);

  bool stdin_open = true;
  std::string stdin_buffer;
  while (!stop_requested() && !node.quit_requested()) {
    std::vector<pollfd> fds;
    if (stdin_open)
      fds.push_back(pollfd{STDIN_FILENO, POLLIN, 0});
    shell.add_poll_fds(fds);
    auto now = Clock::now();
    int timeout = 1000;
    if (auto wake = node.next_wakeup()) {
      const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wake - now).count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, timeout));
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR)
      break;
    now = Clock::now();
    if (stdin_open && (fds[0].revents & (POLLIN | POLLHUP))) {
      char buf[512];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;  // keep serving; a closed stdin is normal under a test harness
      } else {
        stdin_buffer.append(buf, static_cast<std::size_t>(n));
        std::size_t eol;
        while ((eol = stdin_buffer.find('\n')) != std::string::npos) {
          node.console(stdin_buffer.substr(0, eol), now);
          stdin_buffer.erase(0, eol + 1);
        }
      }
    }
    for (const auto& datagram : shell.receive(fds))
      node.receive(datagram, now);
    for (const auto& send : node.take_sends(now))
      shell.send(send);
    for (const auto& line : node.take_log())
      print(line);
    for (const auto& note : shell.take_notes())
      print(note);
  }
  for (const auto& line : node.take_log())
    print(line);
  print("exiting");
  return 0;
}
