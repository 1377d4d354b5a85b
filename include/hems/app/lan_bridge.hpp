#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/ha/types.hpp"
#include "hems/io/event_loop.hpp"
#include "hems/lan/controller.hpp"
#include "hems/lan/udp_transport.hpp"

namespace hems::app {

// The LAN half of the bridge: ECHONET Lite appliances found on UDP 3610, their states,
// get/set requests and Home Assistant discovery. Runs on the bridge's event loop.
class LanBridge {
 public:
  using Publish =
      std::function<void(const std::string& topic, const std::string& payload, bool retain)>;

  // `rearm`: the loop's timer must be set again; `devices_changed`: bridge/devices is stale.
  LanBridge(const Config& config, io::EventLoop& loop, Publish publish, std::function<void()> rearm,
            std::function<void()> devices_changed);
  ~LanBridge();

  void start();
  void stop();
  void on_timer(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  bool has_device(const std::string& id) const;
  void handle_get(const std::string& id, const nlohmann::json& request);
  void handle_set(const std::string& id, const nlohmann::json& request);
  // A raw request for a LAN device or address; false when it names no LAN target.
  bool handle_raw(const nlohmann::json& request);
  // After a (re)connect or Home Assistant's birth message.
  void republish();
  nlohmann::json devices_json() const;
  // How many known devices answer now, of how many (for health_check).
  struct DeviceCount {
    std::size_t online = 0;
    std::size_t total = 0;
  };
  DeviceCount device_count() const;

 private:
  struct Device {
    lan::DeviceInfo info;
    nlohmann::json state = nlohmann::json::object();
    bool online = false;
    std::vector<ha::DiscoveryMessage> discovery;
  };
  struct Pending {
    enum class Kind { get, set, raw } kind = Kind::get;
    std::string device_id;
    nlohmann::json transaction;
    std::map<std::uint8_t, std::string> keys;  // EPC -> the key the user wrote
    nlohmann::json early;                      // outcomes decided before sending
    std::string reasons;                       // "; key: why" for those
  };

  void open_socket();
  void on_readable();
  void handle_actions();
  void on_device_found(const lan::DeviceInfo& info);
  void on_properties(const std::string& id, const std::vector<echonet::Property>& props,
                     bool publish_state);
  void on_done(const lan::RequestDone& done);
  void publish_discovery(Device& device, bool force);
  void publish_state(const Device& device);
  void publish_availability(const Device& device);
  void respond(const std::string& device_id, const nlohmann::json& transaction, bool ok,
               const nlohmann::json& data, const std::string& error);
  void respond_raw(const nlohmann::json& transaction, bool ok, const nlohmann::json& data,
                   const std::string& error);
  // Decodes one property to its state key and JSON value; nullopt when it must not be published.
  std::optional<std::pair<std::string, nlohmann::json>> decode(const lan::DeviceInfo& info,
                                                               const echonet::Property& p) const;
  std::string topic(const std::string& suffix) const;

  const Config& config_;
  io::EventLoop& loop_;
  Publish publish_;
  std::function<void()> rearm_;
  std::function<void()> devices_changed_;
  lan::Controller controller_;
  std::unique_ptr<lan::UdpTransport> socket_;
  int watched_fd_ = -1;
  std::optional<io::EventLoop::TimerId> reopen_timer_;
  std::map<std::string, Device> devices_;
  std::map<std::string, Pending> pending_;
  std::uint64_t counter_ = 0;
};

}  // namespace hems::app
