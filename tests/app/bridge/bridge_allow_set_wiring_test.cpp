// lan.allow_set through the real bridge: what it refuses is answered rejected and never reaches
// the LAN; what it allows is sent as before. Sets on <base>/<device>/set and raw sets alike.

#include <optional>
#include <string>
#include <vector>

#include "fakes/bridge_harness.hpp"

namespace hems::test {
namespace {

class AllowSetWiring : public BridgeHarness {
 protected:
  static constexpr const char* kNode = "192.0.2.10";

  app::Config lan_config(std::optional<std::vector<std::string>> allow_set) const {
    app::Config c = config();
    c.meter.enabled = false;
    c.lan.enabled = true;
    c.lan.ipv6 = false;
    c.lan.allow_set = std::move(allow_set);
    return c;
  }
  // Starts the bridge with one node holding `objects` and returns the first device's id.
  std::string start_with(std::optional<std::vector<std::string>> allow_set,
                         std::vector<sim::LanObjectKind> objects = {sim::LanObjectKind::aircon}) {
    sim::LanOptions node;
    node.objects = std::move(objects);
    node.node_id = Bytes(13, 0);
    node.node_id.back() = 1;
    node.maker = {0x00, 0x00, 0x0B};
    lan_.add_node(kNode, node);
    start(lan_config(std::move(allow_set)), sim_options());
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
  // The EPCs of every SetC / SetI / SetGet the bridge sent since `from` (an index into its sends).
  std::vector<std::vector<std::uint8_t>> sets_sent(std::size_t from) const {
    std::vector<std::vector<std::uint8_t>> out;
    const auto& sends = lan_.bridge_sends();
    for (std::size_t i = from; i < sends.size(); ++i) {
      const Bytes& frame = sends[i].payload;
      // EHD1 EHD2 TID(2) SEOJ(3) DEOJ(3) ESV OPC, then EPC PDC EDT per property.
      if (frame.size() < 12 || (frame[10] != 0x60 && frame[10] != 0x61 && frame[10] != 0x6E))
        continue;
      std::vector<std::uint8_t> epcs;
      std::size_t at = 12;
      for (int n = 0; n < frame[11] && at + 1 < frame.size(); ++n) {
        epcs.push_back(frame[at]);
        at += 2u + std::size_t{frame[at + 1]};
      }
      out.push_back(std::move(epcs));
    }
    return out;
  }
  std::string raw_set(const std::string& transaction, const std::string& address,
                      const std::string& eoj, const std::string& properties,
                      const std::string& esv = "setc") {
    return R"({"transaction":")" + transaction + R"(","address":")" + address + R"(","eoj":")" +
           eoj + R"(","esv":")" + esv + R"(","properties":)" + properties + "}";
  }
};

TEST_F(AllowSetWiring, ARefusedSetIsAnsweredRejectedAndNothingIsSent) {
  const std::string id = start_with(std::vector<std::string>{});  // allows nothing
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";
  const std::size_t sends = lan_.bridge_sends().size();

  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"s1","target_temperature":23})");
  loop_.run_ready();
  auto answer = response(reply, "s1");
  ASSERT_TRUE(answer) << "refused at once, without waiting for the device";
  EXPECT_EQ((*answer)["status"], "error");
  EXPECT_EQ((*answer)["data"], json({{"target_temperature", "rejected"}}));
  EXPECT_EQ((*answer)["error"],
            "rejected: target_temperature; target_temperature: not allowed by lan.allow_set");
  // Run on: polls go out, the set never does.
  run([] { return false; }, std::chrono::minutes(2));
  EXPECT_TRUE(sets_sent(sends).empty());
}

