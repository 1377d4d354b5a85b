// The metric names are part of the stable interface once released (dashboards and alerts use
// them): add, never rename. docs/metrics.md lists them.

#include "hems/app/metrics.hpp"
#include "hems/app/prometheus_text.hpp"

namespace hems::app {
namespace {

using prometheus::TextWriter;

void counter(TextWriter& out, std::string_view name, std::string_view help, std::uint64_t value) {
  out.family(name, "counter", help);
  out.sample(name, value);
}

void gauge(TextWriter& out, std::string_view name, std::string_view help, double value) {
  out.family(name, "gauge", help);
  out.sample(name, value);
}

void render_meter(TextWriter& out, const Metrics& metrics, const MetricsFacts& facts) {
  gauge(out, "hems2mqtt_meter_link_up",
        "1 while the B-route link can carry frames to the meter (joined or reauthenticating)",
        facts.health.link_up ? 1.0 : 0.0);

  out.family("hems2mqtt_meter_readings_total", "counter",
             "Meter readings published, by the kind of value they carried");
  out.sample("hems2mqtt_meter_readings_total", metrics.readings_instant, {{"kind", "instant"}});
  out.sample("hems2mqtt_meter_readings_total", metrics.readings_energy, {{"kind", "energy"}});
  out.sample("hems2mqtt_meter_readings_total", metrics.readings_fixed, {{"kind", "fixed"}});

  out.family("hems2mqtt_meter_requests_total", "counter",
             "Requests to the meter, by how they ended: ok (answered) or error (refused, or no "
             "answer after all tries)");
  out.sample("hems2mqtt_meter_requests_total", facts.requests.answered, {{"result", "ok"}});
  out.sample("hems2mqtt_meter_requests_total", facts.requests.refused + facts.requests.unanswered,
             {{"result", "error"}});
  counter(out, "hems2mqtt_meter_request_retries_total",
          "Requests to the meter sent again because no answer came in time",
          facts.requests.retries);

  counter(out, "hems2mqtt_meter_rejoins_total",
          "Times the B-route session was joined again to recover the link", metrics.rejoins);
  counter(out, "hems2mqtt_meter_rescans_total",
          "Times the meter was scanned for again to recover the link", metrics.rescans);
  counter(out, "hems2mqtt_meter_port_reopens_total",
          "Times the dongle's serial port was reopened to recover the link", metrics.port_reopens);
  counter(out, "hems2mqtt_meter_dongle_resets_total",
          "Times the dongle was reset to recover the link", metrics.dongle_resets);
  counter(out, "hems2mqtt_meter_history_values_backfilled_total",
          "Half-hour values read from the meter's history and published after a gap",
          metrics.history_values_backfilled);

  // Absent rather than a made-up number while there is nothing to report.
  if (facts.health.last_reading_age_s) {
    gauge(out, "hems2mqtt_meter_last_reading_age_seconds",
          "Seconds since the last reading from the meter",
          static_cast<double>(*facts.health.last_reading_age_s));
  }
  if (facts.rssi_dbm) {
    gauge(out, "hems2mqtt_meter_rssi_dbm",
          "B-route signal strength (dBm) as the dongle last reported it", *facts.rssi_dbm);
  }
}

void render_lan(TextWriter& out, const MetricsFacts& facts) {
  gauge(out, "hems2mqtt_lan_devices_online", "ECHONET Lite devices on the LAN that answer",
        static_cast<double>(facts.health.lan_devices_online));
  gauge(out, "hems2mqtt_lan_devices_known",
        "ECHONET Lite devices on the LAN the bridge knows, answering or not",
        static_cast<double>(facts.health.lan_devices_total));
}

}  // namespace

std::string render_metrics(const Metrics& metrics, const MetricsFacts& facts) {
  TextWriter out;
  out.family("hems2mqtt_build_info", "gauge", "Always 1; the version of the running bridge");
  out.sample("hems2mqtt_build_info", 1.0, {{"version", facts.version}});
  gauge(out, "hems2mqtt_healthy", "1 when /health reports healthy, else 0",
        facts.healthy ? 1.0 : 0.0);
  gauge(out, "hems2mqtt_mqtt_connected", "1 while connected to the MQTT broker",
        facts.health.mqtt_connected ? 1.0 : 0.0);
  counter(out, "hems2mqtt_mqtt_reconnects_total",
          "Connections to the MQTT broker after the first one",
          metrics.mqtt_connects > 0 ? metrics.mqtt_connects - 1 : 0);
  if (facts.health.meter_enabled)
    render_meter(out, metrics, facts);
  if (facts.health.lan_enabled)
    render_lan(out, facts);
  return out.text();
}

}  // namespace hems::app
