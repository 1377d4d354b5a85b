#pragma once

// ECHONET Lite frames, EDATA format 1 (EHD 10 81): the codec and the few builders a controller
// needs. Pure functions over bytes; nothing here does I/O.

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::echonet {

// An ECHONET object: class group, class, instance (e.g. 02 88 01 = smart meter instance 1).
struct Eoj {
  std::uint8_t group = 0, cls = 0, instance = 0;

  constexpr std::uint32_t code() const {
    return (std::uint32_t{group} << 16) | (std::uint32_t{cls} << 8) | std::uint32_t{instance};
  }
  // Takes the low 24 bits of `code`.
  static constexpr Eoj from_code(std::uint32_t code) {
    return Eoj{static_cast<std::uint8_t>((code >> 16) & 0xFF),
               static_cast<std::uint8_t>((code >> 8) & 0xFF),
               static_cast<std::uint8_t>(code & 0xFF)};
  }
  std::string to_string() const;  // "0x028801", uppercase hex digits
  auto operator<=>(const Eoj&) const = default;
};

inline constexpr Eoj kSmartMeter{0x02, 0x88, 0x01};
inline constexpr Eoj kController{0x05, 0xFF, 0x01};
inline constexpr Eoj kNodeProfile{0x0E, 0xF0, 0x01};

// Service codes (ECHONET Lite part 2, ch. 3).
namespace esv {
inline constexpr std::uint8_t set_i = 0x60;
inline constexpr std::uint8_t set_c = 0x61;
inline constexpr std::uint8_t get = 0x62;
inline constexpr std::uint8_t inf_req = 0x63;
inline constexpr std::uint8_t set_get = 0x6E;
inline constexpr std::uint8_t set_res = 0x71;
inline constexpr std::uint8_t get_res = 0x72;
inline constexpr std::uint8_t inf = 0x73;
inline constexpr std::uint8_t infc = 0x74;
inline constexpr std::uint8_t infc_res = 0x7A;
inline constexpr std::uint8_t set_get_res = 0x7E;
inline constexpr std::uint8_t set_i_sna = 0x50;
inline constexpr std::uint8_t set_c_sna = 0x51;
inline constexpr std::uint8_t get_sna = 0x52;
inline constexpr std::uint8_t inf_sna = 0x53;
inline constexpr std::uint8_t set_get_sna = 0x5E;
}  // namespace esv

// 0x50..0x5F: the responder could not process (all of) the request.
bool is_failure_esv(std::uint8_t esv);
// SetGet, SetGet_Res and SetGet_SNA carry an OPCSet list followed by an OPCGet list.
bool has_two_lists(std::uint8_t esv);
// "Get_Res", "Get_SNA", "INFC_Res", ...; unknown and reserved codes as "0x64".
std::string esv_name(std::uint8_t esv);

struct Property {
  std::uint8_t epc = 0;
  Bytes edt;  // empty = PDC 0 (a Get request, or a property an SNA could not process)
  bool operator==(const Property&) const = default;
};

struct Frame {
  std::uint16_t tid = 0;
  Eoj seoj, deoj;
  std::uint8_t esv = 0;
  std::vector<Property> properties;      // OPC list (the OPCSet list for the SetGet family)
  std::vector<Property> get_properties;  // OPCGet list, SetGet family only

  // First property with this EPC in `properties`, or nullptr.
  const Property* find(std::uint8_t epc) const;
  bool operator==(const Frame&) const = default;
};

// Why `frame` cannot be encoded (more than 255 properties in a list, an EDT over 255 bytes,
// get_properties outside the SetGet family), or success.
Result<void> check_encodable(const Frame& frame);

// The wire bytes. A frame that fails check_encodable() encodes to an empty buffer, which no
// decoder accepts, rather than to silently truncated counts.
Bytes encode(const Frame& frame);

// Parses one whole UDP payload. Rejects: fewer than 12 bytes, EHD other than 10 81, OPC 0 outside
// the SetGet family (there each list may be empty, but not both), a property header or EDT
// running past the end, and bytes left over after the last property.
Result<Frame> decode(ByteView bytes);

// A node profile's notification (INF) of its instance list (EPC D5): a node saying it is up, as a
// smart meter does right after a B-route join.
bool is_instance_list_notification(const Frame& frame);

// A Get (0x62) asking for `epcs`, each with PDC 0.
Frame make_get(std::uint16_t tid, Eoj seoj, Eoj deoj, std::span<const std::uint8_t> epcs);
// A SetC (0x61) writing `properties`.
Frame make_set_c(std::uint16_t tid, Eoj seoj, Eoj deoj, std::vector<Property> properties);
// The INFC_Res (0x7A) answering `infc`: same TID, EOJs swapped, the same EPCs, each PDC 0.
Frame make_infc_response(const Frame& infc);

}  // namespace hems::echonet
