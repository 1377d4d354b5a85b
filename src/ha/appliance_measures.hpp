#pragma once

// How Home Assistant should treat a numeric ECHONET property (internal to the ha module): its
// device class and state class, derived from the unit and, where the unit is ambiguous (%), the
// property's name.

#include <cstdint>
#include <string_view>

#include "hems/echonet/definitions.hpp"

namespace hems::ha::detail {

struct Measure {
  std::string_view unit;  // "" when the property has none
  std::string_view device_class;
  std::string_view state_class;  // for sensors; numbers take none
};

Measure measure_of(std::uint16_t class_code, const echonet::defs::PropertyDef& property);

}  // namespace hems::ha::detail
