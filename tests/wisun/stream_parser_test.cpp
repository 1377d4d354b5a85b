// The stream parser on the real lines of REFERENCE.md and TRANSCRIPTS.md, both dialects.
#include "hems/wisun/stream_parser.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hems/common/bytes.hpp"

namespace hems::wisun {
namespace {

using namespace std::string_view_literals;

ByteView bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The next record, which must be a T; a default T (and a test failure) otherwise.
template <typename T>
T take(StreamParser& parser) {
  auto record = parser.next();
  if (!record) {
    ADD_FAILURE() << "expected a record, got none";
    return T{};
  }
  if (auto* typed = std::get_if<T>(&*record))
    return *typed;
  ADD_FAILURE() << "record has variant index " << record->index();
  return T{};
}

Bytes hex(std::string_view digits) {
  return from_hex(digits).value();
}

class StreamParserTest : public ::testing::Test {
 protected:
  void feed(std::string_view text) { parser.feed(bytes_of(text)); }
  void expect_drained() {
    auto record = parser.next();
    EXPECT_FALSE(record.has_value()) << "extra record, index " << record->index();
  }
  StreamParser parser;
};

TEST_F(StreamParserTest, OkAndFailLines) {
  feed("OK\r\nOK 01\rOK 80\r\nFAIL ER04\r\nFAIL ER10\r\n");
  EXPECT_EQ(take<OkRecord>(parser).value, "");
  EXPECT_EQ(take<OkRecord>(parser).value, "01");
  EXPECT_EQ(take<OkRecord>(parser).value, "80");
  EXPECT_EQ(take<FailRecord>(parser).code, 4);
  EXPECT_EQ(take<FailRecord>(parser).code, 10);
  expect_drained();
  EXPECT_TRUE(parser.take_warnings().empty());
}

TEST_F(StreamParserTest, RoptAnswerEndingWithCrOnlyDoesNotSwallowTheNextLine) {
  // REFERENCE.md §1: S8 capture "ROPT\r\nOK 01\r", then the next command's echo.
  feed("ROPT\r\nOK 01\rSKSETPWD C 0123456789AB\r\nOK\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "ROPT");
  EXPECT_EQ(take<OkRecord>(parser).value, "01");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSETPWD C 0123456789AB");
  EXPECT_EQ(take<OkRecord>(parser).value, "");
  expect_drained();
}

TEST_F(StreamParserTest, OkValueIsAvailableBeforeAnyFurtherByte) {
  feed("OK 00\r");  // A.7: RS-WSUHA-P first-time setup
  EXPECT_EQ(take<OkRecord>(parser).value, "00");
}

TEST_F(StreamParserTest, EchoedCommands) {
  feed("SKVER\r\nWOPT 01\r\nRUART\r\nWUART 80\r\nSKSCAN 2 FFFFFFFF 5 0 \r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKVER");
  EXPECT_EQ(take<EchoRecord>(parser).text, "WOPT 01");
  EXPECT_EQ(take<EchoRecord>(parser).text, "RUART");
  EXPECT_EQ(take<EchoRecord>(parser).text, "WUART 80");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSCAN 2 FFFFFFFF 5 0");
  expect_drained();
}

TEST_F(StreamParserTest, VersionInfoAndRegisterAnswers) {
  feed("EVER 1.2.10\r\nEVER 1.5.2\r\nEAPPVER rev26e\r\nESREG 21\r\n");
  feed("EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE\r\n");
  feed("EINFO FE80:0000:0000:0000:021D:1291:0004:FFFF 001D12910004FFFF 39 9E08 0\r\n");
  EXPECT_EQ(take<VersionRecord>(parser).version, "1.2.10");
  EXPECT_EQ(take<VersionRecord>(parser).version, "1.5.2");
  EXPECT_EQ(take<AppVersionRecord>(parser).version, "rev26e");
  EXPECT_EQ(take<RegisterRecord>(parser).value, "21");
  const auto single_hop = take<InfoRecord>(parser);
  EXPECT_EQ(single_hop.ipv6, "FE80:0000:0000:0000:021D:1290:1234:5678");
  EXPECT_EQ(single_hop.mac, "001D129012345678");
  EXPECT_EQ(single_hop.channel, 0x21);
  EXPECT_EQ(single_hop.pan_id, 0x8888);
  EXPECT_EQ(single_hop.fifth, "FFFE");
  const auto dual_stack = take<InfoRecord>(parser);
  EXPECT_EQ(dual_stack.mac, "001D12910004FFFF");
  EXPECT_EQ(dual_stack.channel, 0x39);
  EXPECT_EQ(dual_stack.pan_id, 0x9E08);
  EXPECT_EQ(dual_stack.fifth, "0");
  expect_drained();
}

TEST_F(StreamParserTest, SkverSkinfoTranscriptWithPlaceholders) {
  // A.8: the author replaced the EINFO values by letters, so that line is not a valid EINFO.
  feed(
      "SKVER\r\nEVER 1.2.10\r\nOK\r\nSKINFO\r\n"
      "EINFO XXXX:AAAA:BBBB:CCCC:YYYY:DDDD:EEEE:FFFF GGGGGGGGGGGGGGGG HH IIII JJJJ\r\nOK\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKVER");
  EXPECT_EQ(take<VersionRecord>(parser).version, "1.2.10");
  take<OkRecord>(parser);
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKINFO");
  EXPECT_EQ(take<UnknownRecord>(parser).text,
            "EINFO XXXX:AAAA:BBBB:CCCC:YYYY:DDDD:EEEE:FFFF GGGGGGGGGGGGGGGG HH IIII JJJJ");
  take<OkRecord>(parser);
  expect_drained();
}

TEST_F(StreamParserTest, Skll64AnswerIsABareAddress) {
  feed("FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\n");
  feed("0000:0000:0000:0000:0000:0000:0000:0000\r\n");  // A.1, zeroed by its author
  feed("FE80:0000:0000:0000:****:****:****:****\r\n");  // A.2, masked: not an address
  EXPECT_EQ(take<Ipv6Record>(parser).address, "FE80:0000:0000:0000:1034:5678:ABCD:EF01");
  EXPECT_EQ(take<Ipv6Record>(parser).address, "0000:0000:0000:0000:0000:0000:0000:0000");
  EXPECT_EQ(take<UnknownRecord>(parser).text, "FE80:0000:0000:0000:****:****:****:****");
  expect_drained();
}

constexpr std::string_view kMeterA1 = "FE80:0000:0000:0000:021C:6400:03CD:76A4";
constexpr std::string_view kMeterC2 = "FE80:0000:0000:0000:C2F9:4500:4058:B5FB";

TEST_F(StreamParserTest, SingleHopEventsWithTheSingleHopHint) {
  parser.set_dual_stack(false);
  feed("EVENT 21 FE80:0000:0000:0000:021C:6400:03CD:76A4 00\r\n");  // §4, BP35A1
  feed("EVENT 21 FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B 00\r\n");  // A.4
  feed("EVENT 25 FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B\r\n");     // A.4
  feed("EVENT 21 FE80::1 01\r\n");                                  // A.11 momonga
  feed("EVENT 1F FE80:0000:0000:0000:021D:1290:0003:C890\r\n");     // A.10
  auto sent = take<EventRecord>(parser);
  EXPECT_EQ(sent.number, 0x21);
  EXPECT_EQ(sent.sender, kMeterA1);
  EXPECT_EQ(sent.side, std::nullopt);
  EXPECT_EQ(sent.param, std::optional<std::uint8_t>(0));
  EXPECT_EQ(take<EventRecord>(parser).sender, "FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B");
  auto joined = take<EventRecord>(parser);
  EXPECT_EQ(joined.number, 0x25);
  EXPECT_EQ(joined.side, std::nullopt);
  EXPECT_EQ(joined.param, std::nullopt);
  auto failed_send = take<EventRecord>(parser);
  EXPECT_EQ(failed_send.sender, "FE80::1");
  EXPECT_EQ(failed_send.param, std::optional<std::uint8_t>(1));
  EXPECT_EQ(failed_send.side, std::nullopt);
  auto ed_scan = take<EventRecord>(parser);
  EXPECT_EQ(ed_scan.number, 0x1F);
  EXPECT_EQ(ed_scan.param, std::nullopt);
  expect_drained();
}

TEST_F(StreamParserTest, DualStackEventsWithTheDualStackHint) {
  parser.set_dual_stack(true);
  feed(
      "EVENT 21 FE80:0000:0000:0000:C2F9:4500:4058:B5FB 0 02\r\n"
      "EVENT 02 FE80:0000:0000:0000:C2F9:4500:4058:B5FB 0\r\n"
      "EVENT 25 FE80:0000:0000:0000:C2F9:4500:4058:B5FB 0\r\n"
      "EVENT 20 FE80:0000:0000:0000:021D:1291:0004:E578 0\r\n"
      "EVENT 22 FE80:0000:0000:0000:021D:1291:0004:E578 0\r\n"
      "EVENT 21 FE80::1 0 01\r\n"
      "EVENT 29 FE80::1 0\r\n");
  auto neighbour = take<EventRecord>(parser);
  EXPECT_EQ(neighbour.number, 0x21);
  EXPECT_EQ(neighbour.sender, kMeterC2);
  EXPECT_EQ(neighbour.side, std::optional<int>(0));
  EXPECT_EQ(neighbour.param, std::optional<std::uint8_t>(2));
  for (int number : {0x02, 0x25, 0x20, 0x22}) {
    auto event = take<EventRecord>(parser);
    EXPECT_EQ(event.number, number);
    EXPECT_EQ(event.side, std::optional<int>(0));
    EXPECT_EQ(event.param, std::nullopt);
  }
  auto failed = take<EventRecord>(parser);
  EXPECT_EQ(failed.side, std::optional<int>(0));
  EXPECT_EQ(failed.param, std::optional<std::uint8_t>(1));
  auto expired = take<EventRecord>(parser);
  EXPECT_EQ(expired.number, 0x29);
  EXPECT_EQ(expired.side, std::optional<int>(0));
  expect_drained();
}

TEST_F(StreamParserTest, OneTokenAfterTheAddressFollowsTheHint) {
  const auto line = [](std::string_view number, std::string_view token) {
    return "EVENT " + std::string(number) + " FE80::1 " + std::string(token) + "\r\n";
  };
  parser.set_dual_stack(true);
  feed(line("21", "0"));
  auto as_side = take<EventRecord>(parser);
  EXPECT_EQ(as_side.side, std::optional<int>(0));
  EXPECT_EQ(as_side.param, std::nullopt);

  parser.set_dual_stack(false);
  feed(line("25", "01"));
  auto as_param = take<EventRecord>(parser);
  EXPECT_EQ(as_param.side, std::nullopt);
  EXPECT_EQ(as_param.param, std::optional<std::uint8_t>(1));

  // Unknown dialect: EVENT 21 always reports a result, other events only carry SIDE.
  parser.set_dual_stack(std::nullopt);
  feed(line("21", "00") + line("25", "0") + line("02", "1"));
  auto send_result = take<EventRecord>(parser);
  EXPECT_EQ(send_result.param, std::optional<std::uint8_t>(0));
  EXPECT_EQ(send_result.side, std::nullopt);
  auto joined = take<EventRecord>(parser);
  EXPECT_EQ(joined.side, std::optional<int>(0));
  EXPECT_EQ(joined.param, std::nullopt);
  EXPECT_EQ(take<EventRecord>(parser).side, std::optional<int>(1));
  expect_drained();
}

TEST_F(StreamParserTest, EventWithoutAddressAndMalformedEvents) {
  feed("EVENT C0\r\nEVENT 21 FE80::1 0 01 7\r\nEVENT ZZ FE80::1\r\nEVENT 21 FE80::1 XY\r\n");
  auto wake_up = take<EventRecord>(parser);
  EXPECT_EQ(wake_up.number, 0xC0);
  EXPECT_EQ(wake_up.sender, "");
  EXPECT_EQ(take<UnknownRecord>(parser).text, "EVENT 21 FE80::1 0 01 7");
  EXPECT_EQ(take<UnknownRecord>(parser).text, "EVENT ZZ FE80::1");
  EXPECT_EQ(take<UnknownRecord>(parser).text, "EVENT 21 FE80::1 XY");
  expect_drained();
}

TEST_F(StreamParserTest, EpandescSingleHopSixFields) {
  // A.10 active-scan fixture, with the EVENT lines around the block.
  feed(
      "EVENT 20 FE80:0000:0000:0000:021D:1290:0003:C890\r\nEPANDESC\r\n  Channel:21\r\n"
      "  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:12345678ABCDEF01\r\n  LQI:E1\r\n"
      "  PairID:AABBCCDD\r\nEVENT 22 FE80:0000:0000:0000:021D:1290:0003:C890\r\n");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x20);
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x21);
  EXPECT_EQ(pan.channel_page, 0x09);
  EXPECT_EQ(pan.pan_id, 0x8888);
  EXPECT_EQ(pan.address, "12345678ABCDEF01");
  EXPECT_EQ(pan.lqi, 0xE1);
  EXPECT_EQ(pan.side, std::nullopt);
  EXPECT_EQ(pan.pair_id, "AABBCCDD");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x22);
  expect_drained();
  EXPECT_TRUE(parser.take_warnings().empty());
}

