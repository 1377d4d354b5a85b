#include "netns.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace hems::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNetnsDir = "/var/run/netns/";
constexpr const char* kBridge = "br0";
constexpr const char* kRoutedBridge = "br1";
constexpr const char* kRoutedSubnetRouter = "198.51.100.254";
constexpr std::size_t kMaxNodes = 100;  // keeps 192.0.2.(11 + I) inside the /24

struct CommandResult {
  int status = -1;     // exit status, or -1 when it could not run or had to be killed
  std::string output;  // stdout and stderr together
};

// The `ip` binary by absolute path: ChildProcess execs without a PATH search, and test runners
// do not always put sbin directories on PATH.
const std::string& ip_path() {
  static const std::string path = [] {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("PATH")) {
      std::stringstream ss(env);
      for (std::string dir; std::getline(ss, dir, ':');)
        dirs.push_back(dir);
    }
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"})
      dirs.emplace_back(dir);
    for (const auto& dir : dirs) {
      const std::string candidate = dir + "/ip";
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    return std::string();
  }();
  return path;
}

// Runs a short administrative command to completion, bounded so a wedged tool cannot hang the
// test run.
CommandResult run_command(const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = 30s) {
  CommandResult result;
  std::vector<std::string> strings = args;
  std::vector<char*> argv;
  for (auto& s : strings)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    result.output = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    result.output = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
      ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(out[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (true) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      continue;  // the deadline check above ends the loop
    char buffer[4096];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (timed_out)
    ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.output += "\n(killed after " + std::to_string(timeout.count()) + " ms)";
  } else if (WIFEXITED(status)) {
    result.status = WEXITSTATUS(status);
  }
  return result;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

// `ip ARGS...`; nullopt on success, else what went wrong.
std::optional<std::string> try_ip(std::vector<std::string> args) {
  args.insert(args.begin(), ip_path());
  const CommandResult r = run_command(args);
  if (r.status == 0)
    return std::nullopt;
  return join(args) + " failed (status " + std::to_string(r.status) + "): " + r.output;
}

void ip(std::vector<std::string> args) {
  if (auto error = try_ip(std::move(args)))
    throw std::runtime_error(*error);
}

std::string ip_output(std::vector<std::string> args) {
  args.insert(args.begin(), ip_path());
  const CommandResult r = run_command(args);
  if (r.status != 0)
    throw std::runtime_error(join(args) + " failed: " + r.output);
  return r.output;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);)
    out.push_back(line);
  return out;
}

// The namespace names `ip netns list` shows ("name" or "name (id: N)").
std::vector<std::string> existing_namespaces() {
  std::vector<std::string> out;
  const CommandResult r = run_command({ip_path(), "netns", "list"});
  for (const auto& line : lines_of(r.output)) {
    const std::string name = line.substr(0, line.find(' '));
    if (!name.empty())
      out.push_back(name);
  }
  return out;
}

// Kills whatever still runs inside `ns` (a namespace lives on while processes use it), then
// removes its name. Best effort: teardown must go on past any single failure.
void delete_namespace(const std::string& ns) {
  const CommandResult pids = run_command({ip_path(), "netns", "pids", ns});
  for (const auto& line : lines_of(pids.output)) {
    int pid = 0;
    const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
    if (ec == std::errc{} && pid > 1 && pid != ::getpid())
      ::kill(pid, SIGKILL);
  }
  run_command({ip_path(), "netns", "delete", ns});
}

// The pid in a "hems-<pid>-..." name, or nullopt for names that are not ours.
std::optional<pid_t> owner_of(const std::string& name) {
  constexpr std::string_view kPrefix = "hems-";
  if (!name.starts_with(kPrefix))
    return std::nullopt;
  const char* begin = name.data() + kPrefix.size();
  const char* end = name.data() + name.size();
  pid_t pid = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc{} || ptr == end || *ptr != '-')
    return std::nullopt;
  return pid;
}

// Namespaces left behind by test runs that crashed: their owning process no longer exists.
// Namespaces of live runs (parallel ctest jobs) are left alone.
void remove_orphaned_namespaces() {
  for (const auto& name : existing_namespaces()) {
    const auto owner = owner_of(name);
    if (!owner || *owner == ::getpid())
      continue;
    if (::kill(*owner, 0) == 0 || errno == EPERM)
      continue;
    delete_namespace(name);
  }
}

