// Bad input: line noise, cut payloads, wrong DATALEN, overlong lines. The parser must drop only
// the damaged part, warn about it, and keep every good line around it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "hems/common/bytes.hpp"
#include "hems/wisun/stream_parser.hpp"

namespace hems::wisun {
namespace {

using namespace std::string_view_literals;

ByteView bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

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

class StreamGarbageTest : public ::testing::Test {
 protected:
  void feed(std::string_view text) { parser.feed(bytes_of(text)); }
  void expect_drained() {
    auto record = parser.next();
    EXPECT_FALSE(record.has_value()) << "extra record, index " << record->index();
  }
  std::size_t warning_count() { return parser.take_warnings().size(); }
  StreamParser parser;
};

constexpr std::string_view kEvent21 = "EVENT 21 FE80:0000:0000:0000:021C:6400:03CD:76A4 00\r\n";

TEST_F(StreamGarbageTest, NoiseBeforeALineIsDroppedAndTheLineKept) {
  feed("\xff\xfe\x00OK\r\n"sv);
  EXPECT_EQ(take<OkRecord>(parser).value, "");
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, NoiseInsideALineDropsThatLineOnly) {
  feed("OK\r\nEVE\x01NT 21 FE80::1 00\r\nEVENT 25 FE80::1\r\n"sv);
  take<OkRecord>(parser);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x25);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, NoiseAfterTheLastLineWaitsThenResyncs) {
  feed("OK\r\n\x80\x81"sv);
  take<OkRecord>(parser);
  expect_drained();
  feed("\r\nFAIL ER06\r\n");
  EXPECT_EQ(take<FailRecord>(parser).code, 6);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, CutBinaryErxudpDoesNotTakeTheFollowingLines) {
  // DATALEN says 0x12 bytes but only 4 arrived before the line end; the good lines after it are
  // recovered once the parser sees no line end where the payload should end.
  parser.set_payload_format(PayloadFormat::binary);
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 \x10\x81\x00\x01\r\n"sv);
  feed(kEvent21);
  feed("OK\r\nEVENT 25 FE80::1\r\n");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x21);
  take<OkRecord>(parser);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x25);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, CutHexErxudpIsDroppedAtOnce) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 108100\r\n");
  EXPECT_EQ(warning_count(), 1U) << "a hex payload cannot contain a line end";
  feed(kEvent21);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x21);
  expect_drained();
}

TEST_F(StreamGarbageTest, HexPayloadLongerThanDatalenIsDropped) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 108100\r\nOK\r\n");
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, HexPayloadReadAsBinaryIsDroppedAndTheStreamResyncs) {
  // The dongle is in hex mode (WOPT 01) but the parser was told binary: the bytes after DATALEN
  // raw bytes are not a line end, so the record is dropped, not misread.
  parser.set_payload_format(PayloadFormat::binary);
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 1081\r\n");
  feed(kEvent21);
  EXPECT_EQ(take<EventRecord>(parser).number, 0x21);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, BinaryPayloadWhenHexWasExpectedIsDropped) {
  parser.set_payload_format(PayloadFormat::hex);
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0002 \x10\x81\r\nOK\r\n"sv);
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, ImplausibleDatalenIsNotWaitedFor) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 FFFF \x10\x81\r\nOK\r\n"sv);
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, MalformedErxudpHeaderIsDroppedByLine) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 7 0002 \x10\x81\r\nOK\r\n"sv);
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, ErxudpHeaderCutBeforeDatalenIsKeptAsUnknown) {
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A\r\nOK\r\n");
  EXPECT_EQ(take<UnknownRecord>(parser).text, "ERXUDP FE80::1 FE80::2 0E1A 0E1A");
  take<OkRecord>(parser);
  expect_drained();
}

TEST_F(StreamGarbageTest, SksendtoEchoRunningIntoTheNextLine) {
  // Should a dongle echo the header without its CRLF, the next line must survive.
  feed("SKSENDTO 1 FE80::1 0E1A 1 000E EVENT 21 FE80::1 00\r\nOK\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSENDTO 1 FE80::1 0E1A 1 000E");
  EXPECT_EQ(take<EventRecord>(parser).param, std::optional<std::uint8_t>(0));
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, SksendtoEchoWithImplausibleDatalenIsNotWaitedFor) {
  // No SKSENDTO carries more than the largest UDP payload (0x04D0 bytes), so an echo declaring
  // 0x1012 is damaged; waiting for that much payload would hold back the answers behind it.
  feed("SKSENDTO 1 FE80::1 0E1A 1 1012 EVENT 21 FE80::1 00\r\nOK\r\n");
  EXPECT_EQ(take<EchoRecord>(parser).text, "SKSENDTO 1 FE80::1 0E1A 1 1012");
  EXPECT_EQ(take<EventRecord>(parser).param, std::optional<std::uint8_t>(0));
  take<OkRecord>(parser);
  expect_drained();
  EXPECT_EQ(warning_count(), 1U);
}

TEST_F(StreamGarbageTest, OverlongLineIsDroppedUpToItsLineEnd) {
  feed(std::string(StreamParser::kMaxLineLength + 1, 'A'));
  EXPECT_EQ(warning_count(), 1U) << "reported as soon as the limit is passed";
  feed(std::string(10000, 'A') + "\r\nOK\r\n" + std::string(StreamParser::kMaxLineLength, 'B') +
       "\r\n");
  take<OkRecord>(parser);
  EXPECT_EQ(take<UnknownRecord>(parser).text.size(), StreamParser::kMaxLineLength);
  expect_drained();
  EXPECT_EQ(warning_count(), 0U);
}

TEST_F(StreamGarbageTest, LongNoiseRunIsBounded) {
  feed(std::string(3 * StreamParser::kMaxLineLength, '\x01'));
  EXPECT_GE(warning_count(), 1U);
  feed("OK\r\n");
  take<OkRecord>(parser);
  expect_drained();
}

TEST_F(StreamGarbageTest, ResetForgetsPartialLinesAndBlocks) {
  feed("EVENT 2");
  parser.reset();
  feed("OK\r\n");
  take<OkRecord>(parser);
  feed("EPANDESC\r\n  Channel:21\r\n");
  parser.reset();
  feed("ERXUDP FE80::1 FE80::2 0E1A 0E1A 0011223344556677 1 0012 \x10"sv);
  parser.reset();
  feed("EVENT 25 FE80::1\r\n");
  EXPECT_EQ(take<EventRecord>(parser).number, 0x25);
  expect_drained();
  EXPECT_EQ(warning_count(), 0U);
}

TEST_F(StreamGarbageTest, ResetKeepsRecordsAlreadyComplete) {
  feed("OK\r\nEVENT 2");
  parser.reset();
  take<OkRecord>(parser);
  expect_drained();
}

}  // namespace
}  // namespace hems::wisun
