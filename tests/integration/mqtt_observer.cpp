#include "mqtt_observer.hpp"

namespace hems::testing {

MqttObserver::MqttObserver(const std::string& server_uri, std::vector<std::string> filters) {
  mqtt::ClientOptions options;
  static int counter = 0;
  options.server_uri = server_uri;
  options.client_id = "test-observer-" + std::to_string(++counter);
  options.min_retry = std::chrono::milliseconds(200);
  options.max_retry = std::chrono::milliseconds(1000);
  client_ = mqtt::make_paho_client(options);
  client_->set_handler(this);
  for (const auto& f : filters)
    client_->subscribe(f, 1);
  client_->start();
}

MqttObserver::~MqttObserver() {
  client_->stop(std::chrono::milliseconds(1000));
  client_->set_handler(nullptr);
}

void MqttObserver::on_connected() {
  std::lock_guard lock(mutex_);
  connected_ = true;
  changed_.notify_all();
}

void MqttObserver::on_connection_lost(const std::string&) {
  std::lock_guard lock(mutex_);
  connected_ = false;
}

void MqttObserver::on_message(mqtt::Message msg) {
  std::lock_guard lock(mutex_);
  messages_.push_back(std::move(msg));
  changed_.notify_all();
}

std::vector<mqtt::Message> MqttObserver::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t MqttObserver::count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

std::optional<mqtt::Message> MqttObserver::wait_for(
    const std::string& topic, std::chrono::milliseconds timeout,
    const std::function<bool(const mqtt::Message&)>& accept, std::size_t from) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t next = from;
  while (true) {
    for (; next < messages_.size(); ++next) {
      const auto& m = messages_[next];
      if (m.topic == topic && (!accept || accept(m)))
        return m;
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; next < messages_.size(); ++next) {
        const auto& m = messages_[next];
        if (m.topic == topic && (!accept || accept(m)))
          return m;
      }
      return std::nullopt;
    }
  }
}

bool MqttObserver::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return connected_; });
}

void MqttObserver::publish(const std::string& topic, const std::string& payload, bool retain) {
  client_->publish(mqtt::Message{topic, payload, 1, retain});
}

}  // namespace hems::testing