std::string probe_namespaces() {
  if (::geteuid() != 0)
    return "needs root for network namespaces (uid " + std::to_string(::geteuid()) + ")";
  if (ip_path().empty())
    return "the ip tool (iproute2) is not installed";
  const std::string ns = "hems-" + std::to_string(::getpid()) + "-probe";
  delete_namespace(ns);
  if (auto error = try_ip({"netns", "add", ns}))
    return "no network namespace support: " + *error;
  std::string reason;
  if (auto error = try_ip({"-n", ns, "link", "add", "probe-br", "type", "bridge"})) {
    reason = "no Linux bridge support: " + *error;
  } else if (auto veth = try_ip(
                 {"-n", ns, "link", "add", "probe-a", "type", "veth", "peer", "name", "probe-b"})) {
    reason = "no veth support: " + *veth;
  } else if (auto exec = try_ip({"netns", "exec", ns, ip_path(), "link", "set", "lo", "up"})) {
    reason = "ip netns exec does not work here: " + *exec;
  }
  delete_namespace(ns);
  return reason;
}

// "inet 192.0.2.11/24 brd ..." → "192.0.2.11": the word after `keyword`, up to the slash.
std::string address_after(const std::string& line, const std::string& keyword) {
  const auto at = line.find(keyword + " ");
  if (at == std::string::npos)
    return {};
  const auto start = at + keyword.size() + 1;
  const auto end = line.find_first_of("/ ", start);
  return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string with_prefix_length(const std::string& ipv4) {
  return ipv4.find('/') == std::string::npos ? ipv4 + "/24" : ipv4;
}

void set_option(int fd, int level, int name, const void* value, socklen_t size, const char* what) {
  if (::setsockopt(fd, level, name, value, size) != 0)
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

std::string NetnsRig::skip_reason() {
  static const std::string reason = probe_namespaces();
  return reason;
}

NetnsRig::NetnsRig(std::size_t nodes) {
  static std::atomic<unsigned> counter{0};
  prefix_ = "hems-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  try {
    build(nodes);
  } catch (...) {
    teardown();
    throw;
  }
}

NetnsRig::~NetnsRig() {
  teardown();
}

void NetnsRig::build(std::size_t nodes) {
  if (nodes > kMaxNodes)
    throw std::runtime_error("NetnsRig supports at most 100 nodes");
  static std::once_flag orphans_removed;
  std::call_once(orphans_removed, remove_orphaned_namespaces);
  // A crashed run with our pid may have left names we are about to use.
  for (const auto& name : existing_namespaces()) {
    if (name.starts_with(prefix_ + "-"))
      delete_namespace(name);
  }

  bridge_ns_ = prefix_ + "-br";
  ip({"netns", "add", bridge_ns_});
  created_.push_back(bridge_ns_);
  ip({"-n", bridge_ns_, "link", "set", "lo", "up"});
  // No snooping: multicast must not depend on whether an IGMP/MLD report was seen yet.
  ip({"-n", bridge_ns_, "link", "add", kBridge, "type", "bridge", "forward_delay", "0",
      "mcast_snooping", "0"});
  ip({"-n", bridge_ns_, "link", "set", kBridge, "up"});

  add_endpoint(prefix_ + "-c", "vc");
  ip({"-n", controller(), "addr", "add", std::string(kControllerIpv4) + "/24", "dev", kInterface});
  for (std::size_t i = 0; i < nodes; ++i) {
    add_endpoint(prefix_ + "-n" + std::to_string(i), "vn" + std::to_string(i));
    ip({"-n", node(i), "addr", "add", "192.0.2." + std::to_string(11 + i) + "/24", "dev",
        kInterface});
  }
  wait_ipv6_ready(15s);
}

void NetnsRig::add_endpoint(const std::string& ns, const std::string& bridge_port) {
  ip({"netns", "add", ns});
  created_.push_back(ns);
  endpoints_.push_back(ns);
  ip({"-n", bridge_ns_, "link", "add", bridge_port, "type", "veth", "peer", "name", kInterface,
      "netns", ns});
  ip({"-n", bridge_ns_, "link", "set", bridge_port, "master", kBridge, "up"});
  // Some hosts turn IPv6 off by default for new namespaces; these links always have it. The
  // sysctl files under /proc/sys/net belong to the namespace of the thread that opens them.
  run_in_namespace(ns, [] {
    std::ofstream(std::string("/proc/sys/net/ipv6/conf/") + kInterface + "/disable_ipv6") << "0\n";
  });
  ip({"-n", ns, "link", "set", "lo", "up"});
  ip({"-n", ns, "link", "set", kInterface, "multicast", "on", "up"});
}

// Until duplicate-address detection finishes, a link-local address is "tentative" and cannot be
// bound or used as a source, so IPv6 tests would race it.
void NetnsRig::wait_ipv6_ready(std::chrono::milliseconds timeout) const {
  if (!std::filesystem::exists("/proc/sys/net/ipv6"))
    return;  // no IPv6 in this kernel: the IPv6 tests skip on an empty ipv6_link_local()
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& ns : endpoints_) {
    while (ipv6_link_local(ns).empty()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("no usable IPv6 link-local address in " + ns + ": " +
                                 ip_output({"-n", ns, "-6", "addr", "show", "dev", kInterface}));
      }
      std::this_thread::sleep_for(50ms);  // polling interval, not a synchronisation
    }
  }
}

