#pragma once

// The JSON view of a frame that the cross-check compares field by field with the view another
// ECHONET Lite implementation gives. Hex is lowercase without separators, the way that
// implementation writes it, so equal fields compare as equal strings.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::crosscheck {

std::string lower_hex(ByteView bytes);

// 0x9D, 0x9E and 0x9F carry property maps rather than plain data.
bool is_property_map_epc(std::uint8_t epc);

// {"n": <count>, "epcs": ["80", ...]} with the EPCs as given (callers pass them sorted).
nlohmann::json property_map_json(const std::vector<std::uint8_t>& epcs);

// {"ehd", "tid", "seoj", "deoj", "esv", "opc", "properties": [{"epc", "pdc", "edt"}], and for
// the SetGet family "opc_get" and "get_properties"}. Property maps are not interpreted here.
nlohmann::json frame_json(const echonet::Frame& frame);

}  // namespace hems::crosscheck
