// The simulated dongle replayed against real serial logs (TRANSCRIPTS.md in the protocol notes):
// the client's exact command bytes go in, and the reply lines must be the log's, in its order.
#include <gtest/gtest.h>

#include <regex>

#include "sim_harness.hpp"

namespace hems::sim::test {
namespace {

// Lines of `out` from `from` up to and including the first "OK" line, without their CRLF.
std::vector<std::string> lines_through_ok(const std::string& out, std::size_t from) {
  std::vector<std::string> lines;
  for (std::size_t at = from; at < out.size();) {
    const std::size_t end = out.find("\r\n", at);
    if (end == std::string::npos)
      break;
    lines.push_back(out.substr(at, end - at));
    at = end + 2;
    if (lines.back() == "OK")
      break;
  }
  return lines;
}

// The A.1 log's author zeroed every address; do the same to ours to compare.
std::vector<std::string> zero_addresses(std::vector<std::string> lines) {
  static const std::regex kAddress("[0-9A-F]{4}(:[0-9A-F]{4}){7}");
  for (auto& l : lines)
    l = std::regex_replace(l, kAddress, "0000:0000:0000:0000:0000:0000:0000:0000");
  return lines;
}

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// TRANSCRIPTS A.1: BP35A1 with echo off (SKSREG SFE 0). Right after the join ("Connected") the
// client sends Get D3, and the dongle answers EVENT 21 ... 00 then OK: no EVENT 21 ... 02.
//   [ 29564] SKSENDTO 1 0000:0000:0000:0000:0000:0000:0000:0000 0E1A 1 000E
//   [ 29721] [RECEIVE] EVENT 21 0000:0000:0000:0000:0000:0000:0000:0000 00
//   [ 29721] [RECEIVE] OK
TEST(SimTranscripts, Bp35a1FirstSendAfterJoinIsEvent21_00ThenOk) {
  auto o = options_for(Dialect::bp35a1);
  SimHarness h(o);
  h.send("SKSREG SFE 0\r\n");
  ASSERT_TRUE(h.join());
  const auto mark = h.out().size();
  // The request the log answers with D3 Get_SNA (TID 0001): Get D3, 14 bytes.
  Bytes request = bytes_of("SKSENDTO 1 " + h.sim().meter_address() + " 0E1A 1 000E ");
  const Bytes get_d3 = from_hex("1081000105FF010288016201D300").value();
  request.insert(request.end(), get_d3.begin(), get_d3.end());
  h.send_bytes(request);
  ASSERT_TRUE(h.run_until_output("OK\r\n", seconds{5}, mark)) << h.out().substr(mark);
  const std::vector<std::string> transcript = {
      "EVENT 21 0000:0000:0000:0000:0000:0000:0000:0000 00",
      "OK",
  };
  EXPECT_EQ(zero_addresses(lines_through_ok(h.out(), mark)), transcript);
  // Nothing about this send comes after the OK either.
  h.run_for(seconds{3});
  EXPECT_EQ(h.out().find("EVENT 21", h.out().find("OK\r\n", mark)), std::string::npos);
}

// TRANSCRIPTS A.3: BP35C2 in BP35C0 mode with echo on. The header comes back as an echo (the
// payload does not), then EVENT 21 with SIDE 0 and result 00, then OK. The log's later
// "ECHO:SKSENDTO ..." line is the client library noting that echo, not a line on the wire.
//   <<SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012
//   <<EVENT 21 FE80:0000:0000:0000:021C:6400:036E:8CF5 0 00
//   <<OK
TEST(SimTranscripts, Bp35c2FirstSendAfterJoinIsEchoEvent21SideZero00ThenOk) {
  auto o = options_for(Dialect::bp35c0);
  o.echo = true;
  o.meter_mac = "001C6400036E8CF5";  // the log's meter: FE80:...:021C:6400:036E:8CF5
  SimHarness h(o);
  ASSERT_TRUE(h.join());
  ASSERT_EQ(h.sim().meter_address(), "FE80:0000:0000:0000:021C:6400:036E:8CF5");
  const auto mark = h.out().size();
  const std::string header = "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012 ";
  Bytes request = bytes_of(header);
  const Bytes inf = from_hex("108101000EF0010EF0017301D5040105FF01").value();
  request.insert(request.end(), inf.begin(), inf.end());
  h.send_bytes(request);
  ASSERT_TRUE(h.run_until_output("OK\r\n", seconds{5}, mark)) << h.out().substr(mark);
  const std::vector<std::string> transcript = {
      "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012 ",
      "EVENT 21 FE80:0000:0000:0000:021C:6400:036E:8CF5 0 00",
      "OK",
  };
  EXPECT_EQ(lines_through_ok(h.out(), mark), transcript);
  h.run_for(seconds{3});
  EXPECT_EQ(h.out().find("EVENT 21", h.out().find("OK\r\n", mark)), std::string::npos);
}

// REFERENCE §4/§6 (the RS-WSUHA-P capture): EVENT 21 ... 02 (neighbour solicitation sent) does
// show during the join, before the PANA exchange, and is followed by EVENT 21 ... 00.
TEST(SimTranscripts, NeighbourSolicitationShowsDuringTheJoinOnly) {
  auto o = options_for(Dialect::bp35c0);
  SimHarness h(o);
  ASSERT_TRUE(h.join());
  const std::string meter = h.sim().meter_address();
  const auto nd = h.out().find("EVENT 21 " + meter + " 0 02\r\n");
  ASSERT_NE(nd, std::string::npos);
  EXPECT_LT(nd, h.out().find("EVENT 21 " + meter + " 0 00\r\n"));
  EXPECT_LT(nd, h.out().find("EVENT 25 " + meter + " 0\r\n"));
  const auto mark = h.out().size();
  for (int i = 0; i < 3; ++i) {
    h.send_frame(from_hex("1081000105FF010288016201E700").value());
    h.run_for(seconds{2});
  }
  EXPECT_EQ(h.out().find(" 0 02\r\n", mark), std::string::npos) << h.out().substr(mark);
}

}  // namespace
}  // namespace hems::sim::test
