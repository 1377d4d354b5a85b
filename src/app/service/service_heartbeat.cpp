#include "hems/app/service_heartbeat.hpp"

#include <utility>

namespace hems::app {

ServiceHeartbeat::ServiceHeartbeat(io::EventLoop& loop, ServiceNotifier& notifier,
                                   std::function<std::string()> status, Duration status_period)
    : loop_(loop), notifier_(notifier), status_(std::move(status)), status_period_(status_period) {}

ServiceHeartbeat::~ServiceHeartbeat() {
  if (watchdog_timer_)
    loop_.cancel(*watchdog_timer_);
  if (status_timer_)
    loop_.cancel(*status_timer_);
}

void ServiceHeartbeat::start() {
  if (started_ || !notifier_.enabled())
    return;
  started_ = true;
  // Posted, not called: READY=1 must come from the running loop.
  loop_.post([this] { on_loop_running(); });
}

void ServiceHeartbeat::on_loop_running() {
  if (stopping_)
    return;
  notifier_.ready();
  refresh_status();
  if (notifier_.watchdog_interval())
    ping();
}

void ServiceHeartbeat::ping() {
  watchdog_timer_.reset();
  if (stopping_)
    return;
  notifier_.alive();
  watchdog_timer_ = loop_.call_after(*notifier_.watchdog_interval(), [this] { ping(); });
}

void ServiceHeartbeat::refresh_status() {
  status_timer_.reset();
  if (stopping_)
    return;
  if (status_) {
    std::string now = status_();
    if (now != last_status_) {
      notifier_.status(now);
      last_status_ = std::move(now);
    }
  }
  status_timer_ = loop_.call_after(status_period_, [this] { refresh_status(); });
}

void ServiceHeartbeat::stopping() {
  if (stopping_)
    return;
  stopping_ = true;
  if (watchdog_timer_)
    loop_.cancel(*watchdog_timer_);
  if (status_timer_)
    loop_.cancel(*status_timer_);
  watchdog_timer_.reset();
  status_timer_.reset();
  if (!notifier_.enabled())
    return;
  notifier_.status("shutting down");
  notifier_.stopping();
}

}  // namespace hems::app
