#pragma once

// The Jinja templates appliance entities use to read the state object and write set requests
// (internal to the ha module). Keys are property names ([a-z0-9_]) or enumeration names, so
// nothing here needs quoting beyond what is written.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hems::ha::detail {

// The value of `key`, "None" (unknown to Home Assistant) when absent or null.
std::string value_of(std::string_view key);

// The value of `key` when it is a number; "None" for null, absent, or the names some number
// properties also take ("no_setting", "auto").
std::string number_of(std::string_view key);

// "ON" / "OFF" for true / false, "None" otherwise.
std::string on_off_of(std::string_view key);

// {"<key>": <json_value>}: a set request with one value.
std::string set_json(std::string_view key, std::string_view json_value);

// {"<key>": "<name>"}: a set request with one enumeration name.
std::string set_json_name(std::string_view key, std::string_view name);

// A template mapping Home Assistant's `value` to one of several payloads:
// {{ {'<choice>': '<payload>', ...}[value] }}. Payloads must not contain single quotes.
std::string lookup_template(const std::vector<std::pair<std::string, std::string>>& choices);

}  // namespace hems::ha::detail
