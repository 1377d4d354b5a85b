// The same byte stream must give the same records (and warnings) however the transport splits
// it: at every single position, and one byte at a time.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/wisun/stream_parser.hpp"

namespace hems::wisun {
namespace {

using namespace std::string_view_literals;

ByteView bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string opt(const auto& value) {
  return value ? std::to_string(*value) : "-";
}

// Every field of a record in one string, so whole sequences compare with one EXPECT_EQ.
std::string describe(const Record& record) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, OkRecord>)
          return "OK " + r.value;
        if constexpr (std::is_same_v<T, FailRecord>)
          return "FAIL " + std::to_string(r.code);
        if constexpr (std::is_same_v<T, EventRecord>) {
          return "EVENT " + std::to_string(r.number) + " " + r.sender + " " + opt(r.side) + " " +
                 opt(r.param);
        }
        if constexpr (std::is_same_v<T, PanDescriptorRecord>) {
          return "PAN " + std::to_string(r.channel) + " " + std::to_string(r.channel_page) + " " +
                 std::to_string(r.pan_id) + " " + r.address + " " + std::to_string(r.lqi) + " " +
                 opt(r.side) + " " + r.pair_id;
        }
        if constexpr (std::is_same_v<T, UdpRecord>) {
          return "UDP " + r.sender + " " + r.destination + " " + std::to_string(r.remote_port) +
                 " " + std::to_string(r.local_port) + " " + r.sender_mac + " " + opt(r.rssi) + " " +
                 std::to_string(r.secured) + " " + opt(r.side) + " " + to_hex(r.data);
        }
        if constexpr (std::is_same_v<T, InfoRecord>) {
          return "INFO " + r.ipv6 + " " + r.mac + " " + std::to_string(r.channel) + " " +
                 std::to_string(r.pan_id) + " " + r.fifth;
        }
        if constexpr (std::is_same_v<T, VersionRecord>)
          return "EVER " + r.version;
        if constexpr (std::is_same_v<T, AppVersionRecord>)
          return "EAPPVER " + r.version;
        if constexpr (std::is_same_v<T, RegisterRecord>)
          return "ESREG " + r.value;
        if constexpr (std::is_same_v<T, Ipv6Record>)
          return "IPV6 " + r.address;
        if constexpr (std::is_same_v<T, EchoRecord>)
          return "ECHO " + r.text;
        if constexpr (std::is_same_v<T, UnknownRecord>)
          return "UNKNOWN " + r.text;
        return "?";
      },
      record);
}

struct Outcome {
  std::vector<std::string> records;
  std::size_t warnings = 0;
  bool operator==(const Outcome&) const = default;
};

void drain(StreamParser& parser, Outcome& outcome) {
  while (auto record = parser.next())
    outcome.records.push_back(describe(*record));
  outcome.warnings += parser.take_warnings().size();
}

StreamParser make_parser(PayloadFormat format) {
  StreamParser parser;
  parser.set_payload_format(format);
  return parser;
}

Outcome parse_in_chunks(std::string_view stream, PayloadFormat format,
                        const std::vector<std::size_t>& cuts) {
  StreamParser parser = make_parser(format);
  Outcome outcome;
  std::size_t start = 0;
  for (std::size_t cut : cuts) {
    parser.feed(bytes_of(stream.substr(start, cut - start)));
    drain(parser, outcome);
    start = cut;
  }
  parser.feed(bytes_of(stream.substr(start)));
  drain(parser, outcome);
  return outcome;
}

void expect_split_invariant(std::string_view stream, PayloadFormat format,
                            std::size_t expected_records) {
  const Outcome whole = parse_in_chunks(stream, format, {});
  EXPECT_EQ(whole.records.size(), expected_records);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const Outcome split = parse_in_chunks(stream, format, {cut});
    ASSERT_EQ(split, whole) << "split at byte " << cut;
  }
  std::vector<std::size_t> every_byte;
  for (std::size_t cut = 1; cut < stream.size(); ++cut)
    every_byte.push_back(cut);
  EXPECT_EQ(parse_in_chunks(stream, format, every_byte), whole) << "byte by byte";
}

constexpr std::string_view kSingleHopSession =
    "SKVER\r\nEVER 1.2.10\r\nOK\r\nROPT\r\nOK 01\r"
    "EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE\r\nOK\r\n"
    "EVENT 20 FE80:0000:0000:0000:021D:1290:1234:5678\r\nEPANDESC\r\n  Channel:21\r\n"
    "  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:12345678ABCDEF01\r\n  LQI:E1\r\n"
    "  PairID:12345678\r\nEVENT 22 FE80:0000:0000:0000:021D:1290:1234:5678\r\n"
    "FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\nFAIL ER10\r\n"
    "EVENT 21 FE80:0000:0000:0000:1034:5678:ABCD:EF01 02\r\n"
    "ERXUDP FE80:0000:0000:0000:021C:6400:03CD:76A4 FE80:0000:0000:0000:021D:1290:0004:263D "
    "0E1A 0E1A 001C640003CD76A4 1 0018 1081100202880105FF017202E7040000029CE80400280028\r\n"
    "EVENT 25 FE80:0000:0000:0000:1034:5678:ABCD:EF01\r\n";

