// The real hems2mqtt against hems2mqtt-sim (pty and TCP, both dialects) and a real Mosquitto.
#include <csignal>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

struct LinkCase {
  std::string dialect;
  std::string transport;
  std::string payload;  // binary | hex
};

void PrintTo(const LinkCase& c, std::ostream* os) {
  *os << c.dialect << "/" << c.transport << "/" << c.payload;
}

std::string case_name(const ::testing::TestParamInfo<LinkCase>& info) {
  return info.param.dialect + "_" + info.param.transport + "_" + info.param.payload;
}

class MeterLink : public BridgeFixture, public ::testing::WithParamInterface<LinkCase> {
 protected:
  SimSetup setup(std::vector<std::string> extra = {}) const {
    SimSetup s{GetParam().dialect, GetParam().transport, {"--payload", GetParam().payload}};
    s.extra.insert(s.extra.end(), extra.begin(), extra.end());
    return s;
  }
};

TEST_P(MeterLink, PublishesCorrectValues) {
  start_all(setup({"--energy-start", "65139", "--unit", "01", "--digits", "6"}));
  auto state = wait_state(
      [](const json& s) { return s.contains("energy_import_kwh") && s.contains("current_r_a"); },
      30s);
  ASSERT_TRUE(state);
  // E0 starts at 65139 counts of 0.1 kWh; it only grows from there, and slowly.
  EXPECT_GE((*state)["energy_import_kwh"].get<double>(), 6513.9);
  EXPECT_LT((*state)["energy_import_kwh"].get<double>(), 6520.0);
  EXPECT_TRUE((*state)["power_w"].is_number_integer());
  EXPECT_GT((*state)["power_w"].get<int>(), 0);
  EXPECT_LT((*state)["power_w"].get<int>(), 20000);
  EXPECT_TRUE(state->contains("last_seen"));
  EXPECT_TRUE(wait_availability("online", 5s));
  // The bridge's log never shows the credentials, whatever the log level.
  const std::string log = bridge_->output();
  EXPECT_EQ(log.find(kPassword), std::string::npos);
  EXPECT_EQ(log.find(kRouteBId), std::string::npos);
  for (const auto& m : observer_->messages()) {
    EXPECT_EQ(m.payload.find(kPassword), std::string::npos) << m.topic;
    EXPECT_EQ(m.payload.find(kRouteBId), std::string::npos) << m.topic;
  }
}

TEST_P(MeterLink, RestartJoinsFromThePanCacheWithoutScanning) {
  start_all(setup());
  ASSERT_TRUE(bridge_->wait_for_output("saved the PAN cache", 10s));
  const std::size_t sim_mark = sim_->output_size();
  bridge_->signal(SIGTERM);
  EXPECT_EQ(bridge_->wait_exit(10s), 0);
  ASSERT_TRUE(observer_->wait_for("hems2mqtt/bridge/state", 5s, [](const mqtt::Message& m) {
    return m.payload == R"({"state":"offline"})";
  }));
  const std::size_t from = mark();
  start_bridge();
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, from));
  EXPECT_TRUE(bridge_->output().find("from the PAN cache, no scan") != std::string::npos);
  EXPECT_EQ(sim_->output().find("SKSCAN", sim_mark), std::string::npos)
      << "the restart scanned although the PAN was cached";
}

TEST_P(MeterLink, SurvivesGarbageAndSplitLinesWithoutPublishingNonsense) {
  start_all(setup());
  fault("garbage", 100);
  fault("split", 100);
  const std::size_t from = mark();
  // Readings keep coming through the noise...
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, from));
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, mark()));
  // ...and nothing half-decoded was ever published.
  for (const auto& s : states()) {
    ASSERT_FALSE(s.is_discarded());
    if (s.contains("power_w")) {
      EXPECT_GT(s["power_w"].get<int>(), -20000);
      EXPECT_LT(s["power_w"].get<int>(), 20000);
    }
    if (s.contains("energy_import_kwh")) {
      EXPECT_GT(s["energy_import_kwh"].get<double>(), 0.0);
    }
  }
}

TEST_P(MeterLink, BinaryPayloadWithCrLfIsReadByLength) {
  start_all(setup());
  fault("crlf-binary");
  ASSERT_TRUE(wait_state([](const json& s) { return s.value("power_w", 0) == 3338; }, 30s))
      << "E7 = 0x00000D0A must be published as 3338 W";
}

TEST_P(MeterLink, RecoversFromASilentMeter) {
  start_all(setup());
  fault("silent-meter", 600);  // 30 s of real time at speed 20
  const std::size_t from = mark();
  ASSERT_TRUE(wait_availability("offline", 60s, from)) << "availability must go offline";
  const std::size_t after = mark();
  ASSERT_TRUE(wait_availability("online", 120s, after));
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, after));
  EXPECT_TRUE(bridge_->running());
}

