#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hems/common/error.hpp"

namespace hems::wisun {

// What a join needs: found by an active scan, or remembered from the last good join.
struct PanInfo {
  std::uint8_t channel = 0;  // logical channel, 0x21..0x3C
  std::uint16_t pan_id = 0;
  std::string mac;   // the meter's 64-bit address, 16 hex digits
  std::string ipv6;  // the meter's link-local address (from SKLL64); may be empty
  std::uint8_t lqi = 0;
  auto operator<=>(const PanInfo&) const = default;
};

// The PAN cache file: a few "key=value" lines. Parsing rejects anything it does not fully
// understand, so a damaged file leads to a scan instead of a join with wrong values.
std::string serialize_pan(const PanInfo& pan);
Result<PanInfo> parse_pan(std::string_view text);

// fe80:: + the MAC with the universal/local bit flipped, in SKSTACK's full uppercase form.
std::optional<std::string> link_local_from_mac(std::string_view mac);

}  // namespace hems::wisun
