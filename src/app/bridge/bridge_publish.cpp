// What every subscriber sees of the bridge as a whole: its state, bridge/info, bridge/devices,
// its own Home Assistant device, and everything again after a (re)connect.

#include "hems/app/bridge.hpp"
#include "hems/app/lan_presenter.hpp"
#include "hems/app/log.hpp"
#include "hems/ha/discovery.hpp"
#include "hems/ha/language.hpp"
#include "hems/version.hpp"

namespace hems::app {

void Bridge::publish_online_state() {
  publish(mqtt::Message{base_topic(config_, "bridge/state"), R"({"state":"online"})", 1, true});
  publish_info(true);
  publish_devices();
  publish_bridge_discovery(true);  // first: the meter and the appliances name it as via_device
  publish_meter_discovery(true);
  republish_lan();
  if (meter_) {
    if (!meter_->values().empty())
      publish_meter_state();
    publish_meter_availability();
  }
}

void Bridge::publish_info(bool force) {
  const std::optional<MeterView> meter =
      meter_ ? std::optional<MeterView>(meter_view()) : std::nullopt;
  std::string payload = bridge_info_json(config_, meter).dump();
  if (!force && payload == last_info_)
    return;  // state changes often repeat the same information
  last_info_ = std::move(payload);
  publish(mqtt::Message{base_topic(config_, "bridge/info"), last_info_, 1, true});
}

void Bridge::publish_devices() {
  nlohmann::json devices = nlohmann::json::array();
  if (meter_)
    devices.push_back(meter_device_entry(config_, meter_view()));
  if (lan_) {
    for (const auto& [id, device] : lan_->devices())
      devices.push_back(lan_device_entry(device));
  }
  publish(mqtt::Message{base_topic(config_, "bridge/devices"), devices.dump(), 1, true});
}

void Bridge::publish_bridge_discovery(bool force) {
  if (config_.mqtt.discovery_prefix.empty())
    return;  // as for the meter: turning discovery off removes nothing
  auto messages = ha::bridge_discovery(
      ha::BridgeTopics{config_.mqtt.base_topic, config_.mqtt.discovery_prefix},
      ha::BridgeDevice{.meter_enabled = config_.meter.enabled}, kVersion,
      ha::language_from(config_.mqtt.discovery_language).value_or(ha::Language::en));
  // Another base topic or prefix is another device: the old one is removed.
  auto update = bridge_announced_.update(std::move(messages), force);
  for (auto& m : update.messages)
    publish(std::move(m));
  if (update.changed) {
    log(Level::info, "published Home Assistant discovery for the bridge's own device");
    save_announced(kBridgeDiscoveryFile, bridge_announced_.told());
  }
}

// What was announced is remembered so that a later run can remove what it no longer has; if it
// cannot be written, this run goes on and only that clean-up is lost.
void Bridge::save_announced(std::string_view file,
                            const std::vector<ha::DiscoveryMessage>& messages) {
  if (auto error = state_.save_announced(file, messages))
    log(Level::warning, "could not remember the announced Home Assistant topics in " +
                            state_.path_of(file) + ": " + *error +
                            "; entities removed later may stay in Home Assistant");
}

}  // namespace hems::app