void NetnsRig::teardown() noexcept {
  try {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it)
      delete_namespace(*it);
  } catch (...) {
    // Nothing more can be done in a destructor; a later run removes what is left.
  }
  created_.clear();
}

std::vector<std::string> NetnsRig::namespaces() const {
  return created_;
}

std::string NetnsRig::ipv4(const std::string& ns) const {
  for (const auto& line :
       lines_of(ip_output({"-n", ns, "-4", "-o", "addr", "show", "dev", kInterface}))) {
    if (auto address = address_after(line, "inet"); !address.empty())
      return address;
  }
  return {};
}

std::string NetnsRig::ipv6_link_local(const std::string& ns) const {
  for (const auto& line : lines_of(
           ip_output({"-n", ns, "-6", "-o", "addr", "show", "dev", kInterface, "scope", "link"}))) {
    if (line.find("tentative") != std::string::npos || line.find("dadfailed") != std::string::npos)
      continue;
    if (auto address = address_after(line, "inet6"); !address.empty())
      return address;
  }
  return {};
}

std::unique_ptr<ChildProcess> NetnsRig::run_in(const std::string& ns, const std::string& program,
                                               const std::vector<std::string>& args,
                                               std::map<std::string, std::string> env) const {
  std::vector<std::string> full{"netns", "exec", ns, program};
  full.insert(full.end(), args.begin(), args.end());
  return std::make_unique<ChildProcess>(ip_path(), std::move(full), std::move(env));
}

std::string NetnsRig::add_routed_node() {
  if (routed_.empty()) {
    // The router: the bridge namespace gets an address on each subnet and forwards between them.
    ip({"-n", bridge_ns_, "addr", "add", std::string(kRouterIpv4) + "/24", "dev", kBridge});
    ip({"-n", bridge_ns_, "link", "add", kRoutedBridge, "type", "bridge", "forward_delay", "0"});
    ip({"-n", bridge_ns_, "addr", "add", std::string(kRoutedSubnetRouter) + "/24", "dev",
        kRoutedBridge});
    ip({"-n", bridge_ns_, "link", "set", kRoutedBridge, "up"});
    run_in_namespace(bridge_ns_, [] { std::ofstream("/proc/sys/net/ipv4/ip_forward") << "1\n"; });
    ip({"-n", controller(), "route", "add", "198.51.100.0/24", "via", kRouterIpv4});
  }
  const std::string index = std::to_string(routed_.size());
  const std::string ns = prefix_ + "-r" + index;
  const std::string port = "vr" + index;
  ip({"netns", "add", ns});
  created_.push_back(ns);
  routed_.push_back(ns);
  ip({"-n", bridge_ns_, "link", "add", port, "type", "veth", "peer", "name", kInterface, "netns",
      ns});
  ip({"-n", bridge_ns_, "link", "set", port, "master", kRoutedBridge, "up"});
  ip({"-n", ns, "link", "set", "lo", "up"});
  ip({"-n", ns, "link", "set", kInterface, "multicast", "on", "up"});
  ip({"-n", ns, "addr", "add", "198.51.100." + std::to_string(11 + routed_.size() - 1) + "/24",
      "dev", kInterface});
  ip({"-n", ns, "route", "add", "default", "via", kRoutedSubnetRouter});
  return ns;
}

void NetnsRig::move_address(const std::string& ns, const std::string& new_ipv4) {
  ip({"-n", ns, "-4", "addr", "flush", "dev", kInterface});
  ip({"-n", ns, "addr", "add", with_prefix_length(new_ipv4), "dev", kInterface});
}

