#pragma once

// The daemon's I/O shell. It owns the loop's file descriptors and its one timer, the serial
// transport, the LAN socket and the MQTT client, and wires them to the sans-I/O parts:
//
//   serial bytes -> MeterLink -> events -> meter presenter -> MQTT
//   UDP datagrams -> LanLink  -> events -> LAN presenter   -> MQTT
//   MQTT message  -> request router -> a typed request for a link, or a refusal
//
// Paho's callbacks only post into the loop; everything else runs on it.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hems/app/announced.hpp"
#include "hems/app/config.hpp"
#include "hems/app/health_report.hpp"
#include "hems/app/http_endpoints.hpp"
#include "hems/app/lan_link.hpp"
#include "hems/app/meter_link.hpp"
#include "hems/app/meter_presenter.hpp"
#include "hems/app/metrics.hpp"
#include "hems/app/request_router.hpp"
#include "hems/app/state_dir.hpp"
#include "hems/app/timed.hpp"
#include "hems/common/log_level.hpp"
#include "hems/io/loop.hpp"
#include "hems/io/transport.hpp"
#include "hems/lan/udp_transport.hpp"
#include "hems/mqtt/client.hpp"
#include "hems/mqtt/takeover_detector.hpp"

namespace hems::app {

// Opens the LAN socket (UDP 3610); tests hand in a fake.
using UdpOpener =
    std::function<Result<std::unique_ptr<lan::UdpTransport>>(const lan::UdpOptions& options)>;

class Bridge : public mqtt::Handler {
 public:
  Bridge(Config config, io::Loop& loop, std::unique_ptr<mqtt::Client> mqtt,
         std::unique_ptr<io::Transport> transport, UdpOpener open_udp = lan::open_udp_transport);
  ~Bridge() override;

  void start();
  // Publishes offline, ends the B-route session, disconnects; then stops the loop.
  void shutdown();
  // One line for the service manager's status, e.g. "meter joined, MQTT connected".
  std::string status_summary() const;
  // An HTTP request to the endpoint of [http] listen (/metrics, /health), answered as of now.
  http::Response serve_http(const http::Request& request) const;

  // mqtt::Handler (called on Paho's threads: each only posts into the loop)
  void on_connected() override;
  void on_connection_lost(const std::string& cause) override;
  void on_connect_failed(const std::string& reason) override;
  void on_message(mqtt::Message msg) override;
  void on_messages_dropped(std::uint64_t count) override;

 private:
  // bridge.cpp: the loop
  void settle();  // runs what the links asked for and what is due, then sets the timer
  void drain();
  void arm_timer();
  void heartbeat(TimePoint now);
  void on_mqtt_message(const mqtt::Message& msg);
  void carry_out(Route route);
  RouterContext router_context() const;
  void publish(mqtt::Message message);

  // bridge_meter.cpp: the serial transport and the meter's events
  void open_transport();
  void close_transport();
  void on_serial_readable();
  void on_meter_event(MeterEvent& event);
  MeterView meter_view() const;
  void publish_meter_state();  // with values() as they are now
  void publish_meter_state(const meter::MeterValues& values);
  void publish_meter_availability();
  void publish_meter_discovery(bool force);

  // bridge_lan.cpp: the LAN socket and the appliances' events
  void open_socket(TimePoint now);
  void close_socket();
  void on_socket_readable();
  void on_lan_event(LanEvent& event);
  void publish_lan_device(const std::string& id, bool force_discovery);
  void republish_lan();
  void remember_lan_discovery();  // soon: see lan_bookkeeping_
  void lan_bookkeeping(bool devices_changed, bool discovery_changed, TimePoint now);
  void flush_lan_bookkeeping();
  void save_announced(std::string_view file, const std::vector<ha::DiscoveryMessage>& messages);
  void forget_stale_lan_discovery();

  // bridge_publish.cpp: what every subscriber sees of the bridge as a whole
  void publish_online_state();
  void publish_info(bool force = false);
  void publish_devices();
  void publish_bridge_discovery(bool force);

  // bridge_serve.cpp: <base>/bridge/request/<name>
  void on_bridge_request(const route::BridgeRequest& request);
  HealthFacts health_facts() const;
  MetricsFacts metrics_facts() const;

  Config config_;
  io::Loop& loop_;
  std::unique_ptr<mqtt::Client> mqtt_;
  std::unique_ptr<io::Transport> transport_;
  UdpOpener open_udp_;
  StateDir state_;
  std::unique_ptr<MeterLink> meter_;  // only with [meter] enabled
  std::unique_ptr<LanLink> lan_;      // only with [lan] enabled
  std::unique_ptr<lan::UdpTransport> socket_;
  Alarm heartbeat_;   // refreshes the health file while connected to the broker
  Alarm reopen_lan_;  // tries UDP 3610 again after it could not be opened
  // A house's appliances answer discovery within a second or two: the device list and the file of
  // discovery topics, each a function of every device, are written once for such a burst instead
  // of once per device (250 objects made that 250 lists and files of growing size).
  Alarm lan_bookkeeping_;
  bool lan_devices_dirty_ = false;
  bool lan_discovery_dirty_ = false;
  std::vector<Timed*> timed_;
  std::optional<io::Loop::TimerId> timer_;
  int serial_fd_ = -1;
  int socket_fd_ = -1;
  bool mqtt_connected_ = false;
  bool stopping_ = false;
  mqtt::TakeoverDetector takeover_;
  Metrics metrics_;

  // What subscribers were last told.
  std::string last_info_;
  std::string last_seen_;  // local time of the last meter reading
  Announced meter_announced_;
  Announced bridge_announced_;
  std::map<std::string, Announced> lan_announced_;
  // LAN discovery topics of earlier runs; those no device has once discovery settled are removed.
  std::vector<ha::DiscoveryMessage> lan_remembered_;
  bool lan_settled_ = false;
};

}  // namespace hems::app
