// "fault started: KIND for N s" must hold for all N simulated seconds: each fault that lasts is
// probed just before its window ends and again after it.
#include <gtest/gtest.h>

#include "sim_harness.hpp"

namespace hems::sim::test {
namespace {

const Bytes kGetE7 = from_hex("1081000105FF010288016201E700").value();
constexpr std::string_view kGarbage = "ERXUDP FE80:0000:00\r\n";  // the torn line of every burst

std::size_t count(const std::string& text, std::string_view needle, std::size_t from = 0) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle, from); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

class SimFaultWindows : public ::testing::TestWithParam<Dialect> {
 protected:
  bool a1() const { return GetParam() == Dialect::bp35a1; }
  SimOptions opts() const { return options_for(GetParam()); }
  std::string ev(std::string_view num) const { return "EVENT " + std::string(num) + " "; }
  // The tail of "EVENT 21 <addr> [SIDE] <result>" and the OK after it.
  std::string send_result(std::string_view result) const {
    return std::string(a1() ? " " : " 0 ") + std::string(result) + "\r\nOK\r\n";
  }
  std::string scan(int duration) const {
    return "SKSCAN 2 FFFFFFFF " + std::to_string(duration) + (a1() ? "\r\n" : " 0\r\n");
  }
  void joined(SimHarness& h) {
    ASSERT_TRUE(h.join());
    ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{5}));
  }
};

TEST_P(SimFaultWindows, GarbageKeepsComingInBurstsForTheWholeWindow) {
  SimHarness h(opts());
  h.console("fault garbage 30");
  EXPECT_TRUE(h.log_contains("fault started: garbage for 30.0 s"));
  h.run_for(seconds{15});
  h.send("SKVER\r\n");  // commands are still answered between the bursts
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
  h.run_for(seconds{11});
  const auto late = h.out().size();
  h.run_for(seconds{4});  // 26 s to 30 s: bursts are never more than 4 s apart
  EXPECT_NE(h.out().find(kGarbage, late), std::string::npos);
  EXPECT_GE(count(h.out(), kGarbage), 8u);
  h.run_for(milliseconds{1});
  EXPECT_TRUE(h.log_contains("fault ended: garbage"));
  const auto after = h.out().size();
  h.run_for(seconds{60});
  EXPECT_EQ(h.out().find(kGarbage, after), std::string::npos);
}

TEST_P(SimFaultWindows, TimelineWindowsAreInSimulatedTime) {
  auto o = opts();
  o.speed = 10;
  o.faults.push_back({10, FaultKind::garbage, 30});  // simulated 10 s to 40 s: real 1 s to 4 s
  SimHarness h(o);
  h.run_for(milliseconds{999});
  EXPECT_EQ(h.out().find(kGarbage), std::string::npos);
  h.run_for(milliseconds{2601});
  const auto late = h.out().size();
  h.run_for(milliseconds{400});  // simulated 36 s to 40 s
  EXPECT_NE(h.out().find(kGarbage, late), std::string::npos);
  h.run_for(milliseconds{1});
  EXPECT_TRUE(h.log_contains("fault ended: garbage"));
  const auto after = h.out().size();
  h.run_for(seconds{10});
  EXPECT_EQ(h.out().find(kGarbage, after), std::string::npos);
}

TEST_P(SimFaultWindows, ReauthRenewsTheSessionOnlyWhenTheWindowEnds) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault reauth 30");
  EXPECT_NE(h.out().find(ev("29"), mark), std::string::npos);
  h.run_for(seconds{28});
  EXPECT_EQ(h.out().find(ev("25"), mark), std::string::npos);
  EXPECT_FALSE(h.sim().session_up());
  const auto late = h.out().size();
  h.send_frame(kGetE7);  // 28 s: the session is still being renewed
  h.run_for(seconds{1});
  EXPECT_NE(h.out().find(send_result("01"), late), std::string::npos) << h.out().substr(late);
  EXPECT_EQ(h.out().find(ev("25"), mark), std::string::npos);
  h.run_for(seconds{1});
  EXPECT_NE(h.out().find(ev("25"), mark), std::string::npos);
  EXPECT_TRUE(h.sim().session_up());
  EXPECT_TRUE(h.log_contains("fault ended: reauth"));
}

