#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
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

  void feed(ByteView bytes);

  // The next complete record in stream order, or nullopt until more bytes arrive.
  std::optional<Record> next();

  // Human-readable notes about dropped input since the last call.
  std::vector<std::string> take_warnings();

  // Forgets any partial line or block (after the transport is reopened).
  void reset();

 private:
  PayloadFormat format_ = PayloadFormat::unknown;
  // Implementation state is private to stream_parser.cpp; add members as needed.
  Bytes buffer_;
  std::deque<Record> ready_;
  std::vector<std::string> warnings_;
  std::optional<PanDescriptorRecord> open_block_;
};

}  // namespace hems::wisun
