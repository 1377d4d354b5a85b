#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/app/health_report.hpp"
#include "hems/app/lan_bridge.hpp"
#include "hems/ha/types.hpp"
#include "hems/io/event_loop.hpp"
#include "hems/io/transport.hpp"
#include "hems/meter/reader.hpp"
#include "hems/mqtt/client.hpp"
#include "hems/mqtt/takeover_detector.hpp"
#include "hems/wisun/session.hpp"

namespace hems::app {

// The daemon: one event loop owning the B-route session, the meter reader and the MQTT side.
// Paho's callbacks and signals only post into the loop.
class Bridge : public mqtt::Handler {
 public:
  Bridge(Config config, io::EventLoop& loop, std::unique_ptr<mqtt::Client> mqtt,
         std::unique_ptr<io::Transport> transport);
  ~Bridge() override;

  void start();
  // Publishes offline, ends the B-route session, disconnects; then stops the loop.
  void shutdown();
  // One line for the service manager's status, e.g. "meter joined, MQTT connected".
  std::string status_summary() const;

  // mqtt::Handler (called on Paho's threads)
  void on_connected() override;
  void on_connection_lost(const std::string& cause) override;
  void on_connect_failed(const std::string& reason) override;
  void on_message(mqtt::Message msg) override;
  void on_messages_dropped(std::uint64_t count) override;

 private:
  void process();
  void heartbeat();  // refreshes the health file while connected to the broker  // runs every
                     // pending action of the cores, then re-arms the timer
  void arm_timer();
  void open_transport();
  void close_transport();
  void on_readable();
  void handle_session_actions();
  void handle_reader_actions();
  void handle_message(const mqtt::Message& msg);
  void handle_device_request(const std::string& device, const std::string& verb,
                             const std::string& payload);
  void handle_get(const std::string& payload);
  void handle_set(const std::string& payload);
  void answer_pending_gets(const meter::MeterValues& update);
  void handle_raw_request(const std::string& payload);
  // bridge/request/<name>: health_check, log_level, info, and echonet handed to the above
  // (bridge_serve.cpp).
  void handle_bridge_request(const mqtt::Message& msg);
  HealthFacts health_facts() const;
  void publish_online_state();
  void publish_state();
  void publish_availability(bool online, bool force = false);
  void publish_info();
  nlohmann::json info_json() const;
  void publish_devices();
  void publish_discovery(bool force);
  // The bridge's own Home Assistant device (bridge_serve.cpp).
  void publish_bridge_discovery(bool force);
  void load_discovery_topics();
  void save_discovery_topics();
  void publish_event(const std::string& type, const std::string& detail);
  void publish(const std::string& topic, const std::string& payload, bool retain, int qos = 1);
  void respond(const std::string& topic, const nlohmann::json& transaction, bool ok,
               const nlohmann::json& data, const std::string& error);
  void save_pan(const wisun::PanInfo& pan);
  void forget_pan();
  std::string topic(const std::string& suffix) const;
  std::string meter_topic(const std::string& suffix = {}) const;

  Config config_;
  io::EventLoop& loop_;
  std::unique_ptr<mqtt::Client> mqtt_;
  std::unique_ptr<io::Transport> transport_;
  wisun::Session session_;
  meter::Reader reader_;
  std::unique_ptr<LanBridge> lan_;  // only with [lan] enabled

  std::optional<io::EventLoop::TimerId> timer_;
  std::optional<io::EventLoop::TimerId> heartbeat_timer_;
  bool mqtt_connected_ = false;
  mqtt::TakeoverDetector takeover_;
  int watched_fd_ = -1;
  bool meter_online_ = false;
  bool link_up_ = false;
  bool stopping_ = false;
  meter::MeterValues values_;
  std::string last_seen_;
  std::optional<TimePoint> last_reading_at_;
  std::string last_info_;
  std::vector<ha::DiscoveryMessage> discovery_;         // what Home Assistant was last told
  std::vector<ha::DiscoveryMessage> bridge_discovery_;  // the same for the bridge's own device
  bool single_phase_ = false;
  struct PendingGet {
    nlohmann::json transaction;
    std::vector<std::string> keys;  // empty: everything
    TimePoint deadline;
  };
  std::vector<PendingGet> pending_gets_;
  struct PendingRaw {
    std::string id;
    nlohmann::json transaction;
  };
  std::vector<PendingRaw> pending_raw_;
  std::uint64_t raw_counter_ = 0;
};

}  // namespace hems::app
