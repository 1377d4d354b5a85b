#pragma once

// Requests to the bridge itself, zigbee2mqtt's shape: a JSON object on
// <base>/bridge/request/<name>, answered on <base>/bridge/response/<name> with the usual envelope
// (transaction echoed). Pure: it takes the request and what the bridge knows now, and returns the
// answer, the log line and what the bridge has to do; the bridge does the publishing.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hems/app/health_report.hpp"
#include "hems/app/log.hpp"
#include "hems/meter/meter_time.hpp"

namespace hems::app {

// Larger request payloads are refused unread.
inline constexpr std::size_t kMaxRequestBytes = 16 * 1024;

// The names answered, in the order an error lists them.
std::span<const std::string_view> bridge_request_names();

// What the requests report, as the bridge sees it when the request arrives.
struct BridgeFacts {
  HealthFacts health;
  nlohmann::json info;  // what bridge/info carries now
  Level log_level{};    // the level in force
};

// history: a day of the meter's memory to read; answered once the meter has.
struct HistoryDayRequest {
  meter::MeterDate date;
  nlohmann::json transaction;
};

struct BridgeRequestOutcome {
  // The answer: publish `response` on `topic` (not retained). Empty topic: none here, because
  // the request was handed on (forward_to_echonet).
  std::string topic;
  nlohmann::json response;
  // The line the bridge logs for the request (debug when served, warning when refused).
  Level line_level = Level::debug;
  std::string log_line;
  // log_level: the level to apply, before the log line is written.
  std::optional<Level> new_log_level;
  // info: publish bridge/info again (retained), even if unchanged.
  bool republish_info = false;
  // echonet: the raw ECHONET Lite handler parses and answers it (later, when the device does).
  bool forward_to_echonet = false;
  // history: read this day from the meter (the topic is empty: the answer comes later).
  std::optional<HistoryDayRequest> read_history;
};

// `name` is the last topic level of <base>/bridge/request/<name>; `payload` the message as sent
// (empty counts as {}).
BridgeRequestOutcome answer_bridge_request(const std::string& base_topic, std::string_view name,
                                           std::string_view payload, const BridgeFacts& facts);

}  // namespace hems::app
