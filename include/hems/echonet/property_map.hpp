#pragma once

// Property maps (EPC 0x9D status-change announcement, 0x9E Set, 0x9F Get): byte 1 is the number N
// of properties; N < 16 is followed by the EPCs themselves, N >= 16 by a 16-byte bitmap in which
// bit j of byte i stands for EPC 0x80 + 0x10*j + i.

#include <cstdint>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::echonet {

// The EPCs, sorted ascending. The form is chosen from N, never from the EDT length. Errors: an
// empty EDT, fewer or more bytes than the form needs, an EPC below 0x80 or listed twice, or a
// bitmap whose set bits do not add up to N.
Result<std::vector<std::uint8_t>> decode_property_map(ByteView edt);

// Deduplicates and sorts, then writes the list form for fewer than 16 EPCs and the bitmap form
// otherwise. EPCs below 0x80 are not property codes (and the bitmap cannot express them), so they
// are left out in both forms; N therefore never exceeds 128.
Bytes encode_property_map(std::vector<std::uint8_t> epcs);

}  // namespace hems::echonet