TEST_F(AllowSetWiring, TheAllowedPropertiesOfARequestAreStillSent) {
  const std::string id = start_with(std::vector<std::string>{"0x0130/operation_status"});
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";
  const std::size_t sends = lan_.bridge_sends().size();

  mqtt_->deliver("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":23,"operation_status":false})");
  ASSERT_TRUE(wait_response(reply, "s1"));
  auto answer = response(reply, "s1");
  EXPECT_EQ((*answer)["status"], "error");
  EXPECT_EQ((*answer)["data"]["operation_status"], "accepted") << answer->dump();
  EXPECT_EQ((*answer)["data"]["target_temperature"], "rejected");
  EXPECT_NE((*answer)["error"].get<std::string>().find(
                "target_temperature: not allowed by lan.allow_set"),
            std::string::npos)
      << answer->dump();
  // One SetC, with 0x80 alone.
  EXPECT_EQ(sets_sent(sends), (std::vector<std::vector<std::uint8_t>>{{0x80}}));
  EXPECT_TRUE(run([&] {
    return published("hems2mqtt/" + id, 0,
                     [](const json& s) { return s.value("operation_status", true) == false; });
  }));
}

TEST_F(AllowSetWiring, ARefusalIsLoggedOnceForTheRequestWithoutItsValues) {
  const std::string id = start_with(std::vector<std::string>{"*/operation_status"});
  ASSERT_FALSE(id.empty());
  ::testing::internal::CaptureStdout();
  mqtt_->deliver("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":23,"0xF5":"C0FFEE",)"
                 R"("operation_status":true})");
  ASSERT_TRUE(wait_response("hems2mqtt/" + id + "/response", "s1"));
  const std::string output = ::testing::internal::GetCapturedStdout();
  std::size_t lines = 0;
  for (std::size_t at = output.find("allow_set"); at != std::string::npos;
       at = output.find("allow_set", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << output;
  EXPECT_NE(output.find("WARN"), std::string::npos) << output;
  EXPECT_NE(
      output.find("set for " + id + ": not allowed by lan.allow_set: 0xF5, target_temperature"),
      std::string::npos)
      << output;
  EXPECT_EQ(output.find("C0FFEE"), std::string::npos) << output;
  EXPECT_EQ((*response("hems2mqtt/" + id + "/response", "s1"))["data"]["operation_status"],
            "accepted");
}

TEST_F(AllowSetWiring, ByDefaultWhatHomeAssistantControlsGoesOut) {
  const std::string id = start_with(std::nullopt);
  ASSERT_FALSE(id.empty());
  const std::string reply = "hems2mqtt/" + id + "/response";
  const std::size_t sends = lan_.bridge_sends().size();

  // The climate entity writes the target temperature; the installation location has no entity.
  mqtt_->deliver("hems2mqtt/" + id + "/set",
                 R"({"transaction":"s1","target_temperature":22,"0x81":"08"})");
  ASSERT_TRUE(wait_response(reply, "s1"));
  auto answer = response(reply, "s1");
  EXPECT_EQ((*answer)["data"]["target_temperature"], "accepted") << answer->dump();
  EXPECT_EQ((*answer)["data"]["0x81"], "rejected");
  EXPECT_EQ(sets_sent(sends), (std::vector<std::vector<std::uint8_t>>{{0xB3}}));
}

TEST_F(AllowSetWiring, ByDefaultMakerSpecificPropertiesNeedAPattern) {
  const std::string id = start_with(std::nullopt, {sim::LanObjectKind::maker_specific});
  ASSERT_FALSE(id.empty());
  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"m1","0xF5":"0A1B0C"})");
  loop_.run_ready();
  auto refused = response("hems2mqtt/" + id + "/response", "m1");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["data"]["0xF5"], "rejected");
}

TEST_F(AllowSetWiring, APatternForTheEpcLetsAMakerSpecificSetThrough) {
  const std::string id =
      start_with(std::vector<std::string>{"*/0xF5"}, {sim::LanObjectKind::maker_specific});
  ASSERT_FALSE(id.empty());
  mqtt_->deliver("hems2mqtt/" + id + "/set", R"({"transaction":"m1","0xF5":"0A1B0C"})");
  ASSERT_TRUE(wait_response("hems2mqtt/" + id + "/response", "m1"));
  auto answer = response("hems2mqtt/" + id + "/response", "m1");
  EXPECT_EQ((*answer)["status"], "ok") << answer->dump();
  EXPECT_EQ((*answer)["data"]["0xF5"], "accepted");
}

