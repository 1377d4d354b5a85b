// What the bridge does for itself, apart from the meter and the LAN: requests on
// <base>/bridge/request/<name> and its own Home Assistant device.

#include <chrono>

#include "announced_topics.hpp"
#include "hems/app/bridge.hpp"
#include "hems/app/bridge_requests.hpp"
#include "hems/app/log.hpp"
#include "hems/ha/discovery.hpp"
#include "hems/version.hpp"

namespace hems::app {

void Bridge::handle_bridge_request(const mqtt::Message& msg) {
  const std::string name = msg.topic.substr(topic("bridge/request/").size());
  const BridgeFacts facts{health_facts(), info_json(), log_level()};
  BridgeRequestOutcome outcome =
      answer_bridge_request(config_.mqtt.base_topic, name, msg.payload, facts);
  if (outcome.new_log_level)
    set_log_level(*outcome.new_log_level);
  log(outcome.line_level, outcome.log_line);
  if (outcome.forward_to_echonet) {
    handle_raw_request(msg.payload);
    return;
  }
  if (outcome.republish_info) {
    last_info_.clear();
    publish_info();
  }
  publish(outcome.topic, outcome.response.dump(), false);
}

HealthFacts Bridge::health_facts() const {
  HealthFacts facts;
  facts.mqtt_connected = mqtt_connected_;
  facts.meter_enabled = config_.meter.enabled;
  facts.link_state = std::string(wisun::to_string(session_.status().state));
  facts.link_up = link_up_;
  if (last_reading_at_) {
    facts.last_reading_age_s =
        std::chrono::duration_cast<std::chrono::seconds>(loop_.now() - *last_reading_at_).count();
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

void Bridge::publish_bridge_discovery(bool force) {
  if (config_.mqtt.discovery_prefix.empty())
    return;  // as for the meter: turning discovery off removes nothing
  auto messages = ha::bridge_discovery(
      ha::BridgeTopics{config_.mqtt.base_topic, config_.mqtt.discovery_prefix},
      ha::BridgeDevice{.meter_enabled = config_.meter.enabled}, kVersion,
      ha::language_from(config_.mqtt.discovery_language).value_or(ha::Language::en));
  if (!force && messages == bridge_discovery_)
    return;
  // Another base topic or prefix is another device: the old one is removed.
  for (const auto& removal : ha::removals(bridge_discovery_, messages))
    publish(removal.topic, "", true);
  for (const auto& m : messages)
    publish(m.topic, m.payload, true);
  if (messages != bridge_discovery_)
    log(Level::info, "published Home Assistant discovery for the bridge's own device");
  bridge_discovery_ = std::move(messages);
  save_announced(config_.meter.state_dir, kBridgeDiscoveryFile, bridge_discovery_);
}

}  // namespace hems::app
