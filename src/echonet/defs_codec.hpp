#pragma once

// Private helpers shared by the definition codec sources.

#include <cstdint>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/echonet/defs_tables.hpp"

namespace hems::echonet::defs::detail {

inline const TypeDef& type_at(std::uint16_t index) {
  return tables().types[index];
}

inline std::uint64_t read_be(ByteView bytes) {
  std::uint64_t value = 0;
  for (std::uint8_t b : bytes)
    value = (value << 8) | b;
  return value;
}

inline void append_be(Bytes& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = size; i-- > 0;)
    out.push_back(static_cast<std::uint8_t>((value >> (8 * i)) & 0xFF));
}

// The raw codes ECHONET reserves for out-of-range measurements of an integer of `size` bytes.
inline std::int64_t overflow_code(std::size_t size, bool is_signed) {
  std::uint64_t all_ones = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
  return is_signed ? static_cast<std::int64_t>(all_ones >> 1) : static_cast<std::int64_t>(all_ones);
}
inline std::int64_t underflow_code(std::size_t size, bool is_signed) {
  return is_signed ? -overflow_code(size, true) - 1 : overflow_code(size, false) - 1;
}

inline double power_of_ten(int exponent) {
  double value = 1;
  for (int i = 0; i < exponent; ++i)
    value *= 10;
  for (int i = 0; i > exponent; --i)
    value *= 10;
  return exponent < 0 ? 1 / value : value;
}

// printf into a std::string (GCC 12 has no std::format).
[[gnu::format(printf, 1, 2)]] std::string text(const char* format, ...);

// "0x41"
std::string hex_code(std::uint64_t code, std::size_t size);

// "0..50 Celsius", "-127..125"
std::string range_text(const TypeDef& type);

}  // namespace hems::echonet::defs::detail