TEST_F(StreamParserTest, EpandescDualStackSevenFields) {
  // REFERENCE.md §5.1, RS-WSUHA-P capture.
  feed(
      "EPANDESC\r\n  Channel:31\r\n  Channel Page:09\r\n  Pan ID:B5FB\r\n"
      "  Addr:0011223344556677\r\n  LQI:DD\r\n  Side:0\r\n  PairID:0194BFAD\r\n");
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x31);
  EXPECT_EQ(pan.channel_page, 0x09);
  EXPECT_EQ(pan.pan_id, 0xB5FB);
  EXPECT_EQ(pan.address, "0011223344556677");
  EXPECT_EQ(pan.lqi, 0xDD);
  EXPECT_EQ(pan.side, std::optional<int>(0));
  EXPECT_EQ(pan.pair_id, "0194BFAD");
  expect_drained();
}

TEST_F(StreamParserTest, EpandescFromTheM5StickLog) {
  // A.1: the log shows the fields (zeroed by its author); the EPANDESC line itself was not logged.
  feed(
      "EPANDESC\r\n  Channel:3B\r\n  Channel Page:09\r\n  Pan ID:0000\r\n"
      "  Addr:0000000000000000\r\n  LQI:B2\r\n  PairID:00000000\r\n");
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x3B);
  EXPECT_EQ(pan.lqi, 0xB2);
  EXPECT_EQ(pan.pan_id, 0);
  EXPECT_EQ(pan.pair_id, "00000000");
}

