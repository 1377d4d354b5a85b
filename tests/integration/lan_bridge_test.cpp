// The real hems2mqtt with [lan] enabled, in its own network namespace, against simulated
// ECHONET Lite nodes in theirs (real multicast over a Linux bridge). Needs root; skips otherwise.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "lan_bridge_rig.hpp"
#include "support/ha_rules.hpp"

namespace hems::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Accepts the response that carries transaction `t`.
std::function<bool(const json&)> by_transaction(const std::string& t) {
  return [t](const json& r) { return r.value("transaction", "") == t; };
}

class LanBridge : public LanBridgeTest {
 protected:
  void SetUp() override {
    LanBridgeTest::SetUp();
    if (!IsSkipped())
      start_rig(2);
  }
};

TEST_F(LanBridge, DiscoversNodesPublishesStatesAndHomeAssistantConfigs) {
  start_node(0, {"--object", "aircon", "--object", "light", "--node-id",
                 "00000000000000000000000000000A01"});
  start_node(1, {"--object", "battery", "--object", "solar", "--node-id",
                 "00000000000000000000000000000B02"});
  start_bridge();
  auto list = device_list([](const json& l) { return l.is_array() && l.size() >= 4; }, 30s);
  ASSERT_TRUE(list) << "four devices expected";
  auto aircon = find_device(*list, "0x013001");
  ASSERT_TRUE(aircon);
  EXPECT_EQ((*aircon)["class"], "home_air_conditioner");
  EXPECT_EQ((*aircon)["address"], rig_->ipv4(rig_->node(0)));
  const std::string id = (*aircon)["id"];
  auto state = mqtt_->wait_json(
      "hems2mqtt/" + id, [](const json& s) { return s.contains("operation_status"); }, 20s);
  ASSERT_TRUE(state);
  EXPECT_TRUE((*state)["operation_status"].is_boolean());
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id + "/availability", [](const json& s) { return s["state"] == "online"; },
      10s));
  // Every appliance discovery config follows Home Assistant's rules (the latest per topic:
  // republishing the same topic is an update, not a second entity).
  std::map<std::string, std::string> latest;
  for (const auto& m : mqtt_->messages()) {
    if (m.topic.starts_with("homeassistant/"))
      latest[m.topic] = m.payload;
  }
  std::vector<json> configs;
  for (const auto& [topic, payload] : latest) {
    if (payload.empty())
      continue;
    auto j = json::parse(payload, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << topic;
    EXPECT_EQ(test::check_discovery(topic, j), std::vector<std::string>{}) << topic;
    configs.push_back(j);
  }
  EXPECT_FALSE(configs.empty());
  EXPECT_EQ(test::check_unique_ids(configs), std::vector<std::string>{});
}

TEST_F(LanBridge, JapaneseNamesWhenTheConfigAsksForThem) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_node(1, {"--object", "battery", "--node-id", "00000000000000000000000000000B02"});
  start_bridge(kFastPolls, "discovery_language = \"ja\"");
  // The latest sensor config of `object` on a device of the given model, with its topic.
  struct Found {
    std::string topic;
    json config;
  };
  auto find = [&](const std::string& object, const std::string& model) -> std::optional<Found> {
    std::optional<Found> found;
    for (const auto& m : mqtt_->messages()) {
      if (!m.topic.starts_with("homeassistant/sensor/") ||
          !m.topic.ends_with("/" + object + "/config"))
        continue;
      auto j = json::parse(m.payload, nullptr, false);
      if (!j.is_discarded() && j.is_object() && j["device"].value("model", "") == model)
        found = Found{m.topic, j};
    }
    return found;
  };
  std::optional<Found> room, soc;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!(room && soc) && std::chrono::steady_clock::now() < deadline) {
    room = find("room_temperature", "家庭用エアコン");
    soc = find("remaining_capacity3", "蓄電池");
    std::this_thread::sleep_for(50ms);  // polling interval of a bounded wait
  }
  ASSERT_TRUE(room && soc) << "no Japanese discovery for the air conditioner and the battery";
  EXPECT_EQ(room->config["name"], "室内温度計測値");
  EXPECT_EQ(soc->config["name"], "蓄電残量3");
  // Ids stay ASCII and as in English.
  EXPECT_TRUE(room->config["unique_id"].get<std::string>().ends_with("_013001_room_temperature"));
  EXPECT_TRUE(soc->config["unique_id"].get<std::string>().ends_with("_027d01_remaining_capacity3"));
  for (const Found* found : {&*room, &*soc})
    EXPECT_EQ(test::check_discovery(found->topic, found->config), std::vector<std::string>{})
        << found->topic;
}

