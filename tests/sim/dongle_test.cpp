#include <gtest/gtest.h>

#include "hems/sim/el_frame.hpp"
#include "sim_harness.hpp"

namespace hems::sim::test {
namespace {

class SimDongle : public ::testing::TestWithParam<Dialect> {
 protected:
  bool a1() const { return GetParam() == Dialect::bp35a1; }
};

TEST_P(SimDongle, SkverEchoesAndAnswersEverOk) {
  auto o = options_for(GetParam());
  o.echo = true;
  SimHarness h(o);
  h.send("SKVER\r\n");
  EXPECT_EQ(h.out(), a1() ? "SKVER\r\nEVER 1.2.10\r\nOK\r\n" : "SKVER\r\nEVER 1.5.2\r\nOK\r\n");
  h.send("SKSREG SFE 0\r\nSKVER\r\n");
  EXPECT_TRUE(h.out().ends_with("SKSREG SFE 0\r\nOK\r\nEVER " +
                                std::string(a1() ? "1.2.10" : "1.5.2") + "\r\nOK\r\n"));
}

TEST_P(SimDongle, SkinfoFifthFieldTellsTheFamily) {
  SimHarness h(options_for(GetParam()));
  h.send("SKINFO\r\n");
  EXPECT_NE(h.out().find(a1() ? " 21 FFFF FFFE\r\nOK\r\n" : " 21 FFFF 0\r\nOK\r\n"),
            std::string::npos)
      << h.out();
}

TEST_P(SimDongle, WrongArgumentCountsAnswerEr05) {
  SimHarness h(options_for(GetParam()));
  // The other family's SKSCAN form.
  h.send(a1() ? "SKSCAN 2 FFFFFFFF 6 0\r\n" : "SKSCAN 2 FFFFFFFF 6\r\n");
  EXPECT_EQ(h.out(), "FAIL ER05\r\n");
  h.send("SKSETPWD C\r\n");
  EXPECT_TRUE(h.out().ends_with("FAIL ER05\r\n"));
  // The other family's SKSENDTO form, ended by CRLF.
  h.send(a1() ? "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 0 000E\r\n"
              : "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 000E\r\n");
  EXPECT_TRUE(h.out().ends_with("FAIL ER05\r\n")) << h.out();
  h.send("SKVER 1\r\n");
  EXPECT_TRUE(h.out().ends_with("FAIL ER05\r\n"));
}

TEST_P(SimDongle, UnknownCommandsAndGarbageAnswerEr04WithoutCrashing) {
  SimHarness h(options_for(GetParam()));
  h.send("SKFOO\r\n");
  EXPECT_EQ(h.out(), "FAIL ER04\r\n");
  Bytes junk;
  for (int i = 0; i < 3000; ++i)
    junk.push_back(static_cast<std::uint8_t>((i * 37) % 251));
  h.send_bytes(junk);
  h.send("\r\nSKVER\r\n");
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
  EXPECT_NE(h.out().find("FAIL ER0"), std::string::npos);
}

TEST_P(SimDongle, Skll64AnswersTheLinkLocalAddressWithoutOk) {
  SimHarness h(options_for(GetParam()));
  h.send("SKLL64 001C6400601421A3\r\n");
  EXPECT_EQ(h.out(), "FE80:0000:0000:0000:021C:6400:6014:21A3\r\n");
}

TEST_P(SimDongle, ScanFindsTheMeterOnlyWhenThePairIdMatches) {
  SimHarness h(options_for(GetParam()));
  h.send("SKSETRBID 000000000000000000000000DEADBEEF\r\n");
  h.send(a1() ? "SKSCAN 2 FFFFFFFF 6\r\n" : "SKSCAN 2 FFFFFFFF 6 0\r\n");
  // 28 channels x 9.6 ms x (2^6 + 1) = 17.47 s.
  h.run_for(milliseconds{17'000});
  EXPECT_EQ(h.out().find("EVENT 22"), std::string::npos);
  ASSERT_TRUE(h.run_until_output("EVENT 22", seconds{1}));
  EXPECT_EQ(h.out().find("EPANDESC"), std::string::npos);

  h.send("SKSETRBID 3F8A2C5E7B1D4096A8C3E5F7092B4D6E\r\n");
  const auto mark = h.out().size();
  h.send(a1() ? "SKSCAN 2 FFFFFFFF 6\r\n" : "SKSCAN 2 FFFFFFFF 6 0\r\n");
  ASSERT_TRUE(h.run_until_output("EVENT 22", seconds{20}, mark));
  const std::string scan = h.out().substr(mark);
  EXPECT_NE(scan.find("EVENT 20 " + h.sim().dongle_address() + (a1() ? "\r\n" : " 0\r\n")),
            std::string::npos);
  EXPECT_NE(scan.find("  Pan ID:8888\r\n  Addr:001C6400601421A3\r\n"), std::string::npos);
  EXPECT_EQ(scan.find("  Side:0\r\n") != std::string::npos, !a1());
  EXPECT_NE(scan.find("  PairID:092B4D6E\r\n"), std::string::npos);  // the last 8 of the ID
}

TEST_P(SimDongle, ScanJoinGetFlow) {
  SimHarness h(options_for(GetParam()));
  ASSERT_TRUE(h.join()) << h.out();
  const std::string join = h.out();
  const std::string meter = h.sim().meter_address();
  EXPECT_NE(join.find("EVENT 21 " + meter + (a1() ? " 02" : " 0 02")), std::string::npos);
  EXPECT_NE(join.find("EVENT 02 " + meter), std::string::npos);
  // PANA traffic on 02CC, unsecured.
  auto pana = parse_erxudps(join, GetParam(), false);
  ASSERT_GE(pana.size(), 3u);
  EXPECT_EQ(pana[0].port, "02CC");
  EXPECT_EQ(pana[0].secured, "0");

  // The instance-list INF follows the join.
  ASSERT_TRUE(h.run_until_output("FF02:0000:0000:0000:0000:0000:0000:0001", seconds{5}));
  auto frames = h.echonet_payloads();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(to_hex(frames[0]), "108100000EF0010EF0017301D50401028801");

  const auto mark = h.out().size();
  h.send_frame(from_hex("1081000105FF010288016201E700").value());
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark)) << h.out().substr(mark);
  const std::string reply = h.out().substr(mark);
  // The join resolved the meter's address: even the first send is EVENT 21 00 then OK
  // (TRANSCRIPTS A.1, A.3; transcript_test.cpp replays them line by line).
  EXPECT_EQ(reply.find(a1() ? " 02\r\n" : " 0 02\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find(a1() ? " 00\r\nOK\r\n" : " 0 00\r\nOK\r\n"), std::string::npos) << reply;
  auto got = h.echonet_payloads(mark);
  ASSERT_EQ(got.size(), 1u);
  auto frame = decode_frame(got[0]);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->tid, 1);
  EXPECT_EQ(frame->esv, esv::kGetRes);
  ASSERT_EQ(frame->properties.size(), 1u);
  EXPECT_EQ(frame->properties[0].epc, 0xE7);
  EXPECT_EQ(frame->properties[0].edt.size(), 4u);

  // Second send: no neighbour discovery.
  const auto mark2 = h.out().size();
  h.send_frame(from_hex("1081000205FF010288016201E000").value());
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark2));
  EXPECT_EQ(h.out().find(a1() ? " 02\r\n" : " 0 02\r\n", mark2), std::string::npos);