TEST_F(StreamParserTest, EpandescWithMaskedValuesKeepsWhatParses) {
  // A.2: the author masked channel, PAN ID, address and PairID with '*'.
  parser.set_dual_stack(true);
  feed(
      "SKSCAN 2 FFFFFFFF 7 0\r\nOK\r\nEVENT 20 FE80:0000:0000:0000:****:****:****:**** 0\r\n"
      "EPANDESC\r\n  Channel:**\r\n  Channel Page:**\r\n  Pan ID:****\r\n"
      "  Addr:****************\r\n  LQI:9B\r\n  Side:0\r\n  PairID:********\r\n"
      "EVENT 22 FE80:0000:0000:0000:****:****:****:**** 0\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSCAN 2 FFFFFFFF 7 0");
  take<OkRecord>(parser);
  auto found = take<EventRecord>(parser);
  EXPECT_EQ(found.number, 0x20);
  EXPECT_EQ(found.sender, "FE80:0000:0000:0000:****:****:****:****");
  EXPECT_EQ(found.side, std::optional<int>(0));
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.lqi, 0x9B);
  EXPECT_EQ(pan.side, std::optional<int>(0));
  EXPECT_EQ(pan.channel, 0);
  EXPECT_EQ(pan.address, "****************");
  EXPECT_EQ(pan.pair_id, "********");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x22);
  expect_drained();
  EXPECT_EQ(parser.take_warnings().size(), 3U);  // Channel, Channel Page, Pan ID
}

