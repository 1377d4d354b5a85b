// The LAN's path through the real bridge, in-process: simulated appliances are found, their
// states published, and get/set/raw requests answered with what each device said.

#include "fakes/bridge_harness.hpp"

namespace hems::test {
namespace {

class LanWiring : public BridgeHarness {
 protected:
  static constexpr const char* kNode = "192.0.2.10";

  app::Config lan_config() const {
    app::Config c = config();
    c.meter.enabled = false;
    c.lan.enabled = true;
    c.lan.ipv6 = false;
    return c;
  }
  void add_aircon(const std::string& address, std::uint8_t node_byte) {
    sim::LanOptions options;
    options.objects = {sim::LanObjectKind::aircon};
    options.node_id = Bytes(13, 0);
    options.node_id.back() = node_byte;
    options.maker = {0x00, 0x00, 0x0B};
    lan_.add_node(address, options);
  }
  // The id of the first LAN device in bridge/devices, once there is one.
  std::string first_device() {
    std::string id;
    run([&] {
      auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
      if (!list || !list->is_array() || list->empty())
        return false;
      id = (*list)[0]["id"];
      return true;
    });
    return id;
  }
};

TEST_F(LanWiring, AnApplianceIsFoundAndItsStatePublished) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(run([&] {
    return published("hems2mqtt/" + id, 0,
                     [](const json& s) { return s.contains("operation_status"); });
  }));
  EXPECT_TRUE(published("hems2mqtt/" + id + "/availability", 0,
                        [](const json& s) { return s["state"] == "online"; }));
  EXPECT_GT(mqtt_->count_prefix("homeassistant/climate/"), 0u);
  auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
  EXPECT_EQ((*list)[0]["address"], kNode);
  EXPECT_EQ((*list)[0]["eoj"], "0x013001");
}

TEST_F(LanWiring, SetResultsSayWhatTheDeviceAcceptedAndRefused) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";

  mqtt_->deliver("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":23,"operation_status":true})");
  ASSERT_TRUE(wait_response(reply, "s1"));
  auto set = response(reply, "s1");
  EXPECT_EQ((*set)["status"], "ok") << set->dump();
  EXPECT_EQ((*set)["data"]["target_temperature"], "accepted");
  // The accepted value is read back, so the state shows the device's own view.
  EXPECT_TRUE(run([&] {
    return published("hems2mqtt/" + id, 0,
                     [](const json& s) { return s.value("target_temperature", 0) == 23; });
  }));

  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"s2","target_temperature":99})");
  loop_.run_ready();
  auto refused = response(reply, "s2");
  ASSERT_TRUE(refused) << "an out-of-range value is refused before anything is sent";
  EXPECT_EQ((*refused)["status"], "error");
  EXPECT_EQ((*refused)["data"]["target_temperature"], "rejected");

  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"s3","0xB3":"63"})");
  ASSERT_TRUE(wait_response(reply, "s3"));
  EXPECT_EQ((*response(reply, "s3"))["data"]["0xB3"], "rejected");
}

TEST_F(LanWiring, AGetOfADeviceThatVanishedTimesOutAndItGoesOffline) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  const std::string id = first_device();
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";
  lan_.set_gone(kNode, true);
  mqtt_->deliver("hems2mqtt/" + id + "/get", R"({"transaction":"g1","operation_status":""})");
  ASSERT_TRUE(wait_response(reply, "g1"));
  auto answer = response(reply, "g1");
  EXPECT_EQ((*answer)["status"], "error");
  EXPECT_NE((*answer)["error"].get<std::string>().find("timeout"), std::string::npos);
  EXPECT_TRUE(run(
      [&] {
        return published("hems2mqtt/" + id + "/availability", 0,
                         [](const json& s) { return s["state"] == "offline"; });
      },
      std::chrono::minutes(15)));
}

TEST_F(LanWiring, RawFramesReachAnyAddressAndComeBackAsAnswered) {
  add_aircon(kNode, 1);
  start(lan_config(), sim_options());
  ASSERT_FALSE(first_device().empty());
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 std::string(R"({"transaction":"r1","address":")") + kNode +
                     R"(","eoj":"0x013001","esv":"get","properties":{"0x80":""}})");
  ASSERT_TRUE(wait_response(kRawResponse, "r1"));
  auto raw = response(kRawResponse, "r1");
  EXPECT_EQ((*raw)["status"], "ok");
  EXPECT_EQ((*raw)["data"]["esv"], "0x72");
}

TEST_F(LanWiring, TheSocketIsOpenedAgainWhenThePortWasBusy) {
  add_aircon(kNode, 1);
  lan_.fail_opens(1);
  start(lan_config(), sim_options());
  EXPECT_EQ(lan_.opens(), 0);
  const TimePoint started = loop_.now();
  ASSERT_FALSE(first_device().empty());
  EXPECT_EQ(lan_.opens(), 1);
  EXPECT_GE(loop_.now() - started, std::chrono::seconds(60));
}

TEST_F(LanWiring, TwoAppliancesOfOneMakerAreTwoDevices) {
  add_aircon(kNode, 1);
  add_aircon("192.0.2.11", 2);
  start(lan_config(), sim_options());
  ASSERT_TRUE(run([&] {
    auto list = mqtt_->last_json("hems2mqtt/bridge/devices");
    return list && list->size() == 2;
  }));
  auto list = *mqtt_->last_json("hems2mqtt/bridge/devices");
  EXPECT_NE(list[0]["id"], list[1]["id"]);
}

}  // namespace
}  // namespace hems::test
