#pragma once

#include <functional>
#include <optional>
#include <string>

#include "hems/app/service_notifier.hpp"
#include "hems/common/time.hpp"
#include "hems/io/event_loop.hpp"

namespace hems::app {

// Keeps the service manager informed from inside the event loop. READY=1 is sent from the loop's
// first round, so "ready" means the configuration is loaded and the loop turns. WATCHDOG=1 comes
// from a loop timer: a loop stuck in a callback stops the pings and the manager restarts the
// daemon, which is the point of the watchdog (a ping from another thread would hide the hang).
// STATUS= is refreshed when the summary changes. Does nothing when the notifier is not enabled.
class ServiceHeartbeat {
 public:
  // `status` gives the current one-line summary; it runs on the loop thread.
  ServiceHeartbeat(io::EventLoop& loop, ServiceNotifier& notifier,
                   std::function<std::string()> status, Duration status_period = seconds(5));
  ~ServiceHeartbeat();
  ServiceHeartbeat(const ServiceHeartbeat&) = delete;
  ServiceHeartbeat& operator=(const ServiceHeartbeat&) = delete;

  void start();     // before or while the loop runs; the notifications follow from inside it
  void stopping();  // on the loop thread: STOPPING=1, and no more pings or status updates

 private:
  void on_loop_running();
  void ping();
  void refresh_status();

  io::EventLoop& loop_;
  ServiceNotifier& notifier_;
  std::function<std::string()> status_;
  Duration status_period_;
  std::optional<io::EventLoop::TimerId> watchdog_timer_;
  std::optional<io::EventLoop::TimerId> status_timer_;
  std::optional<std::string> last_status_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace hems::app
