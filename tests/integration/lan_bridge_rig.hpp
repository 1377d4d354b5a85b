#pragma once

// The real hems2mqtt with [lan] enabled in the rig's controller namespace, a Mosquitto beside it,
// and simulated ECHONET Lite nodes in the node namespaces: the fixture of the LAN bridge tests.
// Needs root; skips otherwise.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns.hpp"

namespace hems::testing {

inline constexpr int kBrokerPort = 18899;  // inside the controller's namespace only

struct MqttMessage {
  double at = 0;  // when the subscriber received it, Unix time in seconds
  std::string topic;
  std::string payload;
};

// Seconds since the Unix epoch now, comparable with MqttMessage::at.
double unix_now();

// A Mosquitto and a mosquitto_sub on every topic running inside a namespace; messages are read
// from the subscriber's output, each with the time it arrived.
class NamespaceMqtt {
 public:
  NamespaceMqtt(const NetnsRig& rig, const std::string& ns, const std::string& dir);

  std::vector<MqttMessage> messages() const;
  std::optional<nlohmann::json> wait_json(const std::string& topic,
                                          const std::function<bool(const nlohmann::json&)>& accept,
                                          std::chrono::milliseconds timeout, std::size_t from = 0);
  std::size_t mark() const { return messages().size(); }
  void publish(const std::string& topic, const std::string& payload);
  // What a subscriber to `filter` that arrives now is given: the retained messages, by topic.
  std::map<std::string, std::string> retained(const std::string& filter);

 private:
  const NetnsRig& rig_;
  std::string ns_;
  std::unique_ptr<ChildProcess> broker_;
  std::unique_ptr<ChildProcess> sub_;
};

// Polls until `done` or the deadline; true when `done` held. For conditions on logs and topics,
// which have no event to wait on.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

class LanBridgeTest : public NetnsTest {
 protected:
  // Polls every 2 s, retries after 0.5 s: what most bridge tests use to stay short.
  static constexpr const char* kFastPolls = "poll_interval = 2\ntimeout = 0.5\n";

  void TearDown() override;

  // The rig with `nodes` node namespaces and the broker in the controller's.
  void start_rig(std::size_t nodes);
  // `hems2mqtt-sim lan ARGS --interface eth0` in node `index` (or in namespace `ns`).
  ChildProcess& start_node(std::size_t index, std::vector<std::string> args);
  ChildProcess& start_node_in(const std::string& ns, std::vector<std::string> args);
  // hems2mqtt with `lan_settings` added to its [lan] section and `extra_mqtt` to [mqtt].
  void start_bridge(const std::string& lan_settings = kFastPolls,
                    const std::string& extra_mqtt = "");

  std::optional<nlohmann::json> device_list(
      const std::function<bool(const nlohmann::json&)>& accept, std::chrono::milliseconds timeout,
      std::size_t from = 0);
  static std::optional<nlohmann::json> find_device(const nlohmann::json& list,
                                                   const std::string& eoj);
  static std::string tail(const std::string& s);

  std::string dir_;
  std::unique_ptr<NetnsRig> rig_;
  std::unique_ptr<NamespaceMqtt> mqtt_;
  std::vector<std::unique_ptr<ChildProcess>> nodes_;
  std::unique_ptr<ChildProcess> bridge_;
};

}  // namespace hems::testing