TEST_F(StreamParserTest, EpandescWithoutPairIdEndsAtTheNextLine) {
  // Scan mode 3 gives no PairID; the block ends when a non-indented line starts.
  feed("EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8CF5\r\n  Extra:1\r\n");
  feed("\r\n");
  EXPECT_FALSE(parser.next().has_value()) << "the block may still continue";
  feed("E");
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x21);
  EXPECT_EQ(pan.pan_id, 0x8CF5);
  EXPECT_EQ(pan.pair_id, "");
  feed("VENT 22 FE80:0000:0000:0000:021D:1291:0002:0608 0\r\n");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x22);
  expect_drained();
  EXPECT_TRUE(parser.take_warnings().empty()) << "unknown keys are ignored silently";
}

TEST_F(StreamParserTest, BroutemqttScanTranscript) {
  // A.3 (BP35C2 in BP35C0 mode, echo on); the log stops after Pan ID, we end the block.
  feed(
      "EVENT 22 FE80:0000:0000:0000:021D:1291:0002:0608 0\r\nSKSCAN 2 FFFFFFFF 5 0 \r\nOK\r\n"
      "EVENT 20 FE80:0000:0000:0000:021D:1291:0002:0608 0\r\nEPANDESC\r\n  Channel:39\r\n"
      "  Channel Page:09\r\n  Pan ID:8CF5\r\nOK\r\n");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x22);
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSCAN 2 FFFFFFFF 5 0");
  take<OkRecord>(parser);
  EXPECT_EQ(take<EventRecord>(parser).sender, "FE80:0000:0000:0000:021D:1291:0002:0608");
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x39);
  EXPECT_EQ(pan.channel_page, 0x09);
  EXPECT_EQ(pan.pan_id, 0x8CF5);
  take<OkRecord>(parser);
  expect_drained();
}

