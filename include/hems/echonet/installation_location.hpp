#pragma once

// Installation location (EPC 0x81, every device object). One byte: the upper five bits name the
// kind of place, the lower three a number that tells places of one kind apart (0: none given);
// 0x00 is "not set", 0xFF "not fixed" (the device moves), 0x01-0x07 are not places. Seventeen
// bytes starting with 0x01 are position information (coordinates), not a place either.

#include <cstdint>
#include <optional>

#include "hems/common/bytes.hpp"

namespace hems::echonet {

enum class Place : std::uint8_t {
  living_room = 1,
  dining_room,
  kitchen,
  bathroom,
  lavatory,
  washroom,  // washroom or changing room
  passageway,
  room,
  stairway,
  front_door,
  storeroom,
  garden,  // garden or the house's perimeter
  garage,
  veranda,  // veranda or balcony
  other,
};

struct InstallationLocation {
  Place place = Place::other;
  std::uint8_t number = 0;  // 1-7; 0 when the device gave none

  bool operator==(const InstallationLocation&) const = default;
};

// The place in a 0x81 EDT; nullopt when it names none (not set, not fixed, a code that is not a
// place, position information, or an EDT of another length).
std::optional<InstallationLocation> decode_installation_location(ByteView edt);

}  // namespace hems::echonet
