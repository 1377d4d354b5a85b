#pragma once

// What /metrics shows: counters the bridge increments where the events already pass through it,
// and facts read when Prometheus scrapes. Rendering is pure, so every line can be tested.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hems/app/health_report.hpp"
#include "hems/meter/reader.hpp"
#include "hems/meter/values.hpp"

namespace hems::app {

struct Metrics {
  // Meter readings published, by the kind of value they carried (one reading can carry several).
  std::uint64_t readings_instant = 0;  // power or currents (E7, E8)
  std::uint64_t readings_energy = 0;   // cumulative energy (E0, E3)
  std::uint64_t readings_fixed = 0;    // 30-minute values (EA, EB)
  // Steps of the B-route recovery ladder taken (the session's link events).
  std::uint64_t rejoins = 0;
  std::uint64_t rescans = 0;
  std::uint64_t port_reopens = 0;
  std::uint64_t dongle_resets = 0;
  std::uint64_t mqtt_connects = 0;  // the first connection and every reconnection
  // Half-hour values read from the meter's history and published after a gap.
  std::uint64_t history_values_backfilled = 0;

  void count_reading(const meter::MeterValues& update);
  // A B-route link event by its type ("rejoin", "rescan", "reopen", "reset"); others are not
  // recovery steps and are not counted.
  void count_link_event(std::string_view type);
};

// Read at scrape time.
struct MetricsFacts {
  HealthFacts health;
  bool healthy = false;            // health_report(health).healthy, the /health verdict
  std::optional<double> rssi_dbm;  // the B-route signal strength as the dongle last reported it
  meter::RequestCounts requests;   // of the meter reader
  std::string version;
};

// The exposition, in Prometheus text format 0.0.4 (prometheus::kContentType). Meter families
// only with the meter enabled, LAN families only with the LAN enabled.
std::string render_metrics(const Metrics& metrics, const MetricsFacts& facts);

}  // namespace hems::app
