#include <gtest/gtest.h>

#include "hems/sim/el_frame.hpp"
#include "sim_harness.hpp"

namespace hems::sim::test {
namespace {

const Bytes kGetE7 = from_hex("1081000105FF010288016201E700").value();

class SimFaults : public ::testing::TestWithParam<Dialect> {
 protected:
  SimOptions opts() const { return options_for(GetParam()); }
  std::string ev(std::string_view num) const { return "EVENT " + std::string(num) + " "; }
  // Joins and waits for the D5 INF so later output is only what the test causes.
  void joined(SimHarness& h) {
    ASSERT_TRUE(h.join());
    ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{5}));
  }
};

TEST_P(SimFaults, ThirtyMinutePushCarriesEaAndEb) {
  auto o = opts();
  o.clock_start = parse_local_datetime("2026-05-20T13:59:00");
  SimHarness h(o);
  joined(h);
  const auto mark = h.out().size();
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{90}, mark));
  h.run_for(seconds{1});
  auto frames = h.echonet_payloads(mark);
  ASSERT_EQ(frames.size(), 1u);
  auto f = decode_frame(frames[0]).value();
  EXPECT_EQ(f.esv, esv::kInf);
  EXPECT_EQ(f.deoj, kControllerEoj);
  ASSERT_EQ(f.properties.size(), 2u);
  EXPECT_EQ(f.properties[0].epc, 0xEA);
  EXPECT_EQ(f.properties[1].epc, 0xEB);
  EXPECT_EQ(to_hex(f.properties[0].edt).substr(0, 14), "07EA05140E0000");  // 14:00:00
}

TEST_P(SimFaults, InfcPushWantsAnInfcResAndLogsIt) {
  auto o = opts();
  o.infc = true;
  SimHarness h(o);
  joined(h);
  const auto mark = h.out().size();
  h.console("notify");
  h.run_for(milliseconds{10});
  auto frames = h.echonet_payloads(mark);
  ASSERT_EQ(frames.size(), 1u);
  auto f = decode_frame(frames[0]).value();
  EXPECT_EQ(f.esv, esv::kInfc);
  ElFrame res{f.tid, kControllerEoj, kMeterEoj, esv::kInfcRes, {{0xEA, {}}, {0xEB, {}}}};
  h.send_frame(encode_frame(res));
  h.run_for(seconds{3});
  EXPECT_TRUE(h.log_contains("INFC_Res came for TID " + std::to_string(f.tid)));
  h.console("notify");
  h.run_for(seconds{31});
  EXPECT_TRUE(h.log_contains("INFC_Res did not come"));
}

TEST_P(SimFaults, NoBeaconHidesTheMeterForAWhile) {
  auto o = opts();
  o.faults.push_back({0, FaultKind::no_beacon, 40});
  SimHarness h(o);
  h.send("SKSETRBID " + o.rbid + "\r\n");
  const std::string scan =
      GetParam() == Dialect::bp35a1 ? "SKSCAN 2 FFFFFFFF 6\r\n" : "SKSCAN 2 FFFFFFFF 6 0\r\n";
  h.send(scan);
  ASSERT_TRUE(h.run_until_output("EVENT 22", seconds{20}));
  EXPECT_EQ(h.out().find("EPANDESC"), std::string::npos);
  h.run_for(seconds{25});
  EXPECT_TRUE(h.log_contains("fault ended: no-beacon"));
  h.send(scan);
  ASSERT_TRUE(h.run_until_output("EPANDESC", seconds{20}));
}

TEST_P(SimFaults, SilentMeterStillConfirmsTheSendButNeverAnswers) {
  SimHarness h(opts());
  joined(h);
  h.console("fault silent-meter 20");
  const auto mark = h.out().size();
  h.send_frame(kGetE7);
  h.run_for(seconds{5});
  EXPECT_NE(h.out().find(GetParam() == Dialect::bp35a1 ? " 00\r\nOK\r\n" : " 0 00\r\nOK\r\n", mark),
            std::string::npos);
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
  h.run_for(seconds{16});
  EXPECT_TRUE(h.log_contains("fault ended: silent-meter"));
  h.send_frame(kGetE7);
  EXPECT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
}

TEST_P(SimFaults, ReauthSendsEvent29ThenEvent25) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault reauth 2");  // fault_windows_test.cpp holds it for a whole window
  ASSERT_TRUE(h.run_until_output(ev("25"), seconds{5}, mark));
  EXPECT_LT(h.out().find(ev("29"), mark), h.out().find(ev("25"), mark));
  EXPECT_TRUE(h.sim().session_up());
}

TEST_P(SimFaults, ReauthFailEndsTheSession) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault reauth-fail 1");  // joins work again after 1 s; the renewal fails at 3 s
  ASSERT_TRUE(h.run_until_output(ev("24"), seconds{5}, mark));
  EXPECT_NE(h.out().find(ev("29"), mark), std::string::npos);
  EXPECT_FALSE(h.sim().session_up());
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  EXPECT_TRUE(h.run_until_output(ev("25"), seconds{10}, mark));
}

