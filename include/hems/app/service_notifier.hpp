#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hems/common/time.hpp"

namespace hems::app {

// What the daemon tells the service manager that started it: that it is ready, that its loop is
// alive, that it is stopping, and a one-line status for `systemctl status`. The loop code talks
// to this interface and never to libsystemd, so tests can watch it and a run outside systemd
// (Docker, a terminal) pays nothing.
class ServiceNotifier {
 public:
  virtual ~ServiceNotifier() = default;

  // False when no service manager listens (NOTIFY_SOCKET unset): every call below does nothing.
  virtual bool enabled() const = 0;
  virtual void ready() = 0;                          // READY=1
  virtual void alive() = 0;                          // WATCHDOG=1
  virtual void stopping() = 0;                       // STOPPING=1
  virtual void status(const std::string& text) = 0;  // STATUS=<text>, one line
  // How often alive() must be called: half of the watchdog timeout the manager asked for, so one
  // late round of the loop does not count as a hang. nullopt when it asked for no watchdog, or
  // asked a different process (WATCHDOG_PID).
  virtual std::optional<Duration> watchdog_interval() const = 0;
};

// systemd's notification socket when NOTIFY_SOCKET is set; otherwise a notifier that is not
// enabled. Reads the environment once, here.
std::unique_ptr<ServiceNotifier> make_service_notifier();

}  // namespace hems::app
