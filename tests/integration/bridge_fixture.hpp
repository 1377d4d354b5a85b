#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "mqtt_observer.hpp"
#include "support/mosquitto.hpp"

namespace hems::testing {

using namespace std::chrono_literals;
using nlohmann::json;

struct SimSetup {
  std::string dialect = "bp35a1";
  std::string transport = "pty";   // pty | tcp
  std::vector<std::string> extra;  // more hems2mqtt-sim options
};

// A real Mosquitto, a real hems2mqtt-sim and the real hems2mqtt, wired together in a temp dir.
class BridgeFixture : public ::testing::Test {
 protected:
  static constexpr const char* kRouteBId = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E";
  static constexpr const char* kPassword = "SIMULATORPW1";
  static constexpr const char* kStateTopic = "hems2mqtt/smart_meter";
  static constexpr const char* kAvailabilityTopic = "hems2mqtt/smart_meter/availability";

  void SetUp() override {
    dir_ = make_temp_dir("hems-it");
    broker_ = std::make_unique<test::MosquittoBroker>(broker_options());
    broker_->start();
    observer_ = std::make_unique<MqttObserver>(
        broker_->uri(), std::vector<std::string>{"hems2mqtt/#", "homeassistant/#"});
    ASSERT_TRUE(observer_->wait_connected(10s));
  }

  void TearDown() override {
    if (HasFailure()) {
      if (bridge_)
        std::cerr << "---- hems2mqtt output ----\n" << tail(bridge_->output()) << "\n";
      if (sim_)
        std::cerr << "---- hems2mqtt-sim output ----\n" << tail(sim_->output()) << "\n";
    }
    bridge_.reset();
    sim_.reset();
    observer_.reset();
    broker_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  virtual test::MosquittoBroker::Options broker_options() const { return {}; }

  static std::string tail(const std::string& text) {
    return text.size() > 12000 ? text.substr(text.size() - 12000) : text;
  }

  void start_sim(const SimSetup& setup) {
    sim_setup_ = setup;
    std::vector<std::string> args{"--dialect", setup.dialect, "--speed", "20", "--seed", "7"};
    if (setup.transport == "pty") {
      args.insert(args.end(), {"--pty", dir_ + "/wisun"});
    } else {
      args.insert(args.end(), {"--tcp", "0"});
    }
    args.insert(args.end(), setup.extra.begin(), setup.extra.end());
    sim_ = std::make_unique<ChildProcess>(binary_dir() + "/src/sim/hems2mqtt-sim", args);
    auto ready = sim_->wait_for_output("READY ", 10s);
    ASSERT_TRUE(ready) << sim_->output();
    const std::string out = sim_->output();
    const std::string line = out.substr(*ready, out.find('\n', *ready) - *ready);
    if (setup.transport == "pty") {
      device_ = dir_ + "/wisun";
    } else {
      device_ = "tcp://" + line.substr(line.find(' ') + 1);
    }
  }

  void write_config(const std::string& extra_meter = "", const std::string& extra_mqtt = "") {
    std::ofstream out(dir_ + "/config.toml");
    out << "[mqtt]\nserver = \"" << broker_->uri() << "\"\n"
        << extra_mqtt << "\n"
        << "[meter]\ndevice = \"" << device_ << "\"\n"
        << "id = \"" << kRouteBId << "\"\npassword = \"" << kPassword << "\"\n"
        << "state_dir = \"" << dir_ << "/state\"\n"
        << "instant_interval = 2\nenergy_interval = 4\nresponse_timeout = 3\n"
        << extra_meter << "\n[log]\nlevel = \"" << log_level_ << "\"\n";
  }

  void start_bridge() {
    bridge_ =
        std::make_unique<ChildProcess>(binary_dir() + "/src/app/hems2mqtt",
                                       std::vector<std::string>{"--config", dir_ + "/config.toml"});
  }

  // Starts everything and waits for the first complete reading.
  void start_all(const SimSetup& setup, const std::string& extra_meter = "",
                 const std::string& extra_mqtt = "") {
    start_sim(setup);
    write_config(extra_meter, extra_mqtt);
    start_bridge();
    ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s))
        << "no reading published";
  }

  // Waits for a retained state message (after message index `from`) that satisfies `accept`.
  std::optional<json> wait_state(const std::function<bool(const json&)>& accept,
                                 std::chrono::milliseconds timeout, std::size_t from = 0) {
    auto msg = observer_->wait_for(
        kStateTopic, timeout,
        [&](const mqtt::Message& m) {
          auto j = json::parse(m.payload, nullptr, false);
          return !j.is_discarded() && accept(j);
        },
        from);
    if (!msg)
      return std::nullopt;
    return json::parse(msg->payload);
  }

  bool wait_availability(const std::string& state, std::chrono::milliseconds timeout,
                         std::size_t from = 0) {
    return observer_
        ->wait_for(
            kAvailabilityTopic, timeout,
            [&](const mqtt::Message& m) { return m.payload == R"({"state":")" + state + "\"}"; },
            from)
        .has_value();
  }

  void fault(const std::string& kind, int seconds = 0) {
    // Appended, not `" " + std::to_string(...)`: a false -Wrestrict with GCC 12 at -O2.
    std::string command = "fault " + kind;
    if (seconds) {
      command += ' ';
      command += std::to_string(seconds);
    }
    command += '\n';
    sim_->write_stdin(command);
  }

  std::size_t mark() const { return observer_->count(); }

  // Every state message published so far, parsed.
  std::vector<json> states() const {
    std::vector<json> out;
    for (const auto& m : observer_->messages()) {
      if (m.topic == kStateTopic)
        out.push_back(json::parse(m.payload, nullptr, false));
    }
    return out;
  }

  std::string dir_;
  std::string device_;
  std::string log_level_ = "debug";  // [log] level of the bridge's config
  SimSetup sim_setup_;
  std::unique_ptr<test::MosquittoBroker> broker_;
  std::unique_ptr<MqttObserver> observer_;
  std::unique_ptr<ChildProcess> sim_;
  std::unique_ptr<ChildProcess> bridge_;
};

}  // namespace hems::testing