TEST_F(StreamParserTest, SksendtoEchoIsTheHeaderOnly) {
  // A.3: with echo on, the dongle echoes the SKSENDTO header and a CRLF, not the payload.
  parser.set_dual_stack(true);
  feed(
      "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012 \r\n"
      "EVENT 21 FE80:0000:0000:0000:021C:6400:036E:8CF5 0 00\r\nOK\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text,
            "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012");
  auto sent = take<EventRecord>(parser);
  EXPECT_EQ(sent.side, std::optional<int>(0));
  EXPECT_EQ(sent.param, std::optional<std::uint8_t>(0));
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_TRUE(parser.take_warnings().empty());
}

TEST_F(StreamParserTest, EdScanLinesAreKeptAsUnknown) {
  // A.10: EEDSCAN and its data line are not needed; the firmware adds an extra CRLF.
  feed(
      "OK\r\nEVENT 1F FE80:0000:0000:0000:021D:1290:0003:C890\r\nEEDSCAN\r\n"
      "21 04 22 04 23 03 24 02 25 05 26 06 27 05 28 11 29 10 2A 0B 2B 10 2C 0C 2D 09 2E 0A "
      "2F 07 30 06 31 05 32 06 33 03 34 03 35 03 36 02 37 03 38 03 39 02 3A 04 3B 06 3C 02\r\n"
      "\r\n");
  take<OkRecord>(parser);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x1F);
  EXPECT_EQ(take<UnknownRecord>(parser).text, "EEDSCAN");
  EXPECT_TRUE(take<UnknownRecord>(parser).text.starts_with("21 04 22 04"));
  expect_drained();
}

// --- ERXUDP ---------------------------------------------------------------------------------

TEST_F(StreamParserTest, ErxudpSingleHopHexCaptures) {
  // REFERENCE.md §5.2, real BP35A1 captures in hex mode.
  feed(
      "ERXUDP FE80:0000:0000:0000:021C:6400:03CD:76A4 FE80:0000:0000:0000:021D:1290:0004:263D "
      "0E1A 0E1A 001C640003CD76A4 1 0018 1081100202880105FF017202E7040000029CE80400280028\r\n"
      "ERXUDP FE80:0000:0000:0000:021C:6400:6014:21A3 FF02:0000:0000:0000:0000:0000:0000:0001 "
      "0E1A 0E1A 001C6400601421A3 1 0012 108100000EF0010EF0017301D50401028801\r\n");
  const auto response = take<UdpRecord>(parser);
  EXPECT_EQ(response.sender, kMeterA1);
  EXPECT_EQ(response.destination, "FE80:0000:0000:0000:021D:1290:0004:263D");
  EXPECT_EQ(response.remote_port, 0x0E1A);
  EXPECT_EQ(response.local_port, 0x0E1A);
  EXPECT_EQ(response.sender_mac, "001C640003CD76A4");
  EXPECT_TRUE(response.secured);
  EXPECT_EQ(response.side, std::nullopt);
  EXPECT_EQ(response.rssi, std::nullopt);
  EXPECT_EQ(response.data, hex("1081100202880105FF017202E7040000029CE80400280028"));
  const auto multicast = take<UdpRecord>(parser);
  EXPECT_EQ(multicast.destination, "FF02:0000:0000:0000:0000:0000:0000:0001");
  EXPECT_EQ(multicast.data, hex("108100000EF0010EF0017301D50401028801"));
  expect_drained();
}

TEST_F(StreamParserTest, ErxudpDualStackCapture) {
  // REFERENCE.md §5.3, RS-WSUHA-P, SA2=0.
  feed(
      "ERXUDP FE80:0000:0000:0000:C2F9:4500:4058:B5FB FE80:0000:0000:0000:021D:1291:0004:E578 "
      "0E1A 0E1A 0011223344556677 1 0 0012 1081525302880105FF017201E704000000E4\r\n");
  const auto udp = take<UdpRecord>(parser);
  EXPECT_EQ(udp.sender, kMeterC2);
  EXPECT_EQ(udp.sender_mac, "0011223344556677");
  EXPECT_TRUE(udp.secured);
  EXPECT_EQ(udp.side, std::optional<int>(0));
  EXPECT_EQ(udp.rssi, std::nullopt);
  EXPECT_EQ(udp.data, hex("1081525302880105FF017201E704000000E4"));
}

