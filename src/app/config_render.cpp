#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "config_schema.hpp"
#include "hems/app/config.hpp"

namespace hems::app {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c));
          out += escape;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  // TOML needs a fraction or exponent to read the value back as a float.
  if (text.find_first_of(".eEn") == std::string::npos)
    text += ".0";
  return text;
}

// Renders one value; a non-empty secret is replaced, an empty one shown as "" so the reader can
// tell "not set" from "set".
class ValueRenderer {
 public:
  ValueRenderer(Config& config, bool secret) : config_(config), secret_(secret) {}

  std::string operator()(detail::StringField field) const {
    const std::string& value = field(config_);
    if (secret_ && !value.empty())
      return quoted(kRedacted);
    return quoted(value);
  }
  std::string operator()(detail::IntField field) const { return std::to_string(field(config_)); }
  std::string operator()(detail::BoolField field) const {
    return field(config_) ? "true" : "false";
  }
  std::string operator()(detail::NumberField field) const { return number_text(field(config_)); }
  std::string operator()(detail::StringListField field) const { return list(field(config_)); }
  std::string operator()(detail::StringMapField) const { return ""; }  // rendered as a table
  std::string operator()(detail::OptionalStringListField field) const {
    return list(*field(config_));  // render_config comments an absent one out
  }

 private:
  static std::string list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const std::string& item : items) {
      if (out.size() > 1)
        out += ", ";
      out += quoted(item);
    }
    return out + "]";
  }

  Config& config_;
  bool secret_;
};

bool secret_comes_from_file(const detail::KeySpec& secret, Config& config) {
  const detail::KeySpec* file = detail::find_key(secret.section, std::string(secret.key) + "_file");
  if (file == nullptr)
    return false;
  const auto* field = std::get_if<detail::StringField>(&file->field);
  return field != nullptr && !(*field)(config).empty();
}

}  // namespace

std::string render_config(const Config& config) {
  // The schema's accessors take a mutable Config; rendering only reads through them.
  Config copy = config;
  std::string out = "# Effective configuration";
  if (!config.source_path.empty())
    out += " (from " + config.source_path + " and environment)";
  out += "; secrets are redacted.\n";

  for (std::string_view section : detail::all_sections()) {
    out += "\n[" + std::string(section) + "]\n";
    std::string tables;  // sub-tables must follow all of their section's plain keys
    for (const detail::KeySpec& spec : detail::all_keys()) {
      if (spec.section != section)
        continue;
      if (const auto* map_field = std::get_if<detail::StringMapField>(&spec.field)) {
        std::string table = "\n[" + detail::dotted_name(spec) + "]\n";
        for (const auto& [key, value] : (*map_field)(copy)) {
          table += quoted(key) + " = " + quoted(value) + "\n";
        }
        tables += table;
        continue;
      }
      if (const auto* optional = std::get_if<detail::OptionalStringListField>(&spec.field);
          optional != nullptr && !(*optional)(copy)) {
        // No value stands for "not set", whose default is no list; reading this back keeps it so.
        out += "# " + std::string(spec.key) + " is not set: its default applies\n";
        continue;
      }
      if (spec.secret && secret_comes_from_file(spec, copy)) {
        // Rendering both would make the output an invalid config ("both are set").
        out += "# " + std::string(spec.key) + " is read from " + std::string(spec.key) + "_file\n";
        continue;
      }
      out += std::string(spec.key) + " = " +
             std::visit(ValueRenderer(copy, spec.secret), spec.field) + "\n";
    }
    out += tables;
  }
  return out;
}

}  // namespace hems::app