TEST_F(LanBridge, GetAndSetAcceptedRejectedAndTimedOut) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge();
  auto list = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  const std::string response = "hems2mqtt/" + id + "/response";

  mqtt_->publish("hems2mqtt/" + id + "/get", R"({"transaction":"g1","target_temperature":""})");
  auto got = mqtt_->wait_json(response, by_transaction("g1"), 15s);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["status"], "ok");
  EXPECT_TRUE((*got)["data"].contains("target_temperature"));

  mqtt_->publish("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":23,"operation_status":true})");
  auto set = mqtt_->wait_json(response, by_transaction("s1"), 15s);
  ASSERT_TRUE(set);
  EXPECT_EQ((*set)["status"], "ok") << set->dump();
  EXPECT_EQ((*set)["data"]["target_temperature"], "accepted");
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id, [](const json& s) { return s.value("target_temperature", 0) == 23; },
      15s));

  // Out of the ECHONET range: refused before anything is sent.
  mqtt_->publish("hems2mqtt/" + id + "/set", R"({"transaction":"s2","target_temperature":99})");
  auto refused = mqtt_->wait_json(response, by_transaction("s2"), 15s);
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["status"], "error");
  EXPECT_EQ((*refused)["data"]["target_temperature"], "rejected");

  // Raw bytes the device itself refuses: SetC_SNA.
  mqtt_->publish("hems2mqtt/" + id + "/set", R"({"transaction":"s3","0xB3":"63"})");
  auto sna = mqtt_->wait_json(response, by_transaction("s3"), 15s);
  ASSERT_TRUE(sna);
  EXPECT_EQ((*sna)["data"]["0xB3"], "rejected") << sna->dump();

  // Raw access by address: the device's answer as it came.
  mqtt_->publish("hems2mqtt/bridge/request/echonet",
                 R"({"transaction":"r1","address":")" + rig_->ipv4(rig_->node(0)) +
                     R"(","eoj":"0x013001","esv":"get","properties":{"0x80":""}})");
  auto raw = mqtt_->wait_json("hems2mqtt/bridge/response/echonet", by_transaction("r1"), 15s);
  ASSERT_TRUE(raw);
  EXPECT_EQ((*raw)["data"]["esv"], "0x72");
}

