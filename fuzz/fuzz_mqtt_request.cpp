// Fuzzes what the bridge does with an MQTT message: route_message(), the bridge's own requests
// (answer_bridge_request), raw ECHONET Lite requests (route_raw_request), and get/set requests for
// the simulated LAN appliances of a settled LanLink, up to the answers the bridge would publish.
//
// Byte 0: bit 0 the meter is on, bit 1 the LAN is on, bit 2 discovery is on; bits 4-5 pick the
// topic's start ("", "<base>/bridge/request/", "<base>/", "<discovery>/"). The rest is the topic's
// remainder up to the first NUL, then the payload.
// Invariants: every answer is published on a topic under <base>/, its payload serialises (valid
// UTF-8: the topic and payload may not be), its "transaction" is the request's; an oversized
// payload is refused unread; a meter get names only known values.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_input.hpp"
#include "hems/app/bridge_requests.hpp"
#include "hems/app/meter_presenter.hpp"
#include "hems/app/request_router.hpp"
#include "lan_world.hpp"

namespace {

using hems::fuzz::fail;
using hems::fuzz::FuzzInput;
using hems::fuzz::LanWorld;
using nlohmann::json;
namespace app = hems::app;
namespace route = hems::app::route;

const std::string kBase = "hems2mqtt";
const std::string kDiscovery = "homeassistant";

const LanWorld& settled_world() {
  static const LanWorld world = LanWorld::settled();
  return world;
}

// What the bridge would publish for an answer: the envelope, serialised.
void publish(const std::string& topic, const json& transaction, bool ok, const json& data,
             const std::string& error) {
  if (!topic.starts_with(kBase + "/"))
    fail("an answer outside the base topic: " + topic);
  const auto message = app::response_message(topic, transaction, ok, data, error);
  const json parsed = json::parse(message.payload);
  if (parsed.value("transaction", json()) != transaction)
    fail("the answer lost the transaction");
}

struct Run {
  app::RouterContext context;
  LanWorld* world = nullptr;
  json expected_transaction;  // of the request, when it could be read

  void carry_out(app::Route route, int depth) {
    std::visit(
        [&](auto& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, route::Refused>) {
            publish(r.topic, r.transaction, false, json::object(), r.error);
          } else if constexpr (std::is_same_v<T, route::BridgeRequest>) {
            bridge_request(r, depth);
          } else if constexpr (std::is_same_v<T, route::MeterGet>) {
            for (const auto& key : r.request.keys) {
              if (key.empty())
                fail("a meter get of an empty key");
            }
          } else if constexpr (std::is_same_v<T, route::LanGet>) {
            world->link.get(r.device, r.body, r.transaction, world->now);
            settle();
          } else if constexpr (std::is_same_v<T, route::LanSet>) {
            world->link.set(r.device, r.body, r.transaction, world->now);
            settle();
          } else if constexpr (std::is_same_v<T, route::LanRaw>) {
            world->link.raw(r.transaction, r.address, std::move(r.frame), world->now);
            settle();
          } else if constexpr (std::is_same_v<T, route::MeterRaw>) {
            (void)hems::echonet::encode(r.frame);
          }
        },
        route);
  }

  void bridge_request(const route::BridgeRequest& request, int depth) {
    app::BridgeFacts facts;
    facts.health.mqtt_connected = true;
    facts.health.lan_enabled = context.lan_enabled;
    facts.info = json{{"version", "0"}};
    const auto outcome = app::answer_bridge_request(kBase, request.name, request.payload, facts);
    (void)outcome.log_line.size();
    if (outcome.forward_to_echonet) {
      if (!outcome.topic.empty() || depth > 0)
        fail("a forwarded request with an answer of its own");
      carry_out(app::route_raw_request(context, request.payload), depth + 1);
      return;
    }
    if (!outcome.topic.starts_with(kBase + "/bridge/response/"))
      fail("a bridge answer on " + outcome.topic);
    (void)outcome.response.dump();
    if (request.payload.size() > app::kMaxRequestBytes &&
        outcome.response.value("status", "") != "error")
      fail("an oversized request was served");
  }

  // Lets the appliances answer, then publishes what the link answered.
  void settle() {
    world->advance(hems::seconds(10));
    for (const auto& event : world->events) {
      if (auto* a = std::get_if<app::lan_link::Answered>(&event)) {
        const std::string topic =
            a->device ? kBase + "/" + *a->device + "/response" : kBase + "/bridge/response/echonet";
        publish(topic, a->transaction, a->ok, a->data, a->error);
      }
    }
    world->events.clear();
    for (const auto& [id, device] : world->link.devices())
      (void)device.state.dump();
  }
};

constexpr std::array<std::string_view, 4> kStarts = {"", "hems2mqtt/bridge/request/", "hems2mqtt/",
                                                     "homeassistant/"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const std::uint8_t control = in.byte();
  LanWorld world = settled_world();
  Run run;
  run.world = &world;
  run.context.base_topic = kBase;
  run.context.discovery_prefix = (control & 0x04U) ? kDiscovery : "";
  run.context.meter_name = "smart_meter";
  run.context.meter_enabled = (control & 0x01U) != 0;
  run.context.lan_enabled = (control & 0x02U) != 0;
  if (run.context.lan_enabled) {
    run.context.lan_address = [&world](const std::string& id) { return world.link.address_of(id); };
  }
  hems::mqtt::Message message;
  message.topic = std::string(kStarts[(control >> 4) & 0x03U]) + in.until(0);
  const auto payload = in.rest();
  message.payload.assign(payload.begin(), payload.end());

  auto parsed = app::parse_request(message.payload);
  if (message.payload.size() > app::kMaxRequestBytes && parsed)
    fail("an oversized payload was parsed");
  if (parsed && parsed->body.contains("transaction"))
    fail("the transaction was left in the body");
  run.carry_out(app::route_message(run.context, message), 0);
  return 0;
}