TEST_P(MeterLink, RecoversFromSessionFaults) {
  start_all(setup());
  for (const char* kind : {"reauth", "reauth-fail", "terminate"}) {
    SCOPED_TRACE(kind);
    fault(kind);
    const std::size_t from = mark();
    ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s, from));
  }
  const std::string log = bridge_->output();
  EXPECT_NE(log.find("session renewed"), std::string::npos);
  EXPECT_NE(log.find("re-authentication failed"), std::string::npos);
  EXPECT_NE(log.find("the meter ended the session"), std::string::npos);
  EXPECT_TRUE(bridge_->running());
}

TEST_P(MeterLink, WaitsOutTheTransmitLimit) {
  start_all(setup());
  fault("tx-limit", 200);
  ASSERT_TRUE(bridge_->wait_for_output("transmit-time limit reached", 20s));
  ASSERT_TRUE(bridge_->wait_for_output("transmit-time limit lifted", 30s));
  const std::size_t from = mark();
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, from));
}

TEST_P(MeterLink, ReopensAnUnpluggedDongle) {
  start_all(setup());
  fault("unplug", 100);  // 5 s
  ASSERT_TRUE(bridge_->wait_for_output("dongle link lost", 30s));
  const std::size_t from = mark();
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 90s, from));
  EXPECT_TRUE(bridge_->running());
}

TEST_P(MeterLink, RecoversFromAMeterReboot) {
  start_all(setup());
  fault("meter-reboot", 200);
  const std::size_t from = mark();
  ASSERT_TRUE(wait_availability("offline", 90s, from));
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 120s, mark()));
}

TEST_P(MeterLink, KeepsScanningWhileNoBeaconIsHeard) {
  start_sim(setup({"--fault", "0:no-beacon:300"}));
  write_config();
  start_bridge();
  ASSERT_TRUE(bridge_->wait_for_output("no meter heard", 30s));
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 120s));
}

INSTANTIATE_TEST_SUITE_P(Dialects, MeterLink,
                         ::testing::Values(LinkCase{"bp35a1", "pty", "binary"},
                                           LinkCase{"bp35c0", "tcp", "hex"},
                                           LinkCase{"bp35c0", "pty", "binary"},
                                           LinkCase{"bp35a1", "tcp", "hex"}),
                         case_name);

}  // namespace
}  // namespace hems::testing

namespace hems::testing {
namespace {

class MeterVariants : public BridgeFixture {};

TEST_F(MeterVariants, ThirtyMinuteInfcIsAnsweredAndPublished) {
  start_all(SimSetup{"bp35c0", "pty", {"--infc"}});
  const std::size_t sim_mark = sim_->output_size();
  const std::size_t from = mark();
  sim_->write_stdin("notify\n");
  ASSERT_TRUE(sim_->wait_for_output("INFC_Res came for TID", 20s, sim_mark)) << "no INFC_Res";
  EXPECT_TRUE(
      wait_state([](const json& s) { return s.contains("energy_import_fixed_at"); }, 20s, from));
}

TEST_F(MeterVariants, DongleWithoutRoptAndMeterWithoutCoefficient) {
  // RL7023 Stick-D/DSS answers ROPT with FAIL ER04; this meter answers D3 with Get_SNA.
  start_all(SimSetup{
      "bp35c0",
      "tcp",
      {"--ropt-unsupported", "--no-coefficient", "--unit", "02", "--energy-start", "76999"}});
  auto state = wait_state([](const json& s) { return s.contains("energy_import_kwh"); }, 30s);
  ASSERT_TRUE(state);
  // 76999 x 1 (no coefficient) x 0.01 kWh
  EXPECT_GE((*state)["energy_import_kwh"].get<double>(), 769.99);
  EXPECT_LT((*state)["energy_import_kwh"].get<double>(), 775.0);
  EXPECT_EQ(sim_->output().find("FLASH_WRITE"), std::string::npos) << "WOPT must never be sent";
}

TEST_F(MeterVariants, CoefficientAndSinglePhase) {
  start_all(SimSetup{
      "bp35a1",
      "pty",
      {"--coefficient", "10", "--unit", "01", "--energy-start", "1234", "--single-phase"}});
  auto state = wait_state(
      [](const json& s) { return s.contains("energy_import_kwh") && s.contains("current_r_a"); },
      30s);
  ASSERT_TRUE(state);
  EXPECT_GE((*state)["energy_import_kwh"].get<double>(), 1234.0);  // 1234 x 10 x 0.1
  EXPECT_LT((*state)["energy_import_kwh"].get<double>(), 1240.0);
  EXPECT_FALSE(state->contains("current_t_a")) << "no T phase on single-phase two-wire";
}

TEST_F(MeterVariants, ExportAndNegativePowerWithPv) {
  start_all(SimSetup{"bp35c0", "pty", {"--pv", "--seed", "3"}});
  // With solar, power goes negative at some point and export energy is published.
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("energy_export_kwh"); }, 30s));
}

}  // namespace
}  // namespace hems::testing