TEST_F(AllowSetWiring, ARawSetItDoesNotAllowIsRefusedUnsent) {
  const std::string id = start_with(std::nullopt);
  ASSERT_FALSE(id.empty());
  const std::size_t sends = lan_.bridge_sends().size();

  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r1", kNode, "0x013001", R"({"0x80":"31","0x81":"08"})"));
  loop_.run_ready();
  auto refused = response(kRawResponse, "r1");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["status"], "error");
  EXPECT_EQ((*refused)["error"], "not allowed by lan.allow_set on " + id + ": 0x81");
  EXPECT_EQ((*refused)["data"], json::object());
  EXPECT_TRUE(sets_sent(sends).empty()) << "a raw frame is sent whole or not at all";

  // What Home Assistant controls goes through raw too.
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r2", kNode, "0x013001", R"({"0x80":"31"})"));
  ASSERT_TRUE(wait_response(kRawResponse, "r2"));
  EXPECT_EQ((*response(kRawResponse, "r2"))["data"]["esv"], "0x71");
  EXPECT_EQ(sets_sent(sends), (std::vector<std::vector<std::uint8_t>>{{0x80}}));
}

TEST_F(AllowSetWiring, ARawSetToNoKnownDeviceNeedsEverythingAllowed) {
  const std::string id = start_with(std::vector<std::string>{"0x0130/*"});
  ASSERT_FALSE(id.empty());
  const std::size_t sends = lan_.bridge_sends().size();
  // Another instance of the class at the same node, and every instance (0): no known device.
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r1", kNode, "0x013002", R"({"0x80":"31"})"));
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r2", kNode, "0x013000", R"({"0x80":"31"})", "seti"));
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r3", "192.0.2.99", "0x013001", R"({"0x80":"31"})"));
  loop_.run_ready();
  for (const char* transaction : {"r1", "r2", "r3"}) {
    auto refused = response(kRawResponse, transaction);
    ASSERT_TRUE(refused) << transaction;
    EXPECT_NE((*refused)["error"].get<std::string>().find("not allowed by lan.allow_set: 0x0130"),
              std::string::npos)
        << refused->dump();
  }
  EXPECT_TRUE(sets_sent(sends).empty());
  // The same class pattern allows the known device itself.
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r4", kNode, "0x013001", R"({"0x81":"08"})"));
  ASSERT_TRUE(wait_response(kRawResponse, "r4"));
  EXPECT_EQ((*response(kRawResponse, "r4"))["status"], "ok");
}

TEST_F(AllowSetWiring, StarLetsARawSetReachAnyAddress) {
  ASSERT_FALSE(start_with(std::vector<std::string>{"*"}).empty());
  const std::size_t sends = lan_.bridge_sends().size();
  // Every air conditioner instance of the node at once; SetI gets no answer when it works.
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 raw_set("r1", kNode, "0x013000", R"({"0x80":"31"})", "seti"));
  loop_.run_ready();
  EXPECT_FALSE(response(kRawResponse, "r1")) << "not refused";
  EXPECT_EQ(sets_sent(sends), (std::vector<std::vector<std::uint8_t>>{{0x80}}));
}

TEST_F(AllowSetWiring, RawGetsAreNeverRestricted) {
  ASSERT_FALSE(start_with(std::vector<std::string>{}).empty());
  mqtt_->deliver("hems2mqtt/bridge/request/echonet",
                 R"({"transaction":"g1","address":"192.0.2.10","eoj":"0x013001","esv":"get",)"
                 R"("properties":{"0x81":""}})");
  ASSERT_TRUE(wait_response(kRawResponse, "g1"));
  EXPECT_EQ((*response(kRawResponse, "g1"))["data"]["esv"], "0x72");
}

}  // namespace
}  // namespace hems::test
