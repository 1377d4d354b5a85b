#pragma once

// The whole bridge in-process: the real Bridge, MeterLink, LanLink, presenters and router, on a
// manual-time loop, with a fake broker, the simulated dongle and meter on a fake serial port, and
// simulated appliances on a fake LAN. Deterministic and fast: simulated hours take milliseconds.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/temp_dir.hpp"
#include "fake_mqtt.hpp"
#include "hems/app/bridge.hpp"
#include "manual_loop.hpp"
#include "sim_lan.hpp"
#include "sim_serial.hpp"

namespace hems::test {

using nlohmann::json;
using namespace std::chrono_literals;

class BridgeHarness : public ::testing::Test {
 protected:
  static constexpr const char* kRouteBId = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E";
  static constexpr const char* kPassword = "SIMULATORPW1";
  static constexpr const char* kState = "hems2mqtt/smart_meter";
  static constexpr const char* kAvailability = "hems2mqtt/smart_meter/availability";
  static constexpr const char* kResponse = "hems2mqtt/smart_meter/response";
  static constexpr const char* kRawResponse = "hems2mqtt/bridge/response/echonet";

  app::Config config() const {
    app::Config c;
    c.meter.id = kRouteBId;
    c.meter.password = kPassword;
    c.meter.state_dir = dir_.path().string();
    c.meter.device = "sim";
    c.mqtt.client_id = "hems2mqtt-test";
    return c;
  }

  sim::SimOptions sim_options() const {
    sim::SimOptions o;
    o.rbid = kRouteBId;
    o.password = kPassword;
    o.seed = 7;
    return o;
  }

  // Builds the bridge; with `meter` the simulated dongle is on its serial port.
  void make_bridge(const app::Config& c, const sim::SimOptions& options) {
    auto serial = std::make_unique<SimSerial>(loop_, options);
    serial_ = serial.get();
    bridge_ = std::make_unique<app::Bridge>(c, loop_, std::make_unique<FakeMqtt>(mqtt_),
                                            std::move(serial), lan_.opener());
  }
  void start(const app::Config& c, const sim::SimOptions& options) {
    make_bridge(c, options);
    bridge_->start();
    mqtt_->connect();
    loop_.run_ready();
  }
  void start() { start(config(), sim_options()); }

  // Runs simulated time until `done` holds; at most `limit` of it.
  bool run(const std::function<bool()>& done, Duration limit = std::chrono::minutes(10)) {
    return loop_.run_for(limit, done);
  }
  std::size_t mark() const { return mqtt_->published.size(); }
  bool published(const std::string& topic, std::size_t from,
                 const std::function<bool(const json&)>& check = {}) const {
    for (const auto& m : mqtt_->on(topic, from)) {
      json j = json::parse(m.payload, nullptr, false);
      if (!check || (!j.is_discarded() && check(j)))
        return true;
    }
    return false;
  }
  std::optional<json> response(const std::string& topic, const std::string& transaction,
                               std::size_t from = 0) const {
    for (const auto& m : mqtt_->on(topic, from)) {
      json j = json::parse(m.payload, nullptr, false);
      if (!j.is_discarded() && j.value("transaction", "") == transaction)
        return j;
    }
    return std::nullopt;
  }
  bool wait_response(const std::string& topic, const std::string& transaction,
                     Duration limit = std::chrono::minutes(3)) {
    return run([&] { return response(topic, transaction).has_value(); }, limit);
  }
  bool wait_reading(std::size_t from = 0) {
    return run([&] {
      return published(kState, from, [](const json& s) { return s.contains("power_w"); });
    });
  }

  TempDir dir_;
  ManualLoop loop_;
  std::shared_ptr<MqttRecord> mqtt_ = std::make_shared<MqttRecord>();
  SimLan lan_{loop_};
  SimSerial* serial_ = nullptr;  // owned by the bridge
  std::unique_ptr<app::Bridge> bridge_;
};

}  // namespace hems::test
