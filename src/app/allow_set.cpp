#include "hems/app/allow_set.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "config_schema.hpp"
#include "hems/echonet/definitions.hpp"

namespace hems::app {
namespace {

namespace defs = echonet::defs;

constexpr std::string_view kForm = "\"<device or class>/<property>\"";

bool has_hex_prefix(std::string_view text) {
  return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

// `digits` hex digits and nothing else.
std::optional<unsigned> hex_number(std::string_view text, std::size_t digits) {
  if (text.size() != digits)
    return std::nullopt;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::string class_text(std::uint16_t code) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text = "0x";
  for (int shift = 12; shift >= 0; shift -= 4)
    text += kDigits[(code >> shift) & 0x0F];
  return text;
}

std::string suggestion(std::string_view word, const std::set<std::string>& names) {
  auto match = detail::closest_match(word, std::vector<std::string>(names.begin(), names.end()));
  return match ? std::string("; did you mean '") + *match + "'?" : std::string();
}

// The state keys a class's objects have: its own properties and the superclass's.
std::set<std::string> keys_of(const defs::ClassDef& cls) {
  std::set<std::string> names;
  for (const auto& property : cls.properties)
    names.emplace(property.name);
  if (const auto* super = defs::find_class(defs::kSuperClass)) {
    for (const auto& property : super->properties)
      names.emplace(property.name);
  }
  return names;
}

std::set<std::string> every_key() {
  std::set<std::string> names;
  for (const auto& cls : defs::all_classes()) {
    for (const auto& property : cls.properties)
      names.emplace(property.name);
  }
  return names;
}

Result<AllowPattern> with_device(AllowPattern pattern, std::string_view device) {
  if (device.empty())
    return fail("the device before '/' is empty; use '*' for every device");
  if (device == "*")
    return pattern;
  if (has_hex_prefix(device) || hex_number(device, 4)) {
    const auto code = hex_number(has_hex_prefix(device) ? device.substr(2) : device, 4);
    if (!code) {
      return fail(std::string("'") + std::string(device) +
                  "' is not a device class: write one as four hex digits, e.g. 0x0130");
    }
    pattern.device = AllowPattern::Device::device_class;
    pattern.class_code = static_cast<std::uint16_t>(*code);
    return pattern;
  }
  if (device.find('*') != std::string_view::npos)
    return fail("'*' stands alone, for every device; it cannot be part of a device id");
  const bool bad = std::any_of(device.begin(), device.end(), [](unsigned char c) {
    return c == '+' || c == '#' || std::isspace(c) != 0 || std::iscntrl(c) != 0;
  });
  if (bad)
    return fail(std::string("'") + std::string(device) +
                "' is not a device id (no '+', '#' or spaces)");
  pattern.device = AllowPattern::Device::id;
  pattern.device_id = std::string(device);
  return pattern;
}

Result<AllowPattern> with_property(AllowPattern pattern, std::string_view property) {
  if (property.empty())
    return fail("the property after '/' is empty; use '*' for every property");
  if (property == "*")
    return pattern;
  if (has_hex_prefix(property)) {
    const auto epc = hex_number(property.substr(2), 2);
    if (!epc) {
      return fail(std::string("'") + std::string(property) +
                  "' is not an EPC: write one as 0x and two hex digits, e.g. 0x80");
    }
    pattern.property = AllowPattern::Property::epc;
    pattern.epc = static_cast<std::uint8_t>(*epc);
    return pattern;
  }
  if (property.find('*') != std::string_view::npos)
    return fail("'*' stands alone, for every property; it cannot be part of a name");
  const std::string key(property);
  if (pattern.device == AllowPattern::Device::device_class) {
    const auto* cls = defs::find_class(pattern.class_code);
    if (cls == nullptr) {
      return fail(std::string("the class ") + class_text(pattern.class_code) +
                  " has no ECHONET Lite definitions, so its properties have no names: name them "
                  "by EPC, e.g. 0x80");
    }
    if (defs::find_property_by_name(pattern.class_code, key) == nullptr) {
      return fail(std::string(cls->name) + " (" + class_text(pattern.class_code) +
                  ") has no property '" + key + "'" + suggestion(key, keys_of(*cls)));
    }
  } else {
    const auto names = every_key();
    if (!names.contains(key))
      return fail(std::string("no ECHONET Lite property is called '") + key + "'" +
                  suggestion(key, names));
  }
  pattern.property = AllowPattern::Property::key;
  pattern.key = key;
  return pattern;
}

bool device_matches(const AllowPattern& pattern, const SetTarget& target) {
  switch (pattern.device) {
    case AllowPattern::Device::any:
      return true;
    case AllowPattern::Device::id:
      return pattern.device_id == target.device;
    case AllowPattern::Device::device_class:
      return pattern.class_code == target.class_code;
  }
  return false;
}

bool property_matches(const AllowPattern& pattern, const SetTarget& target) {
  switch (pattern.property) {
    case AllowPattern::Property::any:
      return true;
    case AllowPattern::Property::epc:
      return pattern.epc == target.epc;
    case AllowPattern::Property::key: {
      // The key the device's state uses for this EPC; maker-specific EPCs have none.
      const auto* def = defs::find_property(target.class_code, target.epc);
      return def != nullptr && def->name == pattern.key;
    }
  }
  return false;
}

bool is_everything(const AllowPattern& pattern) {
  return pattern.device == AllowPattern::Device::any &&
         pattern.property == AllowPattern::Property::any;
}

}  // namespace

Result<AllowPattern> parse_allow_pattern(std::string_view text) {
  if (text == "*")
    return AllowPattern{};
  const auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return fail(std::string("must be ") + std::string(kForm) +
                " or \"*\", e.g. \"living_ac/target_temperature\"");
  if (text.find('/', slash + 1) != std::string_view::npos)
    return fail(std::string("has more than one '/'; the form is ") + std::string(kForm));
  auto pattern = with_device(AllowPattern{}, text.substr(0, slash));
  if (!pattern)
    return pattern;
  return with_property(std::move(*pattern), text.substr(slash + 1));
}

AllowSet::AllowSet(const std::optional<std::vector<std::string>>& patterns) {
  if (!patterns)
    return;
  patterns_.emplace();
  for (const std::string& text : *patterns) {
    if (auto pattern = parse_allow_pattern(text)) {
      everything_ = everything_ || is_everything(*pattern);
      patterns_->push_back(std::move(*pattern));
    }
  }
}

bool AllowSet::allows(const SetTarget& target) const {
  if (!patterns_)
    return target.home_assistant_controls;
  return std::any_of(patterns_->begin(), patterns_->end(), [&](const AllowPattern& pattern) {
    return device_matches(pattern, target) && property_matches(pattern, target);
  });
}

}  // namespace hems::app
