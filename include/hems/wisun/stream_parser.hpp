#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/wisun/records.hpp"

namespace hems::wisun {

// How the dongle shows ERXUDP payloads (WOPT/ROPT bit 0): raw bytes or hex ASCII.
enum class PayloadFormat { unknown, hex, binary };

// Splits the byte stream from a SKSTACK IP dongle into records.
//
// Lines end at CR, LF or CRLF (ROPT answers end with a lone CR); empty lines are dropped.
// ERXUDP payloads are read by their declared length, never by line, because a binary payload may
// contain CR or LF. With PayloadFormat::unknown the format of each payload is detected from its
// first byte. Garbage never throws and never stalls the parser: oversized or undecodable lines
// become warnings and the parser resynchronises on the next line end.
class StreamParser {
 public:
  static constexpr std::size_t kMaxLineLength = 4096;

  void set_payload_format(PayloadFormat format) { format_ = format; }
  PayloadFormat payload_format() const { return format_; }

  // Dialect hint for EVENT lines that carry one token after the address: true = dual-stack
  // (BP35C0/C2 family: the token is SIDE), false = single-hop (BP35A1 family: it is PARAM),
  // nullopt = unknown (the token is PARAM for EVENT 21, which always reports a result, and
  // SIDE for every other event).
  void set_dual_stack(std::optional<bool> dual_stack) { dual_stack_ = dual_stack; }
  std::optional<bool> dual_stack() const { return dual_stack_; }

  void feed(ByteView bytes);

  // The next complete record in stream order, or nullopt until more bytes arrive.
  std::optional<Record> next();

  // Human-readable notes about dropped input since the last call.
  std::vector<std::string> take_warnings();

  // Forgets any partial line or block (after the transport is reopened). Records that were
  // already complete stay queued.
  void reset();

 private:
  // Each parse step looks at the unconsumed bytes and returns how many it consumed; 0 means it
  // needs more bytes. Steps never depend on how the stream was split into feed() calls.
  std::size_t parse_step(ByteView view);
  std::size_t parse_plain_line(ByteView view);
  std::size_t parse_erxudp(ByteView view);
  std::size_t parse_sksendto_echo(ByteView view);
  void handle_line(std::string_view line);
  void close_block();
  void emit(Record record);
  void warn(std::string message);

  PayloadFormat format_ = PayloadFormat::unknown;
  std::optional<bool> dual_stack_;
  bool skipping_ = false;  // dropping input up to the next line end after bad input
  // Implementation state is private to stream_parser.cpp; add members as needed.
  Bytes buffer_;
  std::deque<Record> ready_;
  std::vector<std::string> warnings_;
  std::optional<PanDescriptorRecord> open_block_;
};

}  // namespace hems::wisun
