#include "hems/ha/bridge_discovery.hpp"

#include <nlohmann/json.hpp>

#include "origin.hpp"
#include "slug.hpp"

namespace hems::ha {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kDefaultBaseTopic = "hems2mqtt";

std::string base_slug(const BridgeTopics& topics) {
  std::string slug = detail::slug(topics.base_topic);
  return slug.empty() ? std::string(kDefaultBaseTopic) : slug;
}

// The names people read, in either language.
struct Names {
  std::string_view device;
  std::string_view model;
  std::string_view connection_state;
  std::string_view version;
  std::string_view link_state;
  std::string_view last_error;
};

constexpr Names kEnglish{"hems2mqtt bridge", "B-route and ECHONET Lite bridge",
                         "Connection state", "Version",
                         "B-route link",     "Last B-route error"};
constexpr Names kJapanese{"hems2mqtt ブリッジ", "Bルート・ECHONET Lite ブリッジ",
                          "接続状態",           "バージョン",
                          "Bルートの接続状態",  "Bルートの直近のエラー"};

const Names& names_in(Language language) {
  return language == Language::ja ? kJapanese : kEnglish;
}

// Two bridges on one broker have different base topics; the name tells them apart.
Json device_block(const BridgeTopics& topics, const std::string& id, std::string_view version,
                  const Names& names) {
  std::string name(names.device);
  if (topics.base_topic != kDefaultBaseTopic)
    name += " (" + topics.base_topic + ")";
  Json device{{"identifiers", Json::array({id})},
              {"name", name},
              {"manufacturer", "hems2mqtt"},
              {"model", names.model}};
  if (!version.empty())
    device["sw_version"] = version;
  return device;
}

// A value of bridge/info's "meter" object, unknown while the object or the key is absent.
std::string meter_info_template(std::string_view key, bool free_text) {
  const std::string path = "value_json.meter." + std::string(key);
  // Home Assistant drops a state longer than 255 characters; keep the start of a message.
  const std::string value = free_text ? path + "[:255]" : path;
  return "{{ " + value + " if value_json.meter is defined and " + path + " is defined else none }}";
}

struct Builder {
  const BridgeTopics& topics;
  std::string node_id;        // hems2mqtt_bridge_<slug>: topic level, identifier, unique_id prefix
  std::string entity_prefix;  // <slug>_bridge: entity ids ("sensor.hems2mqtt_bridge_version")
  Json device;
  Json origin;
  std::vector<DiscoveryMessage> out;

  std::string info_topic() const { return topics.base_topic + "/bridge/info"; }
  std::string state_topic() const { return topics.base_topic + "/bridge/state"; }

  Json start(std::string_view component, std::string_view object, std::string_view name) const {
    const std::string entity = entity_prefix + "_" + std::string(object);
    return Json{{"name", name},
                {"unique_id", node_id + "_" + std::string(object)},
                // default_entity_id: Home Assistant 2025.10 and later; object_id: earlier ones
                // (2026.4 and later ignore it).
                {"default_entity_id", std::string(component) + "." + entity},
                {"object_id", entity}};
  }

  void add(std::string_view component, std::string_view object, Json config,
           bool needs_bridge_online = true) {
    if (needs_bridge_online) {
      config["availability"] = Json::array(
          {Json{{"topic", state_topic()}, {"value_template", "{{ value_json.state }}"}}});
    }
    config["device"] = device;
    config["origin"] = origin;
    out.push_back({topics.discovery_prefix + "/" + std::string(component) + "/" + node_id + "/" +
                       std::string(object) + "/config",
                   config.dump(-1, ' ', false, Json::error_handler_t::replace)});
  }

  void info_sensor(std::string_view object, std::string_view name, std::string value_template,
                   std::string_view icon) {
    Json config = start("sensor", object, name);
    config["state_topic"] = info_topic();
    config["value_template"] = std::move(value_template);
    config["entity_category"] = "diagnostic";
    config["icon"] = icon;
    add("sensor", object, std::move(config));
  }
};

}  // namespace

std::string bridge_device_id(const BridgeTopics& topics) {
  return "hems2mqtt_bridge_" + base_slug(topics);
}

std::vector<DiscoveryMessage> bridge_discovery(const BridgeTopics& topics,
                                               const BridgeDevice& bridge, std::string_view version,
                                               Language language) {
  const Names& names = names_in(language);
  const std::string id = bridge_device_id(topics);
  Builder b{topics,
            id,
            base_slug(topics) + "_bridge",
            device_block(topics, id, version, names),
            detail::origin_block(version),
            {}};

  // Off when the bridge stopped or died (its last will): this entity is never unavailable, so an
  // automation can react to "off".
  Json running = b.start("binary_sensor", "connection_state", names.connection_state);
  running["state_topic"] = b.state_topic();
  running["value_template"] = "{{ value_json.state }}";
  running["payload_on"] = "online";
  running["payload_off"] = "offline";
  running["device_class"] = "connectivity";
  running["entity_category"] = "diagnostic";
  b.add("binary_sensor", "connection_state", std::move(running), false);

  b.info_sensor("version", names.version, "{{ value_json.version }}", "mdi:information-outline");
  if (bridge.meter_enabled) {
    // Also shown before the meter was ever reached, unlike the meter's own diagnostics: a wrong
    // B-route ID or a missing dongle shows up here first.
    b.info_sensor("link_state", names.link_state, meter_info_template("state", false),
                  "mdi:lan-connect");
    b.info_sensor("last_error", names.last_error, meter_info_template("last_error", true),
                  "mdi:alert-circle-outline");
  }
  return std::move(b.out);
}

}  // namespace hems::ha