TEST_P(SimFaults, TerminateMakesSendsFailUntilRejoined) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault terminate");
  EXPECT_NE(h.out().find(ev("26"), mark), std::string::npos);
  h.send_frame(kGetE7);
  h.run_for(seconds{3});
  EXPECT_NE(h.out().find(GetParam() == Dialect::bp35a1 ? " 01\r\nOK\r\n" : " 0 01\r\nOK\r\n", mark),
            std::string::npos);
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
}

TEST_P(SimFaults, TxLimitRefusesSendsBetweenEvent32And33) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault tx-limit 10");
  EXPECT_NE(h.out().find(ev("32"), mark), std::string::npos);
  h.send_frame(kGetE7);
  h.run_for(seconds{3});
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
  EXPECT_NE(h.out().find(" 01\r\nOK\r\n", mark), std::string::npos);
  ASSERT_TRUE(h.run_until_output(ev("33"), seconds{10}, mark));
  h.send_frame(kGetE7);
  EXPECT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
}

TEST_P(SimFaults, GarbageIsInjectedBetweenLines) {
  SimHarness h(opts());
  h.console("fault garbage");
  h.send("SKVER\r\n");
  EXPECT_NE(h.out().find("ERXUDP FE80:0000:00\r\n"), std::string::npos);
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
  EXPECT_EQ(h.out().find("FAIL"), std::string::npos);
}

TEST_P(SimFaults, SplitDeliversOutputInTinyChunksOverTime) {
  SimHarness h(opts());
  h.console("fault split 10");
  h.send("SKVER\r\n");
  EXPECT_LT(h.out().size(), 8u);  // not all at once
  h.run_for(milliseconds{500});
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
  EXPECT_NE(h.out().find("EVER "), std::string::npos);
}

TEST_P(SimFaults, CrlfBinaryPutsCrLfIntoABinaryPayload) {
  SimHarness h(opts());
  joined(h);
  h.run_for(seconds{1});
  const auto mark = h.out().size();
  h.console("fault crlf-binary");
  h.send_frame(kGetE7);
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
  h.run_for(seconds{1});
  auto frames = h.echonet_payloads(mark);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(to_hex(frames[0]), "1081000102880105FF017201E70400000D0A");
  EXPECT_NE(h.out().find("\x0D\x0A\x0D\x0A", mark), std::string::npos);
  EXPECT_TRUE(h.log_contains("fault ended: crlf-binary"));
}

TEST_P(SimFaults, UnplugAsksTheShellToDropAndRecreateTheTransport) {
  SimHarness h(opts());
  joined(h);
  h.console("fault unplug 5");
  auto actions = h.sim().take_transport_actions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0], TransportAction::unplug);
  EXPECT_TRUE(h.sim().unplugged());
  const auto mark = h.out().size();
  h.send("SKVER\r\n");
  EXPECT_EQ(h.out().size(), mark);  // nobody is listening
  h.run_for(seconds{6});
  actions = h.sim().take_transport_actions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0], TransportAction::replug);
  EXPECT_FALSE(h.sim().session_up());  // a power cycle loses the PANA session
  h.send("SKVER\r\n");
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
}

TEST_P(SimFaults, MeterRebootLosesTheSessionUntilTheNextJoin) {
  SimHarness h(opts());
  joined(h);
  h.console("fault meter-reboot 10");
  h.run_for(seconds{11});
  EXPECT_TRUE(h.log_contains("fault ended: meter-reboot"));
  const auto mark = h.out().size();
  h.send_frame(kGetE7);
  h.run_for(seconds{3});
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
  // The dongle still believes in the session; SKTERM times out (EVENT 28), then a join works.
  h.send("SKTERM\r\n");
  ASSERT_TRUE(h.run_until_output(ev("28"), seconds{5}, mark));
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{10}, mark));
  h.run_for(seconds{1});
  const auto mark2 = h.out().size();
  h.send_frame(kGetE7);
  EXPECT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark2));
}

TEST_P(SimFaults, TimelineFaultsStartAndEndOnTime) {
  auto o = opts();
  o.faults.push_back({2, FaultKind::split, 1});
  SimHarness h(o);
  h.run_for(milliseconds{1999});
  EXPECT_FALSE(h.log_contains("fault started: split"));
  h.run_for(milliseconds{2});
  EXPECT_TRUE(h.log_contains("fault started: split"));
  h.run_for(seconds{1});
  EXPECT_TRUE(h.log_contains("fault ended: split"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SimFaults, ::testing::Values(Dialect::bp35a1, Dialect::bp35c0),
                         dialect_name);

}  // namespace
}  // namespace hems::sim::test