TEST_P(SimFaultWindows, ReauthWithSpeedLastsInSimulatedTime) {
  auto o = opts();
  o.speed = 10;
  SimHarness h(o);
  joined(h);
  const auto mark = h.out().size();
  h.console("fault reauth 30");
  h.run_for(milliseconds{2990});  // 29.9 simulated seconds
  EXPECT_EQ(h.out().find(ev("25"), mark), std::string::npos);
  h.run_for(milliseconds{10});
  EXPECT_NE(h.out().find(ev("25"), mark), std::string::npos);
}

TEST_P(SimFaultWindows, ReauthRefusesAJoinTriedDuringTheWindow) {
  SimHarness h(opts());
  joined(h);
  h.console("fault reauth 30");
  h.run_for(seconds{2});
  auto mark = h.out().size();
  h.send("SKTERM\r\n");
  ASSERT_TRUE(h.run_until_output(ev("27"), seconds{2}, mark));
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  ASSERT_TRUE(h.run_until_output(ev("24"), seconds{20}, mark));
  h.run_for(seconds{25});  // past the window: no late EVENT 25 for the ended session
  EXPECT_EQ(h.out().find(ev("25"), mark), std::string::npos);
  EXPECT_FALSE(h.sim().session_up());
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  EXPECT_TRUE(h.run_until_output(ev("25"), seconds{10}, mark));
}

TEST_P(SimFaultWindows, ReauthFailRefusesEveryJoinUntilTheWindowEnds) {
  SimHarness h(opts());
  joined(h);
  const auto start = h.now();
  auto mark = h.out().size();
  h.console("fault reauth-fail 30");
  ASSERT_TRUE(h.run_until_output(ev("24"), seconds{5}, mark));
  EXPECT_NE(h.out().find(ev("29"), mark), std::string::npos);
  EXPECT_FALSE(h.sim().session_up());
  int refused = 0;
  while (h.now() - start < seconds{29}) {
    mark = h.out().size();
    h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
    ASSERT_TRUE(h.run_until_output(ev("24"), seconds{10}, mark)) << refused;
    EXPECT_EQ(h.out().find(ev("25"), mark), std::string::npos);
    ++refused;
  }
  EXPECT_GE(refused, 4);
  h.run_for(seconds{2});
  EXPECT_TRUE(h.log_contains("fault ended: reauth-fail"));
  mark = h.out().size();
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  EXPECT_TRUE(h.run_until_output(ev("25"), seconds{10}, mark));
}

TEST_P(SimFaultWindows, SilentMeterStaysSilentForTheWholeWindow) {
  SimHarness h(opts());
  joined(h);
  h.console("fault silent-meter 30");
  h.run_for(seconds{28});
  const auto late = h.out().size();
  h.send_frame(kGetE7);
  h.console("notify");
  h.run_for(milliseconds{1999});
  EXPECT_NE(h.out().find(send_result("00"), late), std::string::npos);
  EXPECT_EQ(h.out().find("ERXUDP", late), std::string::npos);
  h.run_for(seconds{2});
  EXPECT_TRUE(h.log_contains("fault ended: silent-meter"));
  const auto after = h.out().size();
  h.send_frame(kGetE7);
  EXPECT_TRUE(h.run_until_output("ERXUDP", seconds{3}, after));
}

TEST_P(SimFaultWindows, AnotherFaultOfTheSameKindExtendsButNeverShortens) {
  SimHarness h(opts());
  joined(h);
  h.console("fault silent-meter 30");
  h.run_for(seconds{10});
  h.console("fault silent-meter 5");  // would end at 15 s; the first one holds until 30 s
  h.run_for(seconds{10});
  const auto mark = h.out().size();
  h.send_frame(kGetE7);
  h.run_for(seconds{3});
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
  EXPECT_FALSE(h.log_contains("fault ended: silent-meter"));
  h.run_for(seconds{8});
  EXPECT_TRUE(h.log_contains("fault ended: silent-meter"));
}

