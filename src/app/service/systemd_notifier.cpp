// The ServiceNotifier for systemd: the datagram protocol of sd_notify(3), "READY=1",
// "WATCHDOG=1", ... sent to the AF_UNIX socket named by NOTIFY_SOCKET.
//
// Spoken here rather than through libsystemd: the protocol is one datagram, and libsystemd
// brought six more shared libraries with it (libgcrypt, libgpg-error, liblz4, liblzma, libzstd,
// libcap), about 0.8 MB of the daemon's resident memory, for this one call.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "hems/app/log.hpp"
#include "hems/app/service_notifier.hpp"

namespace hems::app {
namespace {

std::optional<std::uint64_t> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr)
    return std::nullopt;
  const std::string_view view(text);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc{} || end != view.data() + view.size() || view.empty())
    return std::nullopt;
  return value;
}

// The watchdog timeout the service manager asked of this process (WATCHDOG_USEC), or nullopt.
// A WATCHDOG_PID naming another process means the variables were inherited from a parent whose
// watchdog this is not.
std::optional<std::uint64_t> watchdog_usec() {
  const auto usec = env_number("WATCHDOG_USEC");
  if (!usec || *usec == 0)
    return std::nullopt;
  if (std::getenv("WATCHDOG_PID") != nullptr) {
    const auto pid = env_number("WATCHDOG_PID");
    if (!pid || *pid != static_cast<std::uint64_t>(::getpid()))
      return std::nullopt;
  }
  return usec;
}

// Sends one notification; 0 or a negative errno, as sd_notify(3) returns. A socket name that
// starts with '@' is in the abstract namespace (the '@' stands for a leading NUL byte).
int notify(const std::string& state) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr || *name == '\0')
    return 0;
  const std::string_view path(name);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((path.front() != '/' && path.front() != '@') || path.size() >= sizeof address.sun_path)
    return -EINVAL;
  std::memcpy(address.sun_path, path.data(), path.size());
  if (path.front() == '@')
    address.sun_path[0] = '\0';
  // An abstract name is exactly as long as given; a path ends at its NUL.
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                             (path.front() == '@' ? 0 : 1));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  const int result = sent < 0 ? -errno : 0;
  ::close(fd);
  return result;
}

// Outside systemd: nothing listens, nothing is sent.
class NoServiceManager final : public ServiceNotifier {
 public:
  bool enabled() const override { return false; }
  void ready() override {}
  void alive() override {}
  void stopping() override {}
  void status(const std::string&) override {}
  std::optional<Duration> watchdog_interval() const override { return std::nullopt; }
};

class SystemdNotifier final : public ServiceNotifier {
 public:
  SystemdNotifier() {
    // WATCHDOG_PID is checked too, so a child that inherited the variables of its parent's
    // watchdog does not ping on its behalf.
    if (const auto usec = watchdog_usec()) {
      const auto half = std::chrono::duration_cast<Duration>(
          std::chrono::microseconds(static_cast<std::int64_t>(*usec / 2)));
      // A timer that fires back to back would starve the loop; nobody asks for less anyway.
      watchdog_interval_ = std::max(half, Duration(10));
    }
  }

  bool enabled() const override { return true; }
  void ready() override { send("READY=1"); }
  void alive() override { send("WATCHDOG=1"); }
  void stopping() override { send("STOPPING=1"); }
  void status(const std::string& text) override {
    std::string line = text;
    std::replace(line.begin(), line.end(), '\n', ' ');  // a newline would start another field
    send("STATUS=" + line);
  }
  std::optional<Duration> watchdog_interval() const override { return watchdog_interval_; }

 private:
  void send(const std::string& state) {
    const int result = notify(state);
    if (result >= 0) {
      failing_ = false;
      return;
    }
    // Said once per run of failures: under a watchdog this repeats every few seconds.
    if (!failing_) {
      log(Level::warning, "cannot notify the service manager through NOTIFY_SOCKET (" +
                              std::string(std::strerror(-result)) +
                              "); with Type=notify or a watchdog systemd will stop the service");
    }
    failing_ = true;
  }

  std::optional<Duration> watchdog_interval_;
  bool failing_ = false;
};

}  // namespace

std::unique_ptr<ServiceNotifier> make_service_notifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0')
    return std::make_unique<NoServiceManager>();
  return std::make_unique<SystemdNotifier>();
}

}  // namespace hems::app
