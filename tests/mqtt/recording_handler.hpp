#pragma once

// A Handler that records every call, safe to read from the test thread while Paho calls it.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "hems/mqtt/client.hpp"

namespace hems::test {

class RecordingHandler : public mqtt::Handler {
 public:
  void on_connected() override {
    std::lock_guard lock(mutex_);
    events_.push_back("connected");
    ++connected_count_;
  }
  void on_connection_lost(const std::string& cause) override {
    std::lock_guard lock(mutex_);
    events_.push_back("lost: " + cause);
    ++lost_count_;
  }
  void on_connect_failed(const std::string& reason) override {
    std::lock_guard lock(mutex_);
    events_.push_back("cannot connect: " + reason);
    ++failed_count_;
  }
  void on_message(mqtt::Message msg) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(msg));
  }
  void on_messages_dropped(std::uint64_t count) override {
    std::lock_guard lock(mutex_);
    events_.push_back("dropped " + std::to_string(count));
  }

  int connected_count() const {
    std::lock_guard lock(mutex_);
    return connected_count_;
  }
  int lost_count() const {
    std::lock_guard lock(mutex_);
    return lost_count_;
  }
  int failed_count() const {
    std::lock_guard lock(mutex_);
    return failed_count_;
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<mqtt::Message> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  bool received(const std::string& topic, const std::string& payload) const {
    std::lock_guard lock(mutex_);
    for (const auto& message : messages_) {
      if (message.topic == topic && message.payload == payload)
        return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  int connected_count_ = 0;
  int lost_count_ = 0;
  int failed_count_ = 0;
  std::vector<std::string> events_;
  std::vector<mqtt::Message> messages_;
};

}  // namespace hems::test