TEST_F(StreamParserTest, ErxudpDualStackWithSa2RssiField) {
  // A.11 momonga fixture shape: "... AABBCCDDEEFF 50 00 00 %04X %s".
  feed(
      "ERXUDP FE80::1 FE80::2 0E1A 0E1A AABBCCDDEEFF 50 00 00 0012 "
      "1081000102880105FF017201E704000004A8\r\n");
  const auto udp = take<UdpRecord>(parser);
  EXPECT_EQ(udp.sender, "FE80::1");
  EXPECT_EQ(udp.destination, "FE80::2");
  EXPECT_EQ(udp.sender_mac, "AABBCCDDEEFF");
  EXPECT_EQ(udp.rssi, std::optional<int>(0x50));
  EXPECT_FALSE(udp.secured);
  EXPECT_EQ(udp.side, std::optional<int>(0));
  EXPECT_EQ(udp.data, hex("1081000102880105FF017201E704000004A8"));
}

TEST_F(StreamParserTest, ErxudpSa2RssiOfFourHexDigitsIsNotTakenForDatalen) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A AABBCCDDEEFF FFB5 1 0 0002 1081\r\n");
  const auto udp = take<UdpRecord>(parser);
  EXPECT_EQ(udp.rssi, std::optional<int>(0xFFB5));
  EXPECT_TRUE(udp.secured);
  EXPECT_EQ(udp.data, hex("1081"));
}

TEST_F(StreamParserTest, ErxudpLinesFromTheM5StickLog) {
  // A.1 logged ERXUDP as JSON fields; these are the lines rebuilt from those fields.
  const std::string zero = "0000:0000:0000:0000:0000:0000:0000:0000";
  for (std::string_view data :
       {"1081000102880105FF015201D300"sv, "1081000102880105FF017201E10102"sv,
        "1081000102880105FF017201EA0B07E6080114000000012CC7"sv,
        "1081036202880105FF017301EA0B07E60801141E0000012D02"sv}) {
    const std::string length =
        to_hex(std::vector<std::uint8_t>{0, static_cast<std::uint8_t>(data.size() / 2)});
    feed("ERXUDP " + zero + " " + zero + " 0E1A 0E1A 0000000000000000 1 " + length + " " +
         std::string(data) + "\r\n");
    const auto udp = take<UdpRecord>(parser);
    EXPECT_EQ(udp.sender, zero);
    EXPECT_EQ(udp.data, hex(data));
  }
  expect_drained();
}

TEST_F(StreamParserTest, ErxudpFromTheGoReaderFixture) {
  // A.11 b-route-reader-go: an 18-digit sender MAC in a synthetic fixture.
  feed(
      "ERXUDP FE80:0000:0000:0000:0000:0000:5678:1234 FE80:0000:0000:0000:1234:5678:ABCD:12EF "
      "0E1A 0E1A 000000000000001234 1 0018 1081100202880105FF017202E7040000029CE80400280028\r\n");
  const auto udp = take<UdpRecord>(parser);
  EXPECT_EQ(udp.sender_mac, "000000000000001234");
  EXPECT_EQ(udp.data.size(), 0x18U);
}

TEST_F(StreamParserTest, ErxudpPanaDuringJoin) {
  // A.4 (BP35A1 join). The author replaced the MAC by "<MeterAddr Omitted>"; a MAC stands in.
  feed(
      "EVENT 21 FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B 00\r\n"
      "ERXUDP FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B FE80:0000:0000:0000:021D:1290:0003:809A "
      "02CC 02CC 8EDF9DFFFEC1323B 0 0058 "
      "00000058A0000002AA4C03C00CE613DB000700000004000000000000000200000004000003210004000400"
      "0000040000F8BC38A1000800000004000000015180000100000010000013242CB488F212211B1E6C176F4F"
      "792C\r\n"
      "EVENT 21 FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B 00\r\n"
      "EVENT 25 FE80:0000:0000:0000:8EDF:9DFF:FEC1:323B\r\n");
  EXPECT_EQ(take<EventRecord>(parser).param, std::optional<std::uint8_t>(0));
  const auto pana = take<UdpRecord>(parser);
  EXPECT_EQ(pana.remote_port, 0x02CC);
  EXPECT_EQ(pana.local_port, 0x02CC);
  EXPECT_FALSE(pana.secured);
  ASSERT_EQ(pana.data.size(), 0x58U);
  EXPECT_EQ(Bytes(pana.data.begin(), pana.data.begin() + 4), hex("00000058"));
  EXPECT_EQ(Bytes(pana.data.end() - 4, pana.data.end()), hex("6F4F792C"));
  EXPECT_EQ(take<EventRecord>(parser).number, 0x21);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x25);
  expect_drained();
}

