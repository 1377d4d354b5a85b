#pragma once

// How the meter looks on MQTT: topics and JSON payloads built from what the meter link knows.
// Pure: the same facts give the same messages (golden-file tested); the bridge publishes them.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/ha/types.hpp"
#include "hems/meter/values.hpp"
#include "hems/mqtt/client.hpp"
#include "hems/wisun/session.hpp"

namespace hems::app {

// What the meter link knows, as the presenters read it.
struct MeterView {
  const wisun::LinkStatus& status;
  const meter::MeterIdentity& identity;
  const meter::MeterValues& values;
  bool single_phase = false;
};

// <base>/<suffix>
std::string base_topic(const Config& config, std::string_view suffix);
// <base>/<meter name>[/<suffix>]
std::string meter_topic(const Config& config, std::string_view suffix = {});

// "0x000016": how maker codes appear in our JSON.
std::string manufacturer_code_text(std::uint32_t code);

// The state object: every value the meter has given, energy rounded to what its unit can express.
nlohmann::json meter_values_json(const meter::MeterValues& values,
                                 const meter::MeterIdentity& identity);
// <base>/<meter>: the state with `last_seen` (local time of the last reading, empty: none yet).
mqtt::Message meter_state_message(const Config& config, const MeterView& meter,
                                  const std::string& last_seen);
// The answer to a get: the values asked for (`keys` empty: all) as they are now.
nlohmann::json meter_get_answer(const MeterView& meter, const std::vector<std::string>& keys);
mqtt::Message availability_message(const std::string& topic, bool online);
// bridge/info: the version, the meter link (when enabled) and the config that matters to users.
nlohmann::json bridge_info_json(const Config& config, const std::optional<MeterView>& meter);
// The meter's entry in bridge/devices.
nlohmann::json meter_device_entry(const Config& config, const MeterView& meter);
// <base>/bridge/event: something that happened on the link ("joined", "rescan", ...).
mqtt::Message link_event_message(const Config& config, const std::string& type,
                                 const std::string& detail);
// A raw ECHONET Lite answer's data: {"esv": "0x72", "properties": {"0x80": "30"}}.
nlohmann::json raw_answer_data(const echonet::Frame& frame);
// The meter's Home Assistant entities; nullopt until the meter's identity is known (the
// unique ids are made of it).
std::optional<std::vector<ha::DiscoveryMessage>> meter_discovery_messages(const Config& config,
                                                                          const MeterView& meter);
// A reply on `topic` in the usual envelope (not retained).
mqtt::Message response_message(const std::string& topic, const nlohmann::json& transaction, bool ok,
                               const nlohmann::json& data, const std::string& error);

}  // namespace hems::app
