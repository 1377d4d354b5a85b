#pragma once

// The shape of the generated definition tables (tools/mra/generate.py writes them). Everything is
// constant data: string views into literals and indices into shared pools, no allocation.

#include <cstdint>
#include <span>
#include <string_view>

namespace hems::echonet::defs {

// How a property may be accessed. `conditional` is the MRA's "required_c" / "required_o":
// required only for devices that have the function, so callers should treat it as optional.
enum class Rule : std::uint8_t { not_applicable, optional, required, conditional };

struct PropertyDef {
  std::uint8_t epc;
  std::string_view name;     // snake_case short name, the state key
  std::string_view name_en;  // the MRA's English property name
  std::string_view name_ja;  // the MRA's Japanese property name (UTF-8), e.g. "温度設定値"
  Rule get;
  Rule set;
  Rule inf;
  std::uint16_t type;  // index into tables().types
};

struct ClassDef {
  std::uint16_t code;                       // class group and class code, e.g. 0x0130
  std::string_view name;                    // snake_case short name, e.g. "home_air_conditioner"
  std::string_view name_en;                 // e.g. "Home air conditioner"
  std::string_view name_ja;                 // e.g. "家庭用エアコン" (UTF-8)
  std::span<const PropertyDef> properties;  // sorted by EPC
};

enum class Kind : std::uint8_t {
  number,         // big-endian integer, value = raw × 10^exponent, raw in [min, max]
  state,          // enumeration of EDT codes (enums[first, first + count))
  numeric_value,  // enumeration of EDT codes standing for numbers (numeric_values[...])
  level,          // raw codes [min, max] stand for levels value_first, value_first + 1, ...
  bitmap,         // named bit fields (bitmap_fields[...])
  raw,            // opaque bytes, min..max long
  date,           // YYYY(2) MM DD
  date_time,      // YYYY(2) MM DD hh mm [ss]
  time,           // hh mm [ss]; max is the largest hour
  array,          // min..max items of type `item`, each value_first bytes long
  object,         // consecutive named fields (object_fields[...])
  one_of,         // the first alternative that fits (alternatives[...])
};

// What an enumeration entry decodes to.
enum class EnumMeaning : std::uint8_t { name, yes, no, sentinel };

struct EnumEntry {
  std::uint64_t first;  // EDT code; a few entries cover a range of codes
  std::uint64_t last;
  std::string_view name;  // snake_case
  EnumMeaning meaning;
  bool read_only;  // the MRA marks it as a value a device reports but never accepts
};

struct NumericValueEntry {
  std::uint64_t edt;
  double value;
};

struct BitmapField {
  std::string_view name;
  std::uint8_t byte_index;  // from the first EDT byte
  std::uint8_t mask;
  std::uint16_t type;  // a state (codes are the field's value) or a level
};

struct ObjectField {
  std::string_view name;
  std::uint16_t type;
};

struct Alternative {
  std::uint16_t type;
  // Its numbers overlap an earlier alternative's, so it is written {"alternative": i, "value": v}.
  bool tagged;
};

struct TypeDef {
  Kind kind;
  std::uint8_t size;  // EDT bytes; 0 when variable (or, inside a bitmap, not byte-sized)
  std::int8_t exponent;
  bool is_signed;
  bool overflow_code;   // number: the all-ones / most positive code means "overflow"
  bool underflow_code;  // number: the next code means "underflow"
  std::uint16_t unit;   // number: index into units ("" = none)
  std::uint16_t first;  // into the pool of this kind; number: coefficients
  std::uint16_t count;
  std::uint16_t extra_first;  // number: allowed values when value_first == 1
  std::uint16_t extra_count;
  std::uint16_t item;        // array: item type
  std::int32_t value_first;  // level: first level; array: item size; number: 1 = listed only
  std::int64_t min;
  std::int64_t max;
};

struct Tables {
  std::span<const TypeDef> types;
  std::span<const std::string_view> units;  // as the MRA writes them ("Celsius", "kWh")
  std::span<const EnumEntry> enums;
  std::span<const NumericValueEntry> numeric_values;
  std::span<const BitmapField> bitmap_fields;
  std::span<const ObjectField> object_fields;
  std::span<const Alternative> alternatives;
  std::span<const std::int64_t> allowed;
  std::span<const std::uint8_t> coefficients;  // EPCs whose values multiply a number
};

const Tables& tables();
std::span<const ClassDef> all_classes();  // sorted by code

}  // namespace hems::echonet::defs
