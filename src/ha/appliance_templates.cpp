#include "appliance_templates.hpp"

namespace hems::ha::detail {
namespace {

std::string path(std::string_view key) {
  return "value_json." + std::string(key);
}

}  // namespace

std::string value_of(std::string_view key) {
  return "{{ " + path(key) + " | default(none) }}";
}

std::string number_of(std::string_view key) {
  // `is number` is false for undefined, null and strings alike, so no default() is needed.
  return "{{ " + path(key) + " if " + path(key) + " is number else none }}";
}

std::string on_off_of(std::string_view key) {
  return "{{ 'ON' if " + path(key) + " is true else 'OFF' if " + path(key) +
         " is false else none }}";
}

// Built by appending: GCC 12 at -O2 reports a false -Wrestrict on `"literal" + std::string`.
std::string set_json(std::string_view key, std::string_view json_value) {
  std::string out = "{\"";
  out += key;
  out += "\": ";
  out += json_value;
  out += '}';
  return out;
}

std::string set_json_name(std::string_view key, std::string_view name) {
  std::string value = "\"";
  value += name;
  value += '"';
  return set_json(key, value);
}

std::string lookup_template(const std::vector<std::pair<std::string, std::string>>& choices) {
  std::string out = "{{ {";
  bool first = true;
  for (const auto& [choice, payload] : choices) {
    out += first ? "" : ", ";
    out += "'" + choice + "': '" + payload + "'";
    first = false;
  }
  return out + "}[value] }}";
}

}  // namespace hems::ha::detail
