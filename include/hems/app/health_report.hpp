#pragma once

// The answer to bridge/request/health_check, from facts the bridge gathers when asked. Pure: no
// clock, no I/O, so every verdict can be tested.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hems::app {

struct HealthFacts {
  bool mqtt_connected = false;
  bool meter_enabled = false;
  std::string link_state;  // the B-route link state by name ("joined", "scanning", ...)
  bool link_up = false;    // joined or reauthenticating: frames can reach the meter
  std::optional<std::int64_t> last_reading_age_s;  // nullopt before the first reading
  std::int64_t stale_after_s = 0;                  // a reading older than this is a problem
  bool lan_enabled = false;
  std::size_t lan_devices_online = 0;
  std::size_t lan_devices_total = 0;
};

// How old the last reading may be before the meter counts as unhealthy: one poll interval plus
// two unanswered requests with all their tries, which is when the meter is marked offline.
std::int64_t stale_reading_after_s(int instant_interval_s, int request_tries,
                                   double response_timeout_s);

struct HealthReport {
  nlohmann::json
      data;  // {"healthy":…,"mqtt":{…},"meter_link":{…},"last_reading_age_s":{…},"lan":{…}}
  bool healthy = false;
  std::string problems;  // "" when healthy, else every reason joined by "; "
};

// One part per key, each {"status":"ok"|"problem"|"disabled", …details, "reason" when a problem}.
// Healthy when no part has a problem. A LAN with some devices offline is not a problem (an
// appliance switched off looks the same); a LAN where no known device answers is.
HealthReport health_report(const HealthFacts& facts);

}  // namespace hems::app
