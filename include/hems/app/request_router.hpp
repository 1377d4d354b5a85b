#pragma once

// Requests from MQTT, routed: a message on one of the topics the bridge subscribes to becomes a
// typed request for the meter, a LAN appliance or the bridge itself, or a precise refusal with the
// topic to send it to. Pure: the bridge carries out what comes back.
//
// Every request payload follows one rule (parse_request): a JSON object (an empty payload counts
// as {}) of at most kMaxRequestBytes, whose optional "transaction" is a string or a number and is
// echoed in the answer.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hems/app/meter_link.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

struct RouterContext {
  std::string base_topic;
  std::string discovery_prefix;  // empty: Home Assistant discovery is off
  std::string meter_name;
  bool meter_enabled = true;
  bool lan_enabled = false;
  // The address of a known LAN device; nullopt when `device` is none.
  std::function<std::optional<std::string>(const std::string& device)> lan_address;
};

namespace route {
struct Ignored {};
struct HomeAssistantOnline {};  // Home Assistant's birth message: say everything again
struct Refused {
  std::string topic;  // where the answer goes
  nlohmann::json transaction;
  std::string error;
  bool log = true;  // a warning in the log too
};
struct BridgeRequest {  // <base>/bridge/request/<name>
  std::string name;
  std::string payload;
};
struct MeterGet {
  app::MeterGet request;
};
struct LanGet {
  std::string device;
  nlohmann::json body;  // without "transaction"
  nlohmann::json transaction;
};
struct LanSet {
  std::string device;
  nlohmann::json body;
  nlohmann::json transaction;
};
struct MeterRaw {
  nlohmann::json transaction;
  echonet::Frame frame;
};
struct LanRaw {
  nlohmann::json transaction;
  std::string address;
  echonet::Frame frame;
};
}  // namespace route

using Route =
    std::variant<route::Ignored, route::HomeAssistantOnline, route::Refused, route::BridgeRequest,
                 route::MeterGet, route::LanGet, route::LanSet, route::MeterRaw, route::LanRaw>;

// A request payload that passed the rule: the object without "transaction", and the transaction
// (null when absent).
struct ParsedRequest {
  nlohmann::json body;
  nlohmann::json transaction;
};
// The error says what is wrong; the transaction is kept when it could be read.
struct RequestError {
  std::string error;
  nlohmann::json transaction;
};
std::expected<ParsedRequest, RequestError> parse_request(std::string_view payload);

// Any message the bridge receives.
Route route_message(const RouterContext& context, const mqtt::Message& message);

// <base>/bridge/request/echonet (handed on by the bridge requests): a raw ECHONET Lite frame for
// the meter, a LAN device or any LAN address.
Route route_raw_request(const RouterContext& context, std::string_view payload);

}  // namespace hems::app