  h.send("SKTERM\r\n");
  ASSERT_TRUE(h.run_until_output("EVENT 27", seconds{2}, mark2));
  h.send("SKTERM\r\n");
  EXPECT_TRUE(h.out().ends_with("FAIL ER10\r\n"));
}

TEST_P(SimDongle, ExtraCrLfAfterSendtoDataIsHarmless) {
  SimHarness h(options_for(GetParam()));
  ASSERT_TRUE(h.join());
  h.run_for(seconds{2});
  const auto mark = h.out().size();
  h.send_frame(from_hex("1081000105FF010288016201E100").value());
  h.send("\r\n");
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
  EXPECT_EQ(h.out().find("FAIL", mark), std::string::npos) << h.out().substr(mark);
}

TEST_P(SimDongle, EchoRepeatsTheSendtoHeaderButNotThePayload) {
  auto o = options_for(GetParam());
  o.echo = true;
  SimHarness h(o);
  ASSERT_TRUE(h.join());
  h.run_for(seconds{2});
  const auto mark = h.out().size();
  h.send_frame(from_hex("1081000105FF010288016201E100").value());
  const std::string header =
      "SKSENDTO 1 " + h.sim().meter_address() + " 0E1A 1 " + (a1() ? "" : "0 ") + "000E \r\n";
  EXPECT_EQ(h.out().substr(mark), header);
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
  const Bytes request = from_hex("1081000105FF010288016201E100").value();
  const std::string raw(request.begin(), request.end());
  EXPECT_EQ(h.out().find(raw, mark), std::string::npos);  // the payload is not echoed
}

TEST_P(SimDongle, WrongPasswordGivesEvent24) {
  auto o = options_for(GetParam());
  SimHarness h(o);
  h.send("SKSETPWD C 999999999999\r\nSKSETRBID " + o.rbid +
         "\r\nSKSREG S2 21\r\nSKSREG S3 8888\r\n");
  h.send("SKJOIN " + h.sim().meter_address() + "\r\n");
  ASSERT_TRUE(h.run_until_output("EVENT 24", seconds{60}));
  EXPECT_EQ(h.out().find("EVENT 25"), std::string::npos);
  EXPECT_TRUE(h.log_contains("join failed"));
  for (const auto& l : h.log())
    EXPECT_EQ(l.find("999999999999"), std::string::npos) << l;
}

TEST_P(SimDongle, UnencryptedRequestsAreSentButTheMeterIgnoresThem) {
  SimHarness h(options_for(GetParam()));
  ASSERT_TRUE(h.join());
  ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{5}));
  const auto mark = h.out().size();
  const Bytes frame = from_hex("1081000105FF010288016201E700").value();
  std::string header =
      "SKSENDTO 1 " + h.sim().meter_address() + " 0E1A 0 " + (a1() ? "" : "0 ") + "000E ";
  Bytes bytes(header.begin(), header.end());
  bytes.insert(bytes.end(), frame.begin(), frame.end());
  h.send_bytes(bytes);
  h.run_for(seconds{3});
  EXPECT_NE(h.out().find(a1() ? " 00\r\nOK\r\n" : " 0 00\r\nOK\r\n", mark), std::string::npos);
  EXPECT_EQ(h.out().find("ERXUDP", mark), std::string::npos);
  EXPECT_TRUE(h.log_contains("unencrypted"));
}

