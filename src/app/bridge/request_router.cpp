#include "hems/app/request_router.hpp"

#include <algorithm>

#include "hems/app/bridge_requests.hpp"
#include "hems/app/meter_keys.hpp"
#include "hems/app/requests.hpp"

namespace hems::app {
namespace {

using nlohmann::json;

std::string topic_of(const RouterContext& context, std::string_view suffix) {
  std::string t = context.base_topic;
  t += '/';
  t += suffix;
  return t;
}

route::Refused refuse(std::string topic, RequestError error) {
  return route::Refused{std::move(topic), std::move(error.transaction), std::move(error.error)};
}

Route route_meter_get(const RouterContext& context, const ParsedRequest& request) {
  const std::string reply = topic_of(context, context.meter_name + "/response");
  MeterGet get;
  get.transaction = request.transaction;
  for (const auto& [key, value] : request.body.items()) {
    auto epc = meter_key_epc(key);
    if (!epc)
      return route::Refused{reply, request.transaction, "unknown value: " + key};
    if (!value.is_string() && !value.is_null())
      return route::Refused{reply, request.transaction, "the value of " + key + " must be \"\""};
    get.keys.push_back(key);
    if (std::find(get.epcs.begin(), get.epcs.end(), *epc) == get.epcs.end())
      get.epcs.push_back(*epc);
  }
  return route::MeterGet{std::move(get)};
}

Route route_device_request(const RouterContext& context, const std::string& device,
                           const std::string& verb, std::string_view payload) {
  const std::string reply = topic_of(context, device + "/response");
  const bool for_meter = context.meter_enabled && device == context.meter_name;
  const bool for_lan = !for_meter && context.lan_address && context.lan_address(device);
  if (!for_meter && !for_lan) {
    if (device == "bridge")
      return route::Ignored{};  // the bridge's own requests live under bridge/request/
    return route::Refused{reply, nullptr, "unknown device: " + device};
  }
  auto request = parse_request(payload);
  if (!request)
    return refuse(reply, std::move(request.error()));
  if (for_meter) {
    if (verb == "get")
      return route_meter_get(context, *request);
    return route::Refused{reply, request->transaction, "the smart meter has no writable values"};
  }
  if (verb == "get")
    return route::LanGet{device, std::move(request->body), std::move(request->transaction)};
  return route::LanSet{device, std::move(request->body), std::move(request->transaction)};
}

}  // namespace

std::expected<ParsedRequest, RequestError> parse_request(std::string_view payload) {
  if (payload.size() > kMaxRequestBytes) {
    return std::unexpected(
        RequestError{"request too large (" + std::to_string(payload.size()) + " bytes)", nullptr});
  }
  json body = json::parse(payload.empty() ? std::string_view("{}") : payload, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return std::unexpected(RequestError{"request must be a JSON object", nullptr});
  json transaction;
  if (auto it = body.find("transaction"); it != body.end()) {
    if (!it->is_string() && !it->is_number()) {
      return std::unexpected(RequestError{"\"transaction\" must be a string or a number", nullptr});
    }
    transaction = *it;
    body.erase(it);
  }
  return ParsedRequest{std::move(body), std::move(transaction)};
}

Route route_message(const RouterContext& context, const mqtt::Message& message) {
  const std::string& topic = message.topic;
  if (!context.discovery_prefix.empty() && topic == context.discovery_prefix + "/status") {
    if (message.payload == "online")
      return route::HomeAssistantOnline{};
    return route::Ignored{};
  }
  const std::string requests = topic_of(context, "bridge/request/");
  if (topic.starts_with(requests))
    return route::BridgeRequest{topic.substr(requests.size()), message.payload};
  // <base>/<device>/get or <base>/<device>/set
  const std::string prefix = context.base_topic + "/";
  if (!topic.starts_with(prefix))
    return route::Ignored{};
  const std::string rest = topic.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || rest.find('/', slash + 1) != std::string::npos)
    return route::Ignored{};
  const std::string device = rest.substr(0, slash);
  const std::string verb = rest.substr(slash + 1);
  if (verb != "get" && verb != "set")
    return route::Ignored{};
  return route_device_request(context, device, verb, message.payload);
}

Route route_raw_request(const RouterContext& context, std::string_view payload) {
  const std::string reply = topic_of(context, "bridge/response/echonet");
  auto parsed = parse_request(payload);
  if (!parsed)
    return refuse(reply, std::move(parsed.error()));
  const json& body = parsed->body;
  const json& transaction = parsed->transaction;
  for (const auto& [key, value] : body.items()) {
    if (key != "device" && key != "address" && key != "eoj" && key != "esv" &&
        key != "properties") {
      return route::Refused{reply, transaction, "unknown key: " + key};
    }
  }
  const std::string* device = body.contains("device") && body["device"].is_string()
                                  ? body["device"].get_ptr<const std::string*>()
                                  : nullptr;
  const std::string* address = body.contains("address") && body["address"].is_string()
                                   ? body["address"].get_ptr<const std::string*>()
                                   : nullptr;
  const bool for_meter = device && context.meter_enabled && *device == context.meter_name;
  std::optional<std::string> lan_target;
  if (!for_meter && context.lan_enabled) {
    if (device && context.lan_address)
      lan_target = context.lan_address(*device);
    else if (!device && address)
      lan_target = *address;
  }
  if (!for_meter && !lan_target) {
    if (!device) {
      return route::Refused{reply, transaction,
                            context.lan_enabled ? "\"device\" or \"address\" must name a target"
                                                : "\"device\" must name a device"};
    }
    return route::Refused{reply, transaction, "unknown device: " + *device};
  }
  auto frame = parse_raw_frame(body);
  if (!frame)
    return route::Refused{reply, transaction, frame.error()};
  if (for_meter)
    return route::MeterRaw{transaction, std::move(*frame)};
  return route::LanRaw{transaction, std::move(*lan_target), std::move(*frame)};
}

}  // namespace hems::app