// Kumassy/smartmeter-exporter test vectors: a BP35A1 in binary mode, exact bytes.
constexpr std::string_view kKumassyStream =
    "EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n"
    "  Addr:001D129012345678\r\n  LQI:E1\r\n  PairID:00AXXXXX\r\n"
    "EVENT 21 FE80:0000:0000:0000:0123:4567:89ab:cdef 02\r\n"
    "ERXUDP FE80:0000:0000:0000:0123:4567:89ab:cdef FE80:0000:0000:0000:3210:7654:ba98:fedc "
    "0E1A 0E1A 001D129012345678 1 0012 "
    "\x10\x81\0\x01\x02\x88\x01\x05\xff\x01r\x01\xe7\x04\0\0\x01\xa8\r\n"
    "ERXUDP FE80:0000:0000:0000:0123:4567:89ab:cdef FE80:0000:0000:0000:3210:7654:ba98:fedc "
    "02CC 02CC 001D129012345678 0 0028 "
    "\0\0\0(\xc0\0\0\x02\x06\x04S\x07\x8d\xd5"
    "a\xbf\0\x06\0\0\0\x04\0\0\0\0\0\x05\0\x03\0\0\0\x04\0\0\0\0\0\x0c\r\n"
    "SKSENDTO 1 FE80:0000:0000:0000:0123:4567:89ab:cdef 0E1A 1 000E "
    "\x10\x81\x00\x01\x05\xFF\x01\x02\x88\x01\x62\x01\xE7\x00\r\n"sv;

void expect_kumassy_records(StreamParser& parser) {
  const auto pan = take<PanDescriptorRecord>(parser);
  EXPECT_EQ(pan.channel, 0x21);
  EXPECT_EQ(pan.pan_id, 0x8888);
  EXPECT_EQ(pan.address, "001D129012345678");
  EXPECT_EQ(pan.lqi, 0xE1);
  EXPECT_EQ(pan.pair_id, "00AXXXXX");
  const auto event = take<EventRecord>(parser);
  EXPECT_EQ(event.sender, "FE80:0000:0000:0000:0123:4567:89ab:cdef");
  EXPECT_EQ(event.param, std::optional<std::uint8_t>(2));
  const auto echonet = take<UdpRecord>(parser);
  EXPECT_EQ(echonet.destination, "FE80:0000:0000:0000:3210:7654:ba98:fedc");
  EXPECT_EQ(echonet.remote_port, 0x0E1A);
  EXPECT_TRUE(echonet.secured);
  EXPECT_EQ(echonet.data, hex("1081000102880105FF017201E704000001A8"));
  const auto pana = take<UdpRecord>(parser);
  EXPECT_EQ(pana.remote_port, 0x02CC);
  EXPECT_FALSE(pana.secured);
  EXPECT_EQ(pana.data, hex("00000028C0000002060453078DD561BF000600000004000000000005000300000004"
                           "00000000000C"));
  EXPECT_EQ(take<EchoRecord>(parser).text,
            "SKSENDTO 1 FE80:0000:0000:0000:0123:4567:89ab:cdef 0E1A 1 000E");
  auto extra = parser.next();
  EXPECT_FALSE(extra.has_value()) << "extra record, index " << extra->index();
}

TEST_F(StreamParserTest, KumassyBinaryLinesInBinaryMode) {
  parser.set_payload_format(PayloadFormat::binary);
  feed(kKumassyStream);
  expect_kumassy_records(parser);
  EXPECT_TRUE(parser.take_warnings().empty());
}

TEST_F(StreamParserTest, KumassyBinaryLinesWithDetectedFormat) {
  feed(kKumassyStream);
  expect_kumassy_records(parser);
  EXPECT_TRUE(parser.take_warnings().empty());
}

