#pragma once

// Private to the wisun module: turns single SKSTACK IP text lines into records. The stream
// parser does the framing (line ends, payloads read by length, EPANDESC blocks) and calls these.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"
#include "hems/wisun/records.hpp"

namespace hems::wisun::detail {

inline bool is_line_end(std::uint8_t byte) {
  return byte == '\r' || byte == '\n';
}

// SKSTACK IP lines are plain ASCII; anything else outside a payload is line noise.
inline bool is_printable(std::uint8_t byte) {
  return byte >= 0x20 && byte <= 0x7E;
}

inline std::string_view as_text(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string_view trim_trailing_spaces(std::string_view text);

// Space-separated words; runs of spaces count as one separator.
std::vector<std::string_view> split_words(std::string_view text);

// Fields separated by exactly one space each; an empty field marks a doubled space.
std::vector<std::string_view> split_fields(std::string_view text);

// 1..max_digits hex digits (either case), or nullopt.
std::optional<std::uint32_t> parse_hex(std::string_view text, std::size_t max_digits);

// 1..max_digits hex digits, of any length (MACs do not fit parse_hex).
bool is_hex_digits(std::string_view text, std::size_t max_digits);

// Eight groups of 1-4 hex digits separated by colons, as SKSTACK writes addresses (no "::").
bool is_full_ipv6(std::string_view text);

// Classifies one complete printable line that is not part of an EPANDESC block.
Record classify_line(std::string_view line, std::optional<bool> dual_stack);

// Fills a UdpRecord (without data) from the ERXUDP fields after the keyword and before DATALEN:
// five fixed fields, then SECURED, SECURED SIDE, or RSSI SECURED SIDE.
Result<UdpRecord> parse_udp_header(std::span<const std::string_view> fields);

enum class PanField { applied, ignored, pair_id };

// Applies one indented "  Key:Value" line of an EPANDESC block. PairID is the last field every
// dongle sends, so the caller may close the block when it sees PanField::pair_id.
Result<PanField> apply_pan_field(std::string_view line, PanDescriptorRecord& block);

}  // namespace hems::wisun::detail
