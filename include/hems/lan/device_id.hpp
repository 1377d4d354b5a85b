#pragma once

// Stable ids for LAN devices. A device keeps its id for its whole life, also when DHCP gives its
// node a new address: the id comes from the node profile's whole identification number (0x83) and
// the object's EOJ, and only falls back to the address for nodes whose number cannot tell them
// apart (none, or one left unset).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::lan {

// FNV-1a, 32 bits: small, and the same value on every build and machine (std::hash is not).
std::uint32_t fnv1a32(ByteView bytes);

// The node's part of its devices' ids: "<maker code>_<hash>", e.g. "00000b_1a2b3c4d". A 0x83
// number is 0xFE, the 3-byte maker code, then 13 bytes of the maker's choosing; the maker code is
// kept as six hex digits and those 13 bytes (every byte after the maker code, for numbers of
// another length) are hashed with FNV-1a 32 into eight. Makers that pad the 13 bytes with zeros
// or text still get one uid per number. "" when the number cannot identify the node (see
// why_no_uid).
std::string node_uid(ByteView node_id);

// Why node_uid is "" ("no identification number (0x83)", "identification number unset (all
// zeros)", ...); "" when it is not.
std::string why_no_uid(ByteView node_id);

// The last six bytes of the number as lower-case hex: the uid of earlier versions, still
// accepted as a [lan.names] key.
std::string last_six_bytes_uid(ByteView node_id);

// An address as id-safe text: every character other than a letter or digit becomes '_'
// ("fe80::1%eth0" -> "fe80__1_eth0").
std::string address_slug(std::string_view address);

// "013001": the EOJ as six lower-case hex digits.
std::string eoj_hex(echonet::Eoj eoj);

// "<uid>_<eoj>" ("00000b_1a2b3c4d_013001"), or "<address slug>_<eoj>" without a uid.
std::string default_device_id(ByteView node_id, std::string_view address, echonet::Eoj eoj);

// The friendly id configured for "<uid>/<0xEOJ>", "<last six bytes>/<0xEOJ>" (the key of earlier
// versions) or "<address>/<0xEOJ>", tried in that order and compared ignoring case, if any.
std::optional<std::string> configured_name(const std::map<std::string, std::string>& names,
                                           ByteView node_id, std::string_view address,
                                           echonet::Eoj eoj);

}  // namespace hems::lan