void run_in_namespace(const std::string& ns, const std::function<void()>& fn) {
  std::exception_ptr error;
  // setns() switches only the calling thread, so a throwaway thread keeps the test's own
  // thread in the host namespace.
  std::thread helper([&] {
    try {
      const std::string path = kNetnsDir + ns;
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        throw std::runtime_error("open " + path + ": " + std::strerror(errno));
      const int entered = ::setns(fd, CLONE_NEWNET);
      const int saved_errno = errno;
      ::close(fd);
      if (entered != 0)
        throw std::runtime_error("setns " + ns + ": " + std::strerror(saved_errno));
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  helper.join();
  if (error)
    std::rethrow_exception(error);
}

NetnsUdpSocket::NetnsUdpSocket(const std::string& ns, Family family, std::uint16_t port,
                               const std::string& interface, const std::string& group)
    : family_(family) {
  try {
    open(ns, port, interface, group);
  } catch (...) {
    if (fd_ >= 0)
      ::close(fd_);
    throw;
  }
}

void NetnsUdpSocket::open(const std::string& ns, std::uint16_t port, const std::string& interface,
                          const std::string& group) {
  const Family family = family_;
  run_in_namespace(ns, [&] {
    interface_index_ = ::if_nametoindex(interface.c_str());
    if (interface_index_ == 0)
      throw std::runtime_error("no interface " + interface + " in " + ns);
    const int domain = family == Family::ipv4 ? AF_INET : AF_INET6;
    fd_ = ::socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
      throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int on = 1;
    const int off = 0;
    if (family == Family::ipv4) {
      set_option(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on, "IP_PKTINFO");
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_port = htons(port);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        throw std::runtime_error("bind 0.0.0.0:" + std::to_string(port) + " in " + ns + ": " +
                                 std::strerror(errno));
      }
      ip_mreqn membership{};
      if (::inet_pton(AF_INET, group.c_str(), &membership.imr_multiaddr) != 1)
        throw std::runtime_error(group + " is not an IPv4 group");
      membership.imr_ifindex = static_cast<int>(interface_index_);
      set_option(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership,
                 "IP_ADD_MEMBERSHIP");
      ip_mreqn out_interface{};
      out_interface.imr_ifindex = static_cast<int>(interface_index_);
      set_option(fd_, IPPROTO_IP, IP_MULTICAST_IF, &out_interface, sizeof out_interface,
                 "IP_MULTICAST_IF");
      set_option(fd_, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off, "IP_MULTICAST_LOOP");
    } else {
      set_option(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on, "IPV6_V6ONLY");
      set_option(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on, "IPV6_RECVPKTINFO");
      sockaddr_in6 local{};
      local.sin6_family = AF_INET6;
      local.sin6_port = htons(port);
      local.sin6_addr = in6addr_any;
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        throw std::runtime_error("bind [::]:" + std::to_string(port) + " in " + ns + ": " +
                                 std::strerror(errno));
      }
      ipv6_mreq membership{};
      if (::inet_pton(AF_INET6, group.c_str(), &membership.ipv6mr_multiaddr) != 1)
        throw std::runtime_error(group + " is not an IPv6 group");
      membership.ipv6mr_interface = interface_index_;
      // Every host is in ff02::1 already; EADDRINUSE only says so.
      if (::setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &membership, sizeof membership) != 0 &&
          errno != EADDRINUSE) {
        throw std::runtime_error(std::string("IPV6_JOIN_GROUP: ") + std::strerror(errno));
      }
      set_option(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, &interface_index_, sizeof interface_index_,
                 "IPV6_MULTICAST_IF");
      set_option(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off, "IPV6_MULTICAST_LOOP");
    }
  });
}

NetnsUdpSocket::~NetnsUdpSocket() {
  if (fd_ >= 0)
    ::close(fd_);
}

void NetnsUdpSocket::send_to(ByteView payload, const std::string& address, std::uint16_t port) {
  sockaddr_storage to{};
  socklen_t length = 0;
  if (family_ == Family::ipv4) {
    auto& a = reinterpret_cast<sockaddr_in&>(to);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
      throw std::runtime_error(address + " is not an IPv4 address");
    length = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in6&>(to);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    if (::inet_pton(AF_INET6, address.c_str(), &a.sin6_addr) != 1)
      throw std::runtime_error(address + " is not an IPv6 address");
    if (IN6_IS_ADDR_LINKLOCAL(&a.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&a.sin6_addr))
      a.sin6_scope_id = interface_index_;
    length = sizeof a;
  }
  const ssize_t sent =
      ::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), length);
  if (sent != static_cast<ssize_t>(payload.size()))
    throw std::runtime_error("send to " + address + ": " + std::strerror(errno));
}

