#pragma once

// The table of every known config key: its section, name, type and where it lives in Config.
// Loading, environment overrides and rendering all walk this one table, so a key added here is
// automatically readable from the file, overridable from the environment and printed.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hems/app/config.hpp"

namespace hems::app::detail {

using StringField = std::string& (*)(Config&);
using IntField = int& (*)(Config&);
using BoolField = bool& (*)(Config&);
using NumberField = double& (*)(Config&);
using StringListField = std::vector<std::string>& (*)(Config&);
using StringMapField = std::map<std::string, std::string>& (*)(Config&);
// A list whose absence means something else than an empty one (a default that is not a list).
using OptionalStringListField = std::optional<std::vector<std::string>>& (*)(Config&);

using Field = std::variant<StringField, IntField, BoolField, NumberField, StringListField,
                           StringMapField, OptionalStringListField>;

struct KeySpec {
  std::string_view section;
  std::string_view key;
  Field field;
  bool secret = false;  // never printed: rendered as "<redacted>"
};

// Every key, grouped by section in the order the sections are rendered.
std::span<const KeySpec> all_keys();

// The section names ("mqtt", "meter", "lan", "http", "log").
std::span<const std::string_view> all_sections();

const KeySpec* find_key(std::string_view section, std::string_view key);

// "section.key", the name used in messages.
std::string dotted_name(const KeySpec& spec);

// "HEMS2MQTT_SECTION_KEY", the environment variable that overrides the key.
std::string env_name(const KeySpec& spec);

// "a string", "an integer", ...: what a value of this field must be, for messages.
std::string_view type_description(const Field& field);

// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace hems::app::detail
