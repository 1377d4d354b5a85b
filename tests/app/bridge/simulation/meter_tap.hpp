#pragma once

// What reached the bridge from the meter, read off the serial bytes the bridge actually read: the
// ERXUDP lines of the simulated dongle (bp35a1 syntax) and the smart meter's ECHONET Lite frames
// inside them. A third reading of those bytes, sharing nothing with the client's parser or the
// simulator's writer, so that "the meter sent it" is a fact of the wire and not of either side.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"

namespace hems::test {

// The values of one frame from the meter (class 0x0288) that the checks look at.
struct MeterFrameSeen {
  std::optional<std::int32_t> power_w;      // E7
  std::optional<std::uint32_t> import_raw;  // E0
  // EA: the 30-minute boundary as "YYYY-MM-DDTHH:MM:SS" (the meter's local time) and the value.
  std::optional<std::string> fixed_at;
  std::optional<std::uint32_t> fixed_import_raw;
  bool pushed = false;  // INF or INFC, not an answer
};

class MeterTap {
 public:
  explicit MeterTap(std::function<bool()> payload_hex) : payload_hex_(std::move(payload_hex)) {}

  // The port was opened again: an unfinished line is gone with the old connection.
  void reset() { buffer_.clear(); }

  void feed(ByteView bytes, const std::function<void(const MeterFrameSeen&)>& seen) {
    buffer_.append(bytes.begin(), bytes.end());
    for (;;) {
      const std::size_t start = find_line_start(kTag);
      if (start == std::string::npos) {
        // Keep a tail that may be the start of a tag cut by the read.
        if (buffer_.size() > kTag.size())
          buffer_.erase(0, buffer_.size() - kTag.size());
        return;
      }
      buffer_.erase(0, start);
      const auto consumed = take_erxudp(seen);
      if (!consumed)
        return;  // not all there yet
      buffer_.erase(0, *consumed);
    }
  }

 private:
  static constexpr std::string_view kTag = "ERXUDP ";
  // Header fields after the tag in the bp35a1 syntax: sender, destination, remote port, local
  // port, sender MAC, secured, data length.
  static constexpr int kHeaderFields = 7;

  // The first "ERXUDP " at the start of a line (the stream start counts as one).
  std::size_t find_line_start(std::string_view tag) const {
    for (std::size_t at = buffer_.find(tag); at != std::string::npos;
         at = buffer_.find(tag, at + 1)) {
      if (at == 0 || buffer_[at - 1] == '\n' || buffer_[at - 1] == '\r')
        return at;
    }
    return std::string::npos;
  }

  // Bytes used from the start of the buffer (which holds a tag), or nullopt to wait for more.
  std::optional<std::size_t> take_erxudp(const std::function<void(const MeterFrameSeen&)>& seen) {
    std::vector<std::string> fields;
    std::size_t at = kTag.size();
    while (static_cast<int>(fields.size()) < kHeaderFields) {
      const std::size_t space = buffer_.find_first_of(" \r\n", at);
      if (space == std::string::npos)
        return std::nullopt;
      if (buffer_[space] != ' ')
        return space;  // a torn line (the garbage fault writes some): skip it
      fields.push_back(buffer_.substr(at, space - at));
      at = space + 1;
    }
    const auto length = parse_hex(fields[6]);
    if (!length)
      return at;
    const bool hex = payload_hex_();
    const std::size_t data_chars = hex ? *length * 2 : *length;
    if (buffer_.size() < at + data_chars + 2)
      return std::nullopt;
    Bytes payload;
    if (hex) {
      for (std::size_t i = 0; i < *length; ++i) {
        auto byte = parse_hex(buffer_.substr(at + 2 * i, 2));
        if (!byte)
          return at;
        payload.push_back(static_cast<std::uint8_t>(*byte));
      }
    } else {
      payload.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(at),
                     buffer_.begin() + static_cast<std::ptrdiff_t>(at + data_chars));
    }
    if (buffer_.compare(at + data_chars, 2, "\r\n") != 0)
      return at;              // not the length it said: not a line the bridge could take either
    if (fields[2] == "0E1A")  // ECHONET Lite's port
      decode(payload, seen);
    return at + data_chars + 2;
  }

  static std::optional<std::size_t> parse_hex(std::string_view text) {
    if (text.empty() || text.size() > 8)
      return std::nullopt;
    std::size_t value = 0;
    for (char c : text) {
      int digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else
        return std::nullopt;
      value = value * 16 + static_cast<std::size_t>(digit);
    }
    return value;
  }

  static std::uint32_t u32(const Bytes& b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
  }

  // EHD 1081, TID, SEOJ, DEOJ, ESV, OPC, then EPC PDC EDT...
  static void decode(const Bytes& f, const std::function<void(const MeterFrameSeen&)>& seen) {
    if (f.size() < 12 || f[0] != 0x10 || f[1] != 0x81)
      return;
    if (f[4] != 0x02 || f[5] != 0x88)
      return;  // not the smart meter (its node profile, say)
    const std::uint8_t esv = f[10];
    if (esv != 0x72 && esv != 0x52 && esv != 0x73 && esv != 0x74)
      return;  // Get_Res, Get_SNA, INF, INFC
    MeterFrameSeen out;
    out.pushed = esv == 0x73 || esv == 0x74;
    std::size_t at = 12;
    for (int i = 0; i < f[11]; ++i) {
      if (at + 2 > f.size())
        return;
      const std::uint8_t epc = f[at];
      const std::size_t pdc = f[at + 1];
      at += 2;
      if (at + pdc > f.size())
        return;
      if (epc == 0xE7 && pdc == 4)
        out.power_w = static_cast<std::int32_t>(u32(f, at));
      if (epc == 0xE0 && pdc == 4)
        out.import_raw = u32(f, at);
      if (epc == 0xEA && pdc == 11) {
        char text[32];
        std::snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02u",
                      (unsigned{f[at]} << 8) | f[at + 1], unsigned{f[at + 2]}, unsigned{f[at + 3]},
                      unsigned{f[at + 4]}, unsigned{f[at + 5]}, unsigned{f[at + 6]});
        out.fixed_at = text;
        out.fixed_import_raw = u32(f, at + 7);
      }
      at += pdc;
    }
    seen(out);
  }

  std::function<bool()> payload_hex_;
  std::string buffer_;
};

}  // namespace hems::test
