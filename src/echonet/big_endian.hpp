#pragma once

// Private helpers for the echonet sources: big-endian reads from spans whose size the caller has
// already checked, and the shared wording of size errors.

#include <cstddef>
#include <cstdint>
#include <string>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::echonet::detail {

inline std::uint16_t read_u16(ByteView bytes, std::size_t offset) {
  return static_cast<std::uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

inline std::uint32_t read_u32(ByteView bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

inline void append_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

inline void append_u32(Bytes& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 24));
  out.push_back(static_cast<std::uint8_t>((value >> 16) & 0xFF));
  out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

// "0xE7"
std::string hex_byte(std::uint8_t value);

// "EPC 0xE7: "
std::string epc_prefix(std::uint8_t epc);

// Fails with "EPC 0xE7: EDT is 3 bytes, expected 4" unless the EDT has exactly `expected` bytes.
Result<void> expect_size(std::uint8_t epc, ByteView edt, std::size_t expected);

}  // namespace hems::echonet::detail
