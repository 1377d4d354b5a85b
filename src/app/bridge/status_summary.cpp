// The bridge's state in one line, for `systemctl status` (the service manager's STATUS=).
#include "hems/app/bridge.hpp"

namespace hems::app {

std::string Bridge::status_summary() const {
  std::string summary;
  if (stopping_)
    return "shutting down";
  if (config_.meter.enabled) {
    summary += "meter ";
    summary += wisun::to_string(session_.status().state);
    if (meter_online_)
      summary += " and reading";
    summary += ", ";
  }
  if (lan_)
    summary += "LAN on, ";
  summary += mqtt_connected_ ? "MQTT connected" : "MQTT not connected";
  return summary;
}

}  // namespace hems::app
