#pragma once

// ECHONET Lite device definitions derived from the ECHONET Machine Readable Appendix (see NOTICE):
// every class with its properties, and a codec between EDT bytes and JSON values.
//
// Values as JSON: numbers scaled to their unit, enumerations by snake_case name, two-valued
// yes/no enumerations (ON/OFF ...) as true/false, "no value" codes (undefined, no data,
// overflow ...) as null, bitmaps and composite values as objects of named fields, lists as
// arrays, dates and times as "YYYY-MM-DD", "YYYY-MM-DDThh:mm:ss", "hh:mm", opaque bytes as
// uppercase hex. Coefficients that other properties supply (e.g. a meter's 0xD3) are not applied.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"
#include "hems/echonet/defs_tables.hpp"

namespace hems::echonet::defs {

inline constexpr std::uint16_t kSuperClass = 0x0000;
inline constexpr std::uint16_t kNodeProfileClass = 0x0EF0;

const ClassDef* find_class(std::uint16_t class_code);

// The class's own definition first, then the device superclass (0x0000) for device objects.
// Maker-specific EPCs (0xF0-0xFF) and every EPC of an unknown class (the superclass included) are
// not found: callers pass them through as hex.
const PropertyDef* find_property(std::uint16_t class_code, std::uint8_t epc);
const PropertyDef* find_property_by_name(std::uint16_t class_code, std::string_view name);

// camelCase → snake_case: "remainingCapacity3" → "remaining_capacity3",
// "multipleInputPCS" → "multiple_input_pcs".
std::string snake_case(std::string_view short_name);

// The state key of a property with no definition: "0xF5".
std::string hex_key(std::uint8_t epc);
// The EPC of a key written like hex_key's ("0xF5", "0xf5"), or nullopt.
std::optional<std::uint8_t> parse_hex_key(std::string_view key);

// EDT → JSON. A wrong size or a code outside the definition is an error, never a guess.
Result<nlohmann::json> decode_value(std::uint16_t class_code, const PropertyDef& property,
                                    ByteView edt);

// JSON → EDT, for a set. Accepts what decode_value produces, enumeration names, booleans and
// numbers in the property's unit; anything out of range is an error naming the limits.
Result<Bytes> encode_value(std::uint16_t class_code, const PropertyDef& property,
                           const nlohmann::json& value);

// The unit to show for a numeric property ("Celsius" → "°C", "W", "kWh", "%" ...).
std::optional<std::string_view> unit_of(const PropertyDef& property);

// The settable numeric range in the property's unit, for number entities.
struct NumericRange {
  double min;
  double max;
  double step;
};
std::optional<NumericRange> numeric_range(const PropertyDef& property);

// The names of an enumeration property (not the null codes), for select entities; empty when it
// is not an enumeration or a yes/no one.
std::vector<std::string_view> enum_names(const PropertyDef& property);

// True when the property decodes to true/false (ON/OFF and the like).
bool is_boolean(const PropertyDef& property);

}  // namespace hems::echonet::defs