constexpr std::string_view kDualStackSession =
    "EVENT 20 FE80:0000:0000:0000:021D:1291:0004:E578 0\r\nEPANDESC\r\n  Channel:31\r\n"
    "  Channel Page:09\r\n  Pan ID:B5FB\r\n  Addr:0011223344556677\r\n  LQI:DD\r\n"
    "  Side:0\r\n  PairID:0194BFAD\r\nEVENT 22 FE80:0000:0000:0000:021D:1291:0004:E578 0\r\n"
    "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:036E:8CF5 0E1A 1 0 0012 \r\n"
    "EVENT 21 FE80:0000:0000:0000:C2F9:4500:4058:B5FB 0 02\r\nOK\r\n"
    "ERXUDP FE80:0000:0000:0000:C2F9:4500:4058:B5FB FE80:0000:0000:0000:021D:1291:0004:E578 "
    "0E1A 0E1A 0011223344556677 1 0 0012 1081525302880105FF017201E704000000E4\r\n"
    "ERXUDP FE80::1 FE80::2 0E1A 0E1A AABBCCDDEEFF 50 00 00 0002 \x10\x81\r\n"
    "EPANDESC\r\n  Channel:21\r\n  Pan ID:8CF5\r\nEVENT 25 FE80::1 0\r\n"sv;

constexpr std::string_view kKumassyBinary =
    "EVENT 21 FE80:0000:0000:0000:0123:4567:89ab:cdef 02\r\n"
    "ERXUDP FE80:0000:0000:0000:0123:4567:89ab:cdef FE80:0000:0000:0000:3210:7654:ba98:fedc "
    "0E1A 0E1A 001D129012345678 1 0012 "
    "\x10\x81\0\x01\x02\x88\x01\x05\xff\x01r\x01\xe7\x04\0\0\x01\xa8\r\n"
    "ERXUDP FE80:0000:0000:0000:0123:4567:89ab:cdef FE80:0000:0000:0000:3210:7654:ba98:fedc "
    "02CC 02CC 001D129012345678 0 0028 "
    "\0\0\0(\xc0\0\0\x02\x06\x04S\x07\x8d\xd5"
    "a\xbf\0\x06\0\0\0\x04\0\0\0\0\0\x05\0\x03\0\0\0\x04\0\0\0\0\0\x0c\r\n"
    "SKSENDTO 1 FE80:0000:0000:0000:0123:4567:89ab:cdef 0E1A 1 000E "
    "\x10\x81\x00\x01\x05\xFF\x01\x02\x88\x01\x62\x01\xE7\x00\r\n"
    "ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 000C "
    "\x10\x81\r\n\x00\r\x00\x0a\x88\x01\r\n\r\nOK\r\n"sv;

// Garbage before, inside and after good lines, a cut binary ERXUDP, a cut hex ERXUDP.
constexpr std::string_view kDamaged =
    "\xff\xfe\x00OK\r\n"
    "EVE\x01NT 21 FE80::1 00\r\n"
    "ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 \x10\x81\x00\x01\r\n"
    "EVENT 21 FE80:0000:0000:0000:021C:6400:03CD:76A4 00\r\nOK\r\n"
    "ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 108100\r\n"
    "EVENT 25 FE80::1\r\n\x80\x81\x82\r\nOK 01\r"
    "ERXUDP FE80::1 FE80::2 0E1A\r\nFAIL ER05\r\n\x7f"sv;

TEST(StreamParserSplitTest, SingleHopSession) {
  expect_split_invariant(kSingleHopSession, PayloadFormat::unknown, 15);
  expect_split_invariant(kSingleHopSession, PayloadFormat::hex, 15);
}

TEST(StreamParserSplitTest, DualStackSessionWithBlocksAndRssiField) {
  expect_split_invariant(kDualStackSession, PayloadFormat::unknown, 10);
}

TEST(StreamParserSplitTest, BinaryPayloadsWithLineEndsAndNul) {
  expect_split_invariant(kKumassyBinary, PayloadFormat::unknown, 6);
  expect_split_invariant(kKumassyBinary, PayloadFormat::binary, 6);
}

TEST(StreamParserSplitTest, DamagedStream) {
  // OK, EVENT 21, OK, EVENT 25, OK 01, ERXUDP header as unknown, FAIL.
  expect_split_invariant(kDamaged, PayloadFormat::unknown, 7);
  expect_split_invariant(kDamaged, PayloadFormat::binary, 7);
}

TEST(StreamParserSplitTest, OverlongLine) {
  const std::string stream = "OK\r\n" + std::string(StreamParser::kMaxLineLength + 500, 'A') +
                             "\r\nOK 01\r" + std::string(StreamParser::kMaxLineLength, 'B') +
                             "\r\n";
  expect_split_invariant(stream, PayloadFormat::unknown, 3);
}

}  // namespace
}  // namespace hems::wisun
