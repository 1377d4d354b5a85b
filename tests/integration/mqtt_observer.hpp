#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hems/mqtt/client.hpp"

namespace hems::testing {

// Subscribes to topic filters on a broker and records every message, for assertions.
class MqttObserver : public mqtt::Handler {
 public:
  MqttObserver(const std::string& server_uri, std::vector<std::string> filters);
  ~MqttObserver() override;

  void on_connected() override;
  void on_connection_lost(const std::string& cause) override;
  void on_connect_failed(const std::string&) override {}  // wait_connected() times out instead
  void on_message(mqtt::Message msg) override;

  std::vector<mqtt::Message> messages() const;
  std::size_t count() const;
  // The first message on `topic` after index `from` for which `accept` holds.
  std::optional<mqtt::Message> wait_for(
      const std::string& topic, std::chrono::milliseconds timeout,
      const std::function<bool(const mqtt::Message&)>& accept = nullptr, std::size_t from = 0);
  bool wait_connected(std::chrono::milliseconds timeout);
  void publish(const std::string& topic, const std::string& payload, bool retain = false);

 private:
  std::unique_ptr<mqtt::Client> client_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<mqtt::Message> messages_;
  bool connected_ = false;
};

}  // namespace hems::testing
