// Requests to the bridge itself on <base>/bridge/request/<name> and on the HTTP endpoint,
// answered from what it knows.

#include <chrono>

#include "hems/app/bridge.hpp"
#include "hems/app/bridge_requests.hpp"
#include "hems/app/log.hpp"
#include "hems/version.hpp"

namespace hems::app {

void Bridge::on_bridge_request(const route::BridgeRequest& request) {
  const std::optional<MeterView> meter =
      meter_ ? std::optional<MeterView>(meter_view()) : std::nullopt;
  const BridgeFacts facts{health_facts(), bridge_info_json(config_, meter), log_level()};
  BridgeRequestOutcome outcome =
      answer_bridge_request(config_.mqtt.base_topic, request.name, request.payload, facts);
  if (outcome.new_log_level)
    set_log_level(*outcome.new_log_level);
  log(outcome.line_level, outcome.log_line);
  if (outcome.forward_to_echonet) {
    carry_out(route_raw_request(router_context(), request.payload));
    return;
  }
  if (outcome.read_history) {
    meter_->history_day(std::move(outcome.read_history->transaction), outcome.read_history->date,
                        loop_.now());
    return;
  }
  if (outcome.republish_info)
    publish_info(true);
  publish(mqtt::Message{outcome.topic, outcome.response.dump(), 1, false});
}

HealthFacts Bridge::health_facts() const {
  HealthFacts facts;
  facts.mqtt_connected = mqtt_connected_;
  facts.meter_enabled = meter_ != nullptr;
  if (meter_) {
    facts.link_state = std::string(wisun::to_string(meter_->status().state));
    facts.link_up = meter_->link_up();
    if (auto at = meter_->last_reading_at()) {
      facts.last_reading_age_s =
          std::chrono::duration_cast<std::chrono::seconds>(loop_.now() - *at).count();
    }
  }
  facts.stale_after_s = stale_reading_after_s(
      config_.meter.instant_interval, config_.meter.request_tries, config_.meter.response_timeout);
  facts.lan_enabled = lan_ != nullptr;
  if (lan_) {
    const auto count = lan_->device_count();
    facts.lan_devices_online = count.online;
    facts.lan_devices_total = count.total;
  }
  return facts;
}

MetricsFacts Bridge::metrics_facts() const {
  MetricsFacts facts;
  facts.health = health_facts();
  facts.healthy = health_report(facts.health).healthy;
  if (meter_) {
    facts.rssi_dbm = meter_->status().rssi_dbm;
    facts.requests = meter_->request_counts();
  }
  facts.version = kVersion;
  return facts;
}

http::Response Bridge::serve_http(const http::Request& request) const {
  return answer_http(request,
                     HttpSources{[this] { return render_metrics(metrics_, metrics_facts()); },
                                 [this] { return health_report(health_facts()); }});
}

std::string Bridge::status_summary() const {
  if (stopping_)
    return "shutting down";
  std::string summary;
  if (meter_) {
    summary += "meter ";
    summary += wisun::to_string(meter_->status().state);
    if (meter_->online())
      summary += " and reading";
    summary += ", ";
  }
  if (lan_)
    summary += "LAN on, ";
  summary += mqtt_connected_ ? "MQTT connected" : "MQTT not connected";
  return summary;
}

}  // namespace hems::app
