#include <algorithm>
#include <cctype>

#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {

const ClassDef* find_class(std::uint16_t class_code) {
  auto classes = all_classes();
  auto it = std::lower_bound(classes.begin(), classes.end(), class_code,
                             [](const ClassDef& c, std::uint16_t code) { return c.code < code; });
  return it != classes.end() && it->code == class_code ? &*it : nullptr;
}

namespace {

const PropertyDef* find_in(const ClassDef* cls, std::uint8_t epc) {
  if (cls == nullptr)
    return nullptr;
  auto props = cls->properties;
  auto it = std::lower_bound(props.begin(), props.end(), epc,
                             [](const PropertyDef& p, std::uint8_t e) { return p.epc < e; });
  return it != props.end() && it->epc == epc ? &*it : nullptr;
}

const PropertyDef* find_named(const ClassDef* cls, std::string_view name) {
  if (cls == nullptr)
    return nullptr;
  auto it = std::find_if(cls->properties.begin(), cls->properties.end(),
                         [&](const PropertyDef& p) { return p.name == name; });
  return it != cls->properties.end() ? &*it : nullptr;
}

// Device objects inherit the superclass; the node profile and the superclass itself do not.
bool inherits_superclass(std::uint16_t class_code) {
  return class_code != kSuperClass && class_code != kNodeProfileClass;
}

}  // namespace

const PropertyDef* find_property(std::uint16_t class_code, std::uint8_t epc) {
  const ClassDef* cls = find_class(class_code);
  if (const PropertyDef* own = find_in(cls, epc))
    return own;
  return cls != nullptr && inherits_superclass(class_code) ? find_in(find_class(kSuperClass), epc)
                                                           : nullptr;
}

const PropertyDef* find_property_by_name(std::uint16_t class_code, std::string_view name) {
  const ClassDef* cls = find_class(class_code);
  if (const PropertyDef* own = find_named(cls, name))
    return own;
  if (cls == nullptr || !inherits_superclass(class_code))
    return nullptr;
  // A superclass name is only reachable if the class has not redefined that EPC under another
  // name (its own definition wins, as in find_property).
  const PropertyDef* inherited = find_named(find_class(kSuperClass), name);
  if (inherited != nullptr && find_in(find_class(class_code), inherited->epc) != nullptr)
    return nullptr;
  return inherited;
}

std::string snake_case(std::string_view short_name) {
  auto upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  auto lower = [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; };
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  out.reserve(short_name.size() + 8);
  for (std::size_t i = 0; i < short_name.size(); ++i) {
    char c = short_name[i];
    if (upper(c) && i > 0) {
      char prev = short_name[i - 1];
      bool next_lower = i + 1 < short_name.size() && lower(short_name[i + 1]);
      // A new word starts after a lower-case letter or a digit, or where an acronym ends.
      if (lower(prev) || digit(prev) || (upper(prev) && next_lower))
        out.push_back('_');
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string hex_key(std::uint8_t epc) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return {'0', 'x', kDigits[epc >> 4], kDigits[epc & 0x0F]};
}

std::optional<std::uint8_t> parse_hex_key(std::string_view key) {
  if (key.size() != 4 || key[0] != '0' || (key[1] != 'x' && key[1] != 'X'))
    return std::nullopt;
  auto hi = hex_digit_value(key[2]);
  auto lo = hex_digit_value(key[3]);
  if (!hi || !lo)
    return std::nullopt;
  return static_cast<std::uint8_t>((*hi << 4) | *lo);
}

}  // namespace hems::echonet::defs
