#pragma once

// An mqtt::Client that records what the bridge publishes and lets the test play the broker:
// connect, drop the connection, deliver messages. Calls the handler like Paho does (the bridge
// posts into the loop, so the test runs the loop afterwards).

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hems/mqtt/client.hpp"

namespace hems::test {

// Shared with the test so that it outlives the bridge (which owns the client).
struct MqttRecord {
  std::vector<mqtt::Message> published;
  std::vector<std::string> subscriptions;
  bool started = false;
  std::optional<std::size_t> stopped_after;  // messages published before stop()
  mqtt::Handler* handler = nullptr;
  bool connected = false;

  // Messages on `topic` from index `from` on.
  std::vector<mqtt::Message> on(const std::string& topic, std::size_t from = 0) const {
    std::vector<mqtt::Message> out;
    for (std::size_t i = from; i < published.size(); ++i) {
      if (published[i].topic == topic)
        out.push_back(published[i]);
    }
    return out;
  }
  std::optional<nlohmann::json> last_json(const std::string& topic, std::size_t from = 0) const {
    auto messages = on(topic, from);
    if (messages.empty())
      return std::nullopt;
    return nlohmann::json::parse(messages.back().payload, nullptr, false);
  }
  std::size_t count_prefix(const std::string& prefix, std::size_t from = 0) const {
    return static_cast<std::size_t>(
        std::count_if(published.begin() + static_cast<std::ptrdiff_t>(from), published.end(),
                      [&](const mqtt::Message& m) { return m.topic.starts_with(prefix); }));
  }

  // The broker's side.
  void connect() {
    connected = true;
    handler->on_connected();
  }
  void lose(const std::string& cause) {
    connected = false;
    handler->on_connection_lost(cause);
  }
  void deliver(const std::string& topic, const std::string& payload) {
    handler->on_message(mqtt::Message{topic, payload, 1, false});
  }
};

class FakeMqtt final : public mqtt::Client {
 public:
  explicit FakeMqtt(std::shared_ptr<MqttRecord> record) : record_(std::move(record)) {}

  void set_handler(mqtt::Handler* handler) override { record_->handler = handler; }
  void start() override { record_->started = true; }
  void publish(mqtt::Message msg) override { record_->published.push_back(std::move(msg)); }
  void subscribe(const std::string& filter, int) override {
    record_->subscriptions.push_back(filter);
  }
  void stop(std::chrono::milliseconds) override {
    record_->stopped_after = record_->published.size();
    record_->connected = false;
  }
  bool connected() const override { return record_->connected; }

 private:
  std::shared_ptr<MqttRecord> record_;
};

}  // namespace hems::test
