#include <array>
#include <utility>

#include "defs_codec.hpp"
#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {

namespace {

using detail::type_at;

// The property's type, or for a choice its first untagged alternative of one of the kinds.
const TypeDef* main_type(const PropertyDef& property, std::initializer_list<Kind> kinds) {
  auto is_wanted = [&](const TypeDef& t) {
    for (Kind k : kinds)
      if (t.kind == k)
        return true;
    return false;
  };
  const TypeDef& type = type_at(property.type);
  if (is_wanted(type))
    return &type;
  if (type.kind != Kind::one_of)
    return nullptr;
  for (const Alternative& alt : tables().alternatives.subspan(type.first, type.count))
    if (!alt.tagged && is_wanted(type_at(alt.type)))
      return &type_at(alt.type);
  return nullptr;
}

}  // namespace

std::optional<std::string_view> unit_of(const PropertyDef& property) {
  const TypeDef* number = main_type(property, {Kind::number});
  if (number == nullptr || number->unit == 0)
    return std::nullopt;
  std::string_view unit = tables().units[number->unit];
  // The MRA spells units out; these are the symbols people (and Home Assistant) expect.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kSymbols{{
      {"Celsius", "\u00B0C"},
      {"degree", "\u00B0"},
      {"second", "s"},
      {"minute", "min"},
      {"minutes", "min"},
      {"days", "d"},
      {"m3", "m\u00B3"},
      {"m3/h", "m\u00B3/h"},
      {"r/min", "rpm"},
      {"lux", "lx"},
  }};
  for (const auto& [mra, symbol] : kSymbols)
    if (unit == mra)
      return symbol;
  if (unit == "klux")
    return "klx";
  if (unit == "digit")  // a count of digits, not a unit of the value
    return std::nullopt;
  return unit;
}

std::optional<NumericRange> numeric_range(const PropertyDef& property) {
  const TypeDef* type = main_type(property, {Kind::number, Kind::level});
  if (type == nullptr)
    return std::nullopt;
  if (type->kind == Kind::level)
    return NumericRange{static_cast<double>(type->value_first),
                        static_cast<double>(type->value_first + (type->max - type->min)), 1.0};
  double step = detail::power_of_ten(type->exponent);
  return NumericRange{static_cast<double>(type->min) * step, static_cast<double>(type->max) * step,
                      step};
}

std::vector<std::string_view> enum_names(const PropertyDef& property) {
  std::vector<std::string_view> names;
  auto collect = [&](const TypeDef& t) {
    for (const EnumEntry& e : tables().enums.subspan(t.first, t.count))
      if (e.meaning == EnumMeaning::name)
        names.push_back(e.name);
  };
  const TypeDef& type = type_at(property.type);
  if (type.kind == Kind::state)
    collect(type);
  if (type.kind == Kind::one_of)
    for (const Alternative& alt : tables().alternatives.subspan(type.first, type.count))
      if (type_at(alt.type).kind == Kind::state)
        collect(type_at(alt.type));
  return names;
}

bool is_boolean(const PropertyDef& property) {
  const TypeDef& type = type_at(property.type);
  if (type.kind != Kind::state)
    return false;
  bool yes = false;
  bool no = false;
  for (const EnumEntry& e : tables().enums.subspan(type.first, type.count)) {
    if (e.meaning == EnumMeaning::name)
      return false;
    yes = yes || e.meaning == EnumMeaning::yes;
    no = no || e.meaning == EnumMeaning::no;
  }
  return yes && no;
}

}  // namespace hems::echonet::defs
