#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hems {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Uppercase hex without separators ("1081..."), as SKSTACK and our topics write it.
inline std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

inline std::optional<std::uint8_t> hex_digit_value(char c) {
  if (c >= '0' && c <= '9')
    return static_cast<std::uint8_t>(c - '0');
  if (c >= 'A' && c <= 'F')
    return static_cast<std::uint8_t>(c - 'A' + 10);
  if (c >= 'a' && c <= 'f')
    return static_cast<std::uint8_t>(c - 'a' + 10);
  return std::nullopt;
}

// Parses an even-length hex string (either case); nullopt on any other character.
inline std::optional<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  Bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto hi = hex_digit_value(hex[i]);
    auto lo = hex_digit_value(hex[i + 1]);
    if (!hi || !lo)
      return std::nullopt;
    out.push_back(static_cast<std::uint8_t>((*hi << 4) | *lo));
  }
  return out;
}

}  // namespace hems