TEST_P(SimFaultWindows, TxLimitHoldsForTheWholeWindow) {
  SimHarness h(opts());
  joined(h);
  const auto mark = h.out().size();
  h.console("fault tx-limit 30");
  h.run_for(seconds{29});
  const auto late = h.out().size();
  h.send_frame(kGetE7);
  h.run_for(milliseconds{999});
  EXPECT_NE(h.out().find(send_result("01"), late), std::string::npos);
  EXPECT_EQ(h.out().find(ev("33"), mark), std::string::npos);
  h.run_for(milliseconds{1});
  EXPECT_NE(h.out().find(ev("33"), mark), std::string::npos);
  const auto after = h.out().size();
  h.send_frame(kGetE7);
  EXPECT_TRUE(h.run_until_output("ERXUDP", seconds{3}, after));
}

TEST_P(SimFaultWindows, SplitKeepsSplittingForTheWholeWindow) {
  SimHarness h(opts());
  h.console("fault split 30");
  h.run_for(seconds{29});
  auto mark = h.out().size();
  h.send("SKVER\r\n");
  EXPECT_EQ(h.out().size(), mark);  // the reply trickles out
  h.run_for(milliseconds{500});
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
  h.run_for(seconds{1});
  h.send("SKVER\r\n");
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));  // whole again
}

TEST_P(SimFaultWindows, NoBeaconHoldsForTheWholeWindow) {
  auto o = opts();
  SimHarness h(o);
  h.send("SKSETRBID " + o.rbid + "\r\n");
  h.console("fault no-beacon 30");
  h.run_for(seconds{29});
  auto mark = h.out().size();
  h.send(scan(0));  // 0.54 s; the meter's channel comes first
  ASSERT_TRUE(h.run_until_output(ev("22"), seconds{1}, mark));
  EXPECT_EQ(h.out().find("EPANDESC", mark), std::string::npos);
  h.run_for(seconds{1});
  EXPECT_TRUE(h.log_contains("fault ended: no-beacon"));
  mark = h.out().size();
  h.send(scan(0));
  ASSERT_TRUE(h.run_until_output(ev("22"), seconds{1}, mark));
  EXPECT_NE(h.out().find("EPANDESC", mark), std::string::npos);
}

TEST_P(SimFaultWindows, MeterRebootKeepsTheMeterAwayForTheWholeWindow) {
  SimHarness h(opts());
  joined(h);
  h.console("fault meter-reboot 30");
  h.run_for(seconds{29});
  const auto late = h.out().size();
  h.send_frame(kGetE7);
  h.run_for(milliseconds{999});
  EXPECT_NE(h.out().find(send_result("01"), late), std::string::npos);
  EXPECT_FALSE(h.log_contains("fault ended: meter-reboot"));
  h.run_for(milliseconds{1});
  EXPECT_TRUE(h.log_contains("fault ended: meter-reboot"));
}

TEST_P(SimFaultWindows, UnplugLastsTheWholeWindowThenReplugs) {
  SimHarness h(opts());
  h.console("fault unplug 30");
  EXPECT_EQ(h.sim().take_transport_actions(), std::vector{TransportAction::unplug});
  h.run_for(milliseconds{29'999});
  EXPECT_TRUE(h.sim().unplugged());
  EXPECT_TRUE(h.sim().take_transport_actions().empty());
  h.run_for(milliseconds{1});
  EXPECT_FALSE(h.sim().unplugged());
  EXPECT_EQ(h.sim().take_transport_actions(), std::vector{TransportAction::replug});
}

TEST_P(SimFaultWindows, InstantFaultsLogWhatTheyDoWithoutADuration) {
  SimHarness h(opts());
  joined(h);
  h.console("fault terminate 30");
  h.console("fault crlf-binary 30");
  EXPECT_TRUE(h.log_contains("fault: terminate (the meter ended the session with EVENT 26"));
  EXPECT_TRUE(h.log_contains("fault armed: crlf-binary (the next E7 read is 3338 W"));
  for (const auto& l : h.log())
    EXPECT_EQ(l.find(" for 30.0 s"), std::string::npos) << l;
}

INSTANTIATE_TEST_SUITE_P(Dialects, SimFaultWindows,
                         ::testing::Values(Dialect::bp35a1, Dialect::bp35c0), dialect_name);

}  // namespace
}  // namespace hems::sim::test