TEST_P(SimDongle, SecretsNeverReachTheLog) {
  auto o = options_for(GetParam());
  SimHarness h(o);
  ASSERT_TRUE(h.join());
  h.send("X" + o.password + " " + o.rbid + "\r\n");  // even inside a garbage line
  EXPECT_TRUE(h.log_contains("<hidden>"));
  for (const auto& l : h.log()) {
    EXPECT_EQ(l.find(o.password), std::string::npos) << l;
    EXPECT_EQ(l.find(o.rbid), std::string::npos) << l;
  }
}

TEST_P(SimDongle, HexAndBinaryPayloadsFollowWopt) {
  SimHarness h(options_for(GetParam()));
  h.send("ROPT\r\n");
  EXPECT_EQ(h.out(), "OK 00\r");
  h.send("WOPT 01\r\n");
  EXPECT_TRUE(h.out().ends_with("OK\r"));
  EXPECT_TRUE(h.log_contains("FLASH_WRITE 1"));
  h.send("ROPT\r\n");
  EXPECT_TRUE(h.out().ends_with("OK 01\r"));
  ASSERT_TRUE(h.join());
  h.run_for(seconds{2});
  const auto mark = h.out().size();
  h.send_frame(from_hex("1081000705FF010288016201E100").value());
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
  ASSERT_TRUE(h.run_until_output("\r\n", seconds{1}, h.out().find("ERXUDP", mark)));
  // Hex: the line ends with the frame as ASCII hex (E1 = 01).
  EXPECT_NE(h.out().find(" 000F 1081000702880105FF017201E10101\r\n", mark), std::string::npos)
      << h.out().substr(mark);
}

