#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

// The simulator's own small ECHONET Lite (EDATA format 1) codec.
namespace hems::sim {

inline constexpr std::uint32_t kMeterEoj = 0x028801;
inline constexpr std::uint32_t kControllerEoj = 0x05FF01;
inline constexpr std::uint32_t kNodeProfileEoj = 0x0EF001;

namespace esv {
inline constexpr std::uint8_t kSetI = 0x60;
inline constexpr std::uint8_t kSetC = 0x61;
inline constexpr std::uint8_t kGet = 0x62;
inline constexpr std::uint8_t kInfReq = 0x63;
inline constexpr std::uint8_t kSetRes = 0x71;
inline constexpr std::uint8_t kGetRes = 0x72;
inline constexpr std::uint8_t kInf = 0x73;
inline constexpr std::uint8_t kInfc = 0x74;
inline constexpr std::uint8_t kInfcRes = 0x7A;
inline constexpr std::uint8_t kSetISna = 0x50;
inline constexpr std::uint8_t kSetCSna = 0x51;
inline constexpr std::uint8_t kGetSna = 0x52;
inline constexpr std::uint8_t kInfSna = 0x53;
}  // namespace esv

struct ElProperty {
  std::uint8_t epc = 0;
  Bytes edt;  // empty means PDC 0
  friend bool operator==(const ElProperty&, const ElProperty&) = default;
};

struct ElFrame {
  std::uint16_t tid = 0;
  std::uint32_t seoj = 0;  // 24-bit
  std::uint32_t deoj = 0;  // 24-bit
  std::uint8_t esv = 0;
  std::vector<ElProperty> properties;
  friend bool operator==(const ElFrame&, const ElFrame&) = default;
};

Bytes encode_frame(const ElFrame& frame);

// Rejects anything that is not a well-formed format-1 frame with one property list
// (SetGet frames carry two lists and are refused).
Result<ElFrame> decode_frame(ByteView bytes);

// Property map EDT (0x9D/0x9E/0x9F): list form for fewer than 16 EPCs, bitmap form otherwise.
Bytes encode_property_map(std::span<const std::uint8_t> epcs);

// Big-endian helpers.
void put_u16(Bytes& out, std::uint16_t value);
void put_u32(Bytes& out, std::uint32_t value);

}  // namespace hems::sim
