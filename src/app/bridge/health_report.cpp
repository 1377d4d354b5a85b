#include "hems/app/health_report.hpp"

#include <cmath>
#include <vector>

namespace hems::app {
namespace {

using nlohmann::json;

json ok() {
  return json{{"status", "ok"}};
}

json disabled() {
  return json{{"status", "disabled"}};
}

// Marks `part` as a problem and remembers why, for the envelope's error text.
void problem(json& part, const std::string& name, const std::string& reason,
             std::vector<std::string>& reasons) {
  part["status"] = "problem";
  part["reason"] = reason;
  reasons.push_back(name + ": " + reason);
}

}  // namespace

std::int64_t stale_reading_after_s(int instant_interval_s, int request_tries,
                                   double response_timeout_s) {
  const double unanswered = 2.0 * request_tries * response_timeout_s;
  return instant_interval_s + static_cast<std::int64_t>(std::ceil(unanswered));
}

HealthReport health_report(const HealthFacts& facts) {
  std::vector<std::string> reasons;

  json mqtt = ok();
  if (!facts.mqtt_connected)
    problem(mqtt, "mqtt", "not connected to the broker", reasons);

  json link = disabled();
  json reading = disabled();
  if (facts.meter_enabled) {
    link = ok();
    link["state"] = facts.link_state;
    if (!facts.link_up)
      problem(link, "meter_link", "the B-route link is " + facts.link_state, reasons);
    reading = ok();
    reading["value"] = facts.last_reading_age_s ? json(*facts.last_reading_age_s) : json(nullptr);
    reading["stale_after_s"] = facts.stale_after_s;
    if (!facts.last_reading_age_s) {
      problem(reading, "last_reading_age_s", "no reading from the meter yet", reasons);
    } else if (*facts.last_reading_age_s > facts.stale_after_s) {
      problem(reading, "last_reading_age_s",
              "the last reading is " + std::to_string(*facts.last_reading_age_s) + " s old",
              reasons);
    }
  }

  json lan = disabled();
  if (facts.lan_enabled) {
    lan = ok();
    lan["devices_online"] = facts.lan_devices_online;
    lan["devices_total"] = facts.lan_devices_total;
    if (facts.lan_devices_total > 0 && facts.lan_devices_online == 0) {
      problem(
          lan, "lan",
          facts.lan_devices_total == 1
              ? std::string("the only LAN device does not answer")
              : "none of the " + std::to_string(facts.lan_devices_total) + " LAN devices answers",
          reasons);
    }
  }

  HealthReport report;
  report.healthy = reasons.empty();
  for (const auto& reason : reasons)
    report.problems += (report.problems.empty() ? "" : "; ") + reason;
  report.data = json{{"healthy", report.healthy},
                     {"mqtt", mqtt},
                     {"meter_link", link},
                     {"last_reading_age_s", reading},
                     {"lan", lan}};
  return report;
}

}  // namespace hems::app