TEST_F(StreamParserTest, BinaryPayloadHoldingLineEndsAndNul) {
  // 0x10 0x81 then CR LF, a lone CR, NUL, a lone LF: all payload, read by DATALEN.
  const std::string_view payload = "\x10\x81\r\n\x00\r\x00\x0a\x88\x01\r\n"sv;
  ASSERT_EQ(payload.size(), 12U);
  for (PayloadFormat format : {PayloadFormat::binary, PayloadFormat::unknown}) {
    StreamParser binary;
    binary.set_payload_format(format);
    binary.set_dual_stack(true);
    binary.feed(
        bytes_of("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0 000C "
                 "\x10\x81\r\n\x00\r\x00\x0a\x88\x01\r\n\r\nOK\r\n"sv));
    const auto udp = take<UdpRecord>(binary);
    EXPECT_EQ(udp.data, Bytes(bytes_of(payload).begin(), bytes_of(payload).end()));
    EXPECT_EQ(udp.side, std::optional<int>(0));
    take<OkRecord>(binary);
    EXPECT_FALSE(binary.next().has_value());
    EXPECT_TRUE(binary.take_warnings().empty());
  }
}

TEST_F(StreamParserTest, FormatDetectionIsPerPayload) {
  // Unknown format: a hex digit first means hex; 0x10 (ECHONET) or 0x00 (PANA) means binary.
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 1081\r\n");
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 \x10\x81\r\n"sv);
  feed("ERXUDP FE80::1 FE80::2 02CC 02CC 0011223344556677 0 0002 \x00\x00\r\n"sv);
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0000 \r\n");
  EXPECT_EQ(take<UdpRecord>(parser).data, hex("1081"));
  EXPECT_EQ(take<UdpRecord>(parser).data, hex("1081"));
  EXPECT_EQ(take<UdpRecord>(parser).data, hex("0000"));
  EXPECT_TRUE(take<UdpRecord>(parser).data.empty());
  expect_drained();
  EXPECT_EQ(parser.payload_format(), PayloadFormat::unknown);
}

TEST_F(StreamParserTest, ErxudpRecordWaitsForTheLineEndAfterThePayload) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 1081");
  EXPECT_FALSE(parser.next().has_value());
  feed("\r");
  EXPECT_EQ(take<UdpRecord>(parser).data, hex("1081"));
}

TEST_F(StreamParserTest, ASingleHopSession) {
  // REFERENCE.md §6 with echo off: the record kinds in order.
  feed(
      "OK\r\nEVER 1.2.10\r\nOK\r\n"
      "EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE\r\nOK\r\n"
      "OK 01\rOK\r\nOK\r\nOK\r\nEVENT 20 FE80:0000:0000:0000:021D:1290:1234:5678\r\n"
      "EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n"
      "  Addr:12345678ABCDEF01\r\n  LQI:E1\r\n  PairID:12345678\r\n"
      "EVENT 22 FE80:0000:0000:0000:021D:1290:1234:5678\r\nOK\r\nOK\r\n"
      "FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\nOK\r\n"
      "EVENT 21 FE80:0000:0000:0000:1034:5678:ABCD:EF01 02\r\n"
      "EVENT 02 FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\n"
      "EVENT 21 FE80:0000:0000:0000:1034:5678:ABCD:EF01 00\r\n"
      "EVENT 25 FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\n"
      "ERXUDP FE80:0000:0000:0000:1034:5678:ABCD:EF01 FF02:0000:0000:0000:0000:0000:0000:0001 "
      "0E1A 0E1A 12345678ABCDEF01 1 0012 108100000EF0010EF0017301D50401028801\r\n"
      "EVENT 21 FE80:0000:0000:0000:1034:5678:ABCD:EF01 00\r\nOK\r\n"
      "OK\r\nEVENT 27 FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\n");
  std::vector<std::size_t> kinds;
  while (auto record = parser.next())
    kinds.push_back(record->index());
  const std::size_t ok = 0, event = 2, pan = 3, udp = 4, ver = 5, info = 7, ipv6 = 9;
  EXPECT_EQ(kinds, (std::vector<std::size_t>{
                       ok, ver,  ok, info,  ok,    ok,    ok,    ok,  ok,    event, pan, event, ok,
                       ok, ipv6, ok, event, event, event, event, udp, event, ok,    ok,  event}));
  EXPECT_TRUE(parser.take_warnings().empty());
}

}  // namespace
}  // namespace hems::wisun