std::optional<NetnsDatagram> NetnsUdpSocket::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return std::nullopt;
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
    const ssize_t n = ::recvmsg(fd_, &msg, 0);
    if (n < 0)
      continue;
    NetnsDatagram d;
    d.payload.assign(buffer, buffer + n);
    char text[INET6_ADDRSTRLEN] = {};
    if (from.ss_family == AF_INET) {
      const auto& a = reinterpret_cast<const sockaddr_in&>(from);
      ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
      d.from_port = ntohs(a.sin_port);
    } else {
      const auto& a = reinterpret_cast<const sockaddr_in6&>(from);
      ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
      d.from_port = ntohs(a.sin6_port);
    }
    d.from = text;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      char to_text[INET6_ADDRSTRLEN] = {};
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        ::inet_ntop(AF_INET, &info.ipi_addr, to_text, sizeof to_text);
        d.to = to_text;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        ::inet_ntop(AF_INET6, &info.ipi6_addr, to_text, sizeof to_text);
        d.to = to_text;
      }
    }
    return d;
  }
}

NetnsTcpForward::NetnsTcpForward(const std::string& ns, std::uint16_t target_port,
                                 std::uint16_t listen_port)
    : target_port_(target_port) {
  if (::pipe2(wake_, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  try {
    run_in_namespace(ns, [&] {
      listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (listen_fd_ < 0)
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
      const int on = 1;
      set_option(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on, "SO_REUSEADDR");
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_port = htons(listen_port);
      local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t length = sizeof local;
      if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&local), length) != 0 ||
          ::listen(listen_fd_, 8) != 0 ||
          ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
        throw std::runtime_error("listen on 127.0.0.1:" + std::to_string(listen_port) + " in " +
                                 ns + ": " + std::strerror(errno));
      }
      port_ = ntohs(local.sin_port);
    });
  } catch (...) {
    for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
      if (fd >= 0)
        ::close(fd);
    }
    throw;
  }
  thread_ = std::thread([this] { relay(); });
}

NetnsTcpForward::~NetnsTcpForward() {
  const char stop = 'x';
  [[maybe_unused]] const ssize_t n = ::write(wake_[1], &stop, 1);
  thread_.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]})
    ::close(fd);
}

void NetnsTcpForward::relay() {
  struct Link {
    int inside;
    int outside;
  };
  std::vector<Link> links;
  auto close_link = [](const Link& link) {
    ::close(link.inside);
    ::close(link.outside);
  };
  // Copies what `from` has to `to`; false when either side is finished.
  auto pass = [](int from, int to) {
    char buffer[16384];
    const ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n <= 0)
      return n < 0 && errno == EINTR;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::send(to, buffer + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return false;
      done += w;
    }
    return true;
  };
  while (true) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& link : links) {
      fds.push_back({link.inside, POLLIN, 0});
      fds.push_back({link.outside, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[0].revents != 0)
      break;
    std::vector<Link> kept;
    for (std::size_t i = 0; i < links.size(); ++i) {
      const pollfd& in = fds[2 + 2 * i];
      const pollfd& out = fds[3 + 2 * i];
      bool alive = true;
      if (in.revents != 0)
        alive = pass(links[i].inside, links[i].outside);
      if (alive && out.revents != 0)
        alive = pass(links[i].outside, links[i].inside);
      if (alive) {
        kept.push_back(links[i]);
      } else {
        close_link(links[i]);
      }
    }
    links = std::move(kept);
    if (fds[1].revents & POLLIN) {
      const int inside = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (inside >= 0) {
        // This thread never left the test's namespace, so this socket lives outside.
        const int outside = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in target{};
        target.sin_family = AF_INET;
        target.sin_port = htons(target_port_);
        target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (outside >= 0 &&
            ::connect(outside, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0) {
          links.push_back({inside, outside});
          ++accepted_;
        } else {
          ::close(inside);  // refused outside: refuse inside too, by closing at once
          if (outside >= 0)
            ::close(outside);
        }
      }
    }
  }
  for (const auto& link : links)
    close_link(link);
}

}  // namespace hems::testing
