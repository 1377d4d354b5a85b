#pragma once

// The names people read in Home Assistant for LAN appliances: entity names, device names.
// Entity names in English are curated for the properties people meet (curated_names()), and made
// by a general rule for the rest (readable_name()): sentence case, no words about how the
// specification files a value, and the word that matches the unit (a value in W is a "power", in
// Wh an "energy", in A a "current", in V a "voltage"). Japanese names are the specification's.
// Names only: state keys, object ids and unique ids never change with them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/ha/appliance_discovery.hpp"
#include "hems/ha/language.hpp"

namespace hems::ha {

// An English entity name chosen by hand. class_code 0x0000 stands for the superclass: it names
// the property in every class that inherits it, or defines it again under the same English name.
struct CuratedName {
  std::uint16_t class_code;
  std::uint8_t epc;
  std::string_view name;
};

// Sorted by class, then EPC; one entry per pair.
std::span<const CuratedName> curated_names();

// The general rule, for English names nobody curated: "Measured instantaneous
// charging/discharging electric energy" in W becomes "Charging/discharging power".
std::string readable_name(std::string_view spec_name, std::string_view unit);

// The entity name of a standard property of the class ("Power" / "電源" for on/off, 0x80); ""
// when the class has no such property.
std::string property_name(std::uint16_t class_code, std::uint8_t epc, Language language);

// The class as a home owner calls it: "Air conditioner", "エアコン". "" for a class without a
// definition.
std::string class_name(std::uint16_t class_code, Language language);

// Where the device is, from its 0x81 EDT: "living room", "room 2", "リビング", "部屋2". "" when
// the location is not set, not fixed, "other", or not a place.
std::string location_name(ByteView installation_location, Language language);

// The device's name: its [lan.names] id when it has one (device.named), otherwise the class and
// the location, "Air conditioner (living room)" / "エアコン（リビング）", or the class alone.
std::string appliance_name(const ApplianceDevice& device, Language language);

}  // namespace hems::ha
