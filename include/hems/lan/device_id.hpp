#pragma once

// Stable ids for LAN devices. A device keeps its id when DHCP gives its node a new address: the
// id comes from the node profile's identification number (0x83) and the object's EOJ, and only
// falls back to the address for nodes that do not tell their identification number.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::lan {

// The last six bytes of a 0x83 identification number as lower-case hex ("" when empty).
std::string node_uid(ByteView node_id);

// An address as id-safe text: every character other than a letter or digit becomes '_'
// ("fe80::1%eth0" -> "fe80__1_eth0").
std::string address_slug(std::string_view address);

// "013001": the EOJ as six lower-case hex digits.
std::string eoj_hex(echonet::Eoj eoj);

// "<uid>_<eoj>", or "<address slug>_<eoj>" without an identification number.
std::string default_device_id(ByteView node_id, std::string_view address, echonet::Eoj eoj);

// The friendly id configured for "<uid>/<0xEOJ>" or "<address>/<0xEOJ>" (compared ignoring
// case), if any.
std::optional<std::string> configured_name(const std::map<std::string, std::string>& names,
                                           ByteView node_id, std::string_view address,
                                           echonet::Eoj eoj);

}  // namespace hems::lan
