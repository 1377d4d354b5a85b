#pragma once

#include <cstdint>
#include <span>

#include "hems/common/bytes.hpp"
#include "hems/sim/lan_object.hpp"
#include "hems/sim/lan_options.hpp"

// The simulator's own hand-made property tables for the device classes it hosts. Sizes, codes
// and ranges follow the ECHONET Machine Readable Appendix (Release R); the chosen subset and the
// initial values are the simulator's.
namespace hems::sim {

inline constexpr std::uint16_t kNodeProfileClass = 0x0EF0;
inline constexpr std::uint32_t kLanControllerEoj = 0x05FF01;
// A class from the user-definition group 0x0F, unknown to any client's tables, that carries
// maker-specific EPCs 0xF0-0xFF.
inline constexpr std::uint16_t kMakerSpecificClass = 0x0F00;

struct LanIdentity {
  Bytes id;     // 0x83 of the node profile: 0xFE + 16 bytes
  Bytes maker;  // 0x8A: 3 bytes
};

// 0xFE, the maker code, then `node_id` right-aligned in 13 bytes (16 bytes are used as they are).
LanIdentity make_lan_identity(ByteView node_id, ByteView maker);

std::uint16_t lan_class_code(LanObjectKind kind);

// `location`: the installation location 0x81 (1 byte, or 0x01 + 16 bytes).
LanObject make_lan_device(LanObjectKind kind, std::uint8_t instance, const LanIdentity& identity,
                          ByteView location = Bytes{0x00});

// The node profile 0x0EF001 describing `devices`.
LanObject make_lan_node_profile(std::span<const LanObject> devices, const LanIdentity& identity);

}  // namespace hems::sim
