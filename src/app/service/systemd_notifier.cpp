// The ServiceNotifier for systemd, through libsystemd's sd_notify (the datagram protocol of
// sd_notify(3): "READY=1", "WATCHDOG=1", ... to the socket named by NOTIFY_SOCKET).
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "hems/app/log.hpp"
#include "hems/app/service_notifier.hpp"

namespace hems::app {
namespace {

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
    // sd_watchdog_enabled checks WATCHDOG_PID too, so a child that inherited the variables of
    // its parent's watchdog does not ping on its behalf.
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
      const auto half = std::chrono::duration_cast<Duration>(std::chrono::microseconds(usec / 2));
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
    const int result = sd_notify(0, state.c_str());
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
