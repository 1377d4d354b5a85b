#include "lan_bridge_rig.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace hems::testing {

using namespace std::chrono_literals;
using nlohmann::json;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(50ms);  // polling interval of a bounded wait
  }
  return true;
}

NamespaceMqtt::NamespaceMqtt(const NetnsRig& rig, const std::string& ns, const std::string& dir)
    : rig_(rig), ns_(ns) {
  std::ofstream(dir + "/mosquitto.conf")
      << "listener " << kBrokerPort << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
  broker_ = rig.run_in(ns, "/usr/sbin/mosquitto", {"-c", dir + "/mosquitto.conf"});
  // mosquitto_sub retries until the broker is up only with a loop; start it once the broker
  // logs that it is listening.
  EXPECT_TRUE(broker_->wait_for_output("Opening ipv4 listen socket", 10s) ||
              broker_->wait_for_output("running", 1s));
  sub_ = rig.run_in(ns, "/usr/bin/mosquitto_sub",
                    {"-p", std::to_string(kBrokerPort), "-v", "-t", "#", "-F", "%U %t %p"});
}

std::vector<MqttMessage> NamespaceMqtt::messages() const {
  std::vector<MqttMessage> out;
  std::istringstream in(sub_->output());
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find(' ');
    const auto second = first == std::string::npos ? first : line.find(' ', first + 1);
    if (second == std::string::npos)
      continue;
    MqttMessage m;
    try {
      m.at = std::stod(line.substr(0, first));
    } catch (const std::exception&) {
      continue;
    }
    m.topic = line.substr(first + 1, second - first - 1);
    m.payload = line.substr(second + 1);
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<json> NamespaceMqtt::wait_json(const std::string& topic,
                                             const std::function<bool(const json&)>& accept,
                                             std::chrono::milliseconds timeout, std::size_t from) {
  std::optional<json> found;
  wait_until(
      [&] {
        auto all = messages();
        for (std::size_t i = from; i < all.size(); ++i) {
          if (all[i].topic != topic)
            continue;
          auto j = json::parse(all[i].payload, nullptr, false);
          if (!j.is_discarded() && accept(j)) {
            found = j;
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

void NamespaceMqtt::publish(const std::string& topic, const std::string& payload) {
  auto pub = rig_.run_in(ns_, "/usr/bin/mosquitto_pub",
                         {"-p", std::to_string(kBrokerPort), "-t", topic, "-m", payload});
  EXPECT_EQ(pub->wait_exit(10s), 0);
}

std::map<std::string, std::string> NamespaceMqtt::retained(const std::string& filter) {
  // The broker hands a new subscriber the retained messages before anything published after the
  // subscription; --retained-only exits at the first message that is not retained. A marker
  // sent until that happens ends the snapshot.
  const std::string marker = "hems2mqtt-test/retained-marker";
  auto snapshot = rig_.run_in(ns_, "/usr/bin/mosquitto_sub",
                              {"-p", std::to_string(kBrokerPort), "-v", "--retained-only", "-t",
                               filter, "-t", marker, "-F", "%t %p"});
  const bool ended = wait_until(
      [&] {
        if (!snapshot->running())
          return true;
        publish(marker, "end");
        return !snapshot->running();
      },
      20s);
  EXPECT_TRUE(ended) << "the retained snapshot did not end";
  std::map<std::string, std::string> out;
  std::istringstream in(snapshot->output());
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    const std::string topic = line.substr(0, space);
    if (topic.empty() || topic == marker)
      continue;
    out[topic] = space == std::string::npos ? std::string() : line.substr(space + 1);
  }
  return out;
}

void LanBridgeTest::start_rig(std::size_t nodes) {
  dir_ = make_temp_dir("hems-lan");
  rig_ = std::make_unique<NetnsRig>(nodes);
  mqtt_ = std::make_unique<NamespaceMqtt>(*rig_, rig_->controller(), dir_);
}

void LanBridgeTest::TearDown() {
  // HEMS_RIG_LOG=1 shows the bridge's whole (debug) log even when the test passed.
  if (bridge_ && std::getenv("HEMS_RIG_LOG") != nullptr)
    std::cerr << "---- hems2mqtt ----\n" << bridge_->output();
  else if (HasFailure() && bridge_)
    std::cerr << "---- hems2mqtt ----\n" << tail(bridge_->output());
  for (auto& n : nodes_) {
    if (HasFailure())
      std::cerr << "---- node ----\n" << tail(n->output());
  }
  bridge_.reset();
  nodes_.clear();
  mqtt_.reset();
  rig_.reset();
  if (!dir_.empty())
    std::filesystem::remove_all(dir_);
}

std::string LanBridgeTest::tail(const std::string& s) {
  return s.size() > 6000 ? s.substr(s.size() - 6000) : s;
}

ChildProcess& LanBridgeTest::start_node(std::size_t index, std::vector<std::string> args) {
  return start_node_in(rig_->node(index), std::move(args));
}

ChildProcess& LanBridgeTest::start_node_in(const std::string& ns, std::vector<std::string> args) {
  args.insert(args.begin(), "lan");
  args.insert(args.end(), {"--interface", NetnsRig::kInterface});
  nodes_.push_back(rig_->run_in(ns, binary_dir() + "/src/sim/hems2mqtt-sim", args));
  EXPECT_TRUE(nodes_.back()->wait_for_output("READY lan", 10s));
  return *nodes_.back();
}

void LanBridgeTest::start_bridge(const std::string& lan_settings, const std::string& extra_mqtt) {
  std::ofstream(dir_ + "/config.toml")
      << "[mqtt]\nserver = \"mqtt://127.0.0.1:" << kBrokerPort << "\"\n"
      << extra_mqtt << "\n"
      << "[meter]\nenabled = false\nstate_dir = \"" << dir_ << "/state\"\n"
      << "[lan]\nenabled = true\ninterface = \"" << NetnsRig::kInterface << "\"\n"
      << lan_settings << "\n[log]\nlevel = \"debug\"\n";
  bridge_ = rig_->run_in(rig_->controller(), binary_dir() + "/src/app/hems2mqtt",
                         {"--config", dir_ + "/config.toml"});
}

std::optional<json> LanBridgeTest::device_list(const std::function<bool(const json&)>& accept,
                                               std::chrono::milliseconds timeout,
                                               std::size_t from) {
  return mqtt_->wait_json("hems2mqtt/bridge/devices", accept, timeout, from);
}

std::optional<json> LanBridgeTest::find_device(const json& list, const std::string& eoj) {
  for (const auto& d : list) {
    if (d.value("eoj", "") == eoj)
      return d;
  }
  return std::nullopt;
}

}  // namespace hems::testing