// With `allow_set` naming only the power switch, a temperature set and a raw SetC are refused
// with the reason and never reach the device: its value stays what it was.
TEST_F(LanBridge, SetsTheAllowListDoesNotNameAreRefusedAndNeverSent) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge(std::string(kFastPolls) + "allow_set = [\"0x0130/operation_status\"]\n");
  auto list = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  const std::string response = "hems2mqtt/" + id + "/response";
  mqtt_->publish("hems2mqtt/" + id + "/get", R"({"transaction":"g1","target_temperature":""})");
  auto before = mqtt_->wait_json(response, by_transaction("g1"), 15s);
  ASSERT_TRUE(before);
  const json original = (*before)["data"]["target_temperature"];
  const int wanted = original.get<int>() == 20 ? 21 : 20;

  mqtt_->publish("hems2mqtt/" + id + "/set", R"({"transaction":"s1","operation_status":true,)" +
                                                 std::string(R"("target_temperature":)") +
                                                 std::to_string(wanted) + "}");
  auto set = mqtt_->wait_json(response, by_transaction("s1"), 15s);
  ASSERT_TRUE(set);
  EXPECT_EQ((*set)["data"]["operation_status"], "accepted") << set->dump();
  EXPECT_EQ((*set)["data"]["target_temperature"], "rejected") << set->dump();
  EXPECT_NE((*set)["error"].get<std::string>().find("not allowed by lan.allow_set"),
            std::string::npos)
      << set->dump();

  mqtt_->publish("hems2mqtt/bridge/request/echonet",
                 R"({"transaction":"r1","address":")" + rig_->ipv4(rig_->node(0)) +
                     R"(","eoj":"0x013001","esv":"setc","properties":{"0xB3":"15"}})");
  auto raw = mqtt_->wait_json("hems2mqtt/bridge/response/echonet", by_transaction("r1"), 15s);
  ASSERT_TRUE(raw);
  EXPECT_EQ((*raw)["status"], "error");
  EXPECT_NE((*raw)["error"].get<std::string>().find("not allowed by lan.allow_set"),
            std::string::npos)
      << raw->dump();

  mqtt_->publish("hems2mqtt/" + id + "/get", R"({"transaction":"g2","target_temperature":""})");
  auto after = mqtt_->wait_json(response, by_transaction("g2"), 15s);
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["data"]["target_temperature"], original) << "a refused set reached the device";
}

TEST_F(LanBridge, SilentDeviceTimesOutAndGoesOffline) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge();
  auto list = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  nodes_[0]->signal(SIGKILL);  // the node disappears
  const std::size_t from = mqtt_->mark();
  mqtt_->publish("hems2mqtt/" + id + "/set", R"({"transaction":"t1","operation_status":false})");
  auto timed_out = mqtt_->wait_json(
      "hems2mqtt/" + id + "/response",
      [](const json& r) { return r.value("transaction", "") == "t1"; }, 30s, from);
  ASSERT_TRUE(timed_out);
  EXPECT_EQ((*timed_out)["data"]["operation_status"], "timeout");
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id + "/availability", [](const json& s) { return s["state"] == "offline"; },
      60s, from));
}

TEST_F(LanBridge, LateJoinerAndAddressChangeKeepStableIds) {
  start_node(0, {"--object", "light", "--node-id", "00000000000000000000000000000A01"});
  start_node(1, {"--object", "battery", "--node-id", "00000000000000000000000000000B02",
                 "--late-join", "4"});
  start_bridge();
  auto first = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(first);
  auto late = device_list(
      [](const json& l) {
        for (const auto& d : l) {
          if (d.value("eoj", "") == "0x027D01")
            return true;
        }
        return false;
      },
      60s);
  ASSERT_TRUE(late) << "the late joiner was not found";
  const std::string light_id = find_device(*late, "0x029001").value()["id"];
  const std::size_t from = mqtt_->mark();
  rig_->move_address(rig_->node(0), "192.0.2.77");
  nodes_[0]->write_stdin("announce\n");
  auto moved = device_list(
      [&](const json& l) {
        auto d = find_device(l, "0x029001");
        return d && (*d)["address"] == "192.0.2.77";
      },
      60s, from);
  ASSERT_TRUE(moved) << "the new address was not picked up";
  EXPECT_EQ(find_device(*moved, "0x029001").value()["id"], light_id)
      << "id changed with the address";
}

