#pragma once

#include <cstdint>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"
#include "hems/sim/el_frame.hpp"

// SetGet (0x6E) and its replies (0x7E, 0x5E) carry two property lists:
// OPCSet, (EPC PDC EDT)..., OPCGet, (EPC PDC EDT)... The simulator's frame codec takes one
// list only, so the node decodes these here.
namespace hems::sim {

inline constexpr std::uint8_t kSetGet = 0x6E;
inline constexpr std::uint8_t kSetGetRes = 0x7E;
inline constexpr std::uint8_t kSetGetSna = 0x5E;

struct LanSetGetFrame {
  std::uint16_t tid = 0;
  std::uint32_t seoj = 0;
  std::uint32_t deoj = 0;
  std::uint8_t esv = kSetGet;
  std::vector<ElProperty> set_properties;
  std::vector<ElProperty> get_properties;
  friend bool operator==(const LanSetGetFrame&, const LanSetGetFrame&) = default;
};

bool is_lan_setget(ByteView bytes);
Result<LanSetGetFrame> decode_lan_setget(ByteView bytes);
Bytes encode_lan_setget(const LanSetGetFrame& frame);

}  // namespace hems::sim