TEST_P(SimDongle, RoptUnsupportedAnswersEr04) {
  auto o = options_for(GetParam());
  o.ropt_unsupported = true;
  SimHarness h(o);
  // TRANSCRIPTS A.7 (RL7023 Stick-D/DSS): ROPT, WOPT and SKAPPVER -> FAIL ER04.
  h.send("ROPT\r\nWOPT 01\r\nSKAPPVER\r\n");
  EXPECT_EQ(h.out(), "FAIL ER04\r\nFAIL ER04\r\nFAIL ER04\r\n");
}

TEST_P(SimDongle, RoptUnsupportedStickWritesHexPayloads) {
  auto o = options_for(GetParam());
  o.ropt_unsupported = true;
  o.payload_hex = false;  // as if nobody said: a stick without WOPT has only hex
  SimHarness h(o);
  h.sim().restore_flash(false, 3);  // a state file from a binary-mode stick changes nothing
  EXPECT_TRUE(h.sim().payload_hex());
  h.send("ROPT\r\n");
  EXPECT_EQ(h.out(), "FAIL ER04\r\n");
  ASSERT_TRUE(h.join());
  ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{5}));
  ASSERT_TRUE(h.run_until_output("\r\n", seconds{1}, h.out().find("FF02:0000")));
  // The D5 multicast as hex text, as a client that assumes hex after FAIL ER04 reads it.
  EXPECT_NE(h.out().find(std::string(a1() ? " 1 " : " 1 0 ") +
                         "0012 108100000EF0010EF0017301D50401028801\r\n"),
            std::string::npos)
      << h.out();
  const auto mark = h.out().size();
  h.send_frame(from_hex("1081000705FF010288016201E100").value());
  ASSERT_TRUE(h.run_until_output("ERXUDP", seconds{3}, mark));
  ASSERT_TRUE(h.run_until_output("\r\n", seconds{1}, h.out().find("ERXUDP", mark)));
  EXPECT_NE(h.out().find(" 000F 1081000702880105FF017201E10101\r\n", mark), std::string::npos)
      << h.out().substr(mark);
}

TEST_P(SimDongle, SendBeforeJoinFailsWithEvent21_01) {
  SimHarness h(options_for(GetParam()));
  h.send_frame(from_hex("1081000105FF010288016201E700").value());
  ASSERT_TRUE(h.run_until_output("OK\r\n", seconds{2}));
  EXPECT_NE(h.out().find(a1() ? " 01\r\nOK\r\n" : " 0 01\r\nOK\r\n"), std::string::npos) << h.out();
}

TEST(SimDongleC0, Sa2AddsTheRssiField) {
  SimHarness h(options_for(Dialect::bp35c0));
  h.send("SKSREG SA2 1\r\n");
  ASSERT_TRUE(h.join());
  ASSERT_TRUE(h.run_until_output("FF02:0000", seconds{5}));
  auto recs = parse_erxudps(h.out(), Dialect::bp35c0, false, true);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(to_hex(recs.back().payload), "108100000EF0010EF0017301D50401028801");
  EXPECT_EQ(recs.back().secured, "1");
}

INSTANTIATE_TEST_SUITE_P(Dialects, SimDongle, ::testing::Values(Dialect::bp35a1, Dialect::bp35c0),
                         dialect_name);

}  // namespace
}  // namespace hems::sim::test