TEST_F(LanBridge, MalformedDatagramsAreIgnoredWithoutHarm) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge();
  ASSERT_TRUE(device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s));
  NetnsUdpSocket hostile(rig_->node(1), NetnsUdpSocket::Family::ipv4, 3610, NetnsRig::kInterface,
                         "224.0.23.0");
  const std::vector<std::string> garbage = {
      "",
      "10",
      "1081",
      "1082000105FF010EF0016201D600",        // wrong EHD
      "1081000105FF010EF00162",              // no OPC
      "1081000105FF010EF0016205D600",        // OPC beyond the data
      "1081000105FF010EF0016201D6FF00",      // PDC beyond the data
      "1081000105FF010EF0017F01D600",        // unknown ESV
      "108100010EF0010EF0017201D604020130",  // answer nobody asked for
      std::string(3000, 'F'),
  };
  for (const auto& hex : garbage) {
    auto bytes = from_hex(hex.size() % 2 ? hex + "0" : hex).value_or(Bytes{0xFF});
    hostile.send_to(bytes, NetnsRig::kControllerIpv4, 3610);
    hostile.send_to(bytes, "224.0.23.0", 3610);
  }
  const std::size_t from = mqtt_->mark();
  // Still polling and publishing afterwards.
  auto list = device_list([](const json& l) { return l.is_array() && l.size() == 1; }, 5s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  mqtt_->publish("hems2mqtt/" + id + "/get", R"({"transaction":"after"})");
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id + "/response",
      [](const json& r) { return r.value("transaction", "") == "after"; }, 15s, from));
  EXPECT_TRUE(bridge_->running());
}

TEST_F(LanBridge, PartialAnswersAreKeptAndLossyNodesReachedByRetries) {
  start_node(0,
             {"--object", "aircon", "--node-id", "00000000000000000000000000000A01", "--partial"});
  start_node(1, {"--object", "light", "--node-id", "00000000000000000000000000000B02", "--lossy",
                 "40", "--seed", "5"});
  start_bridge();
  auto list = device_list([](const json& l) { return l.is_array() && l.size() >= 2; }, 60s);
  ASSERT_TRUE(list) << "the lossy node must be found through retries";
  const std::string aircon = find_device(*list, "0x013001").value()["id"];
  const std::string light = find_device(*list, "0x029001").value()["id"];
  // The partial node leaves EPCs out of multi-EPC answers: what came back is used.
  mqtt_->publish(
      "hems2mqtt/" + aircon + "/get",
      R"({"transaction":"p1","operation_status":"","room_temperature":"","target_temperature":""})");
  auto partial = mqtt_->wait_json(
      "hems2mqtt/" + aircon + "/response",
      [](const json& r) { return r.value("transaction", "") == "p1"; }, 20s);
  ASSERT_TRUE(partial);
  EXPECT_FALSE((*partial)["data"].empty()) << partial->dump();
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + light, [](const json& s) { return s.contains("operation_status"); }, 60s));
  EXPECT_NE(bridge_->output().find(": retry "), std::string::npos) << "no retry was logged";
}

TEST_F(LanBridge, HealthCheckCountsTheDevicesThatAnswer) {
  start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge();
  auto list = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  ASSERT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id + "/availability", [](const json& s) { return s["state"] == "online"; },
      10s));
  auto health = [&](const std::string& transaction) {
    const std::size_t from = mqtt_->mark();
    mqtt_->publish("hems2mqtt/bridge/request/health_check",
                   R"({"transaction":")" + transaction + "\"}");
    return mqtt_->wait_json(
        "hems2mqtt/bridge/response/health_check",
        [&](const json& r) { return r.value("transaction", "") == transaction; }, 15s, from);
  };
  auto reply = health("h1");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "ok") << reply->dump();
  EXPECT_EQ((*reply)["data"]["lan"],
            (json{{"status", "ok"}, {"devices_online", 1}, {"devices_total", 1}}));
  EXPECT_EQ((*reply)["data"]["meter_link"]["status"], "disabled");

  // The only device vanishes: a LAN where nobody answers is a problem.
  const std::size_t from = mqtt_->mark();
  nodes_[0]->signal(SIGKILL);
  ASSERT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id + "/availability", [](const json& s) { return s["state"] == "offline"; },
      90s, from));
  reply = health("h2");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["status"], "error");
  EXPECT_EQ((*reply)["data"]["lan"]["status"], "problem");
  EXPECT_EQ((*reply)["data"]["lan"]["devices_online"], 0);
  EXPECT_EQ((*reply)["error"], "unhealthy: lan: the only LAN device does not answer");
}

}  // namespace
}  // namespace hems::testing
