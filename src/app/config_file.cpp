#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "config_schema.hpp"
#include "config_steps.hpp"

namespace hems::app::detail {
namespace {

int line_of(const toml::source_region& region) {
  return static_cast<int>(region.begin.line);
}

std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

std::vector<std::string> names_of_keys_in(std::string_view section) {
  std::vector<std::string> names;
  for (const KeySpec& spec : all_keys()) {
    if (spec.section == section)
      names.emplace_back(spec.key);
  }
  return names;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view prefix) {
  if (auto match = closest_match(word, candidates)) {
    return "; did you mean '" + std::string(prefix) + *match + "'?";
  }
  return "";
}

// Copies one TOML value into its field, or records why it cannot.
class FieldAssigner {
 public:
  FieldAssigner(const KeySpec& spec, const toml::node& node, Config& config, LoadContext& context)
      : spec_(spec), node_(node), config_(config), context_(context) {}

  void operator()(StringField field) const {
    if (const auto* value = node_.as_string()) {
      field(config_) = value->get();
    } else {
      wrong_type();
    }
  }

  void operator()(IntField field) const {
    const auto* value = node_.as_integer();
    if (value == nullptr) {
      wrong_type();
      return;
    }
    const std::int64_t number = value->get();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
      context_.error_at_line(line_of(node_.source()), dotted_name(spec_) + " is out of range");
      return;
    }
    field(config_) = static_cast<int>(number);
  }

  void operator()(BoolField field) const {
    if (const auto* value = node_.as_boolean()) {
      field(config_) = value->get();
    } else {
      wrong_type();
    }
  }

  void operator()(NumberField field) const {
    if (const auto* value = node_.as_floating_point()) {
      field(config_) = value->get();
    } else if (const auto* integer = node_.as_integer()) {
      field(config_) = static_cast<double>(integer->get());
    } else {
      wrong_type();
    }
  }

  void operator()(StringListField field) const {
    if (auto values = strings())
      field(config_) = std::move(*values);
  }

  void operator()(OptionalStringListField field) const {
    if (auto values = strings())
      field(config_) = std::move(*values);
  }

  void operator()(StringMapField field) const {
    const auto* table = node_.as_table();
    if (table == nullptr) {
      wrong_type();
      return;
    }
    std::map<std::string, std::string> values;
    for (auto&& [key, element] : *table) {
      if (const auto* text = element.as_string()) {
        values[std::string(key.str())] = text->get();
      } else {
        context_.error_at_line(line_of(key.source()),
                               dotted_name(spec_) + " entry '" + std::string(key.str()) +
                                   "' must be a string, not " + describe(element));
      }
    }
    field(config_) = std::move(values);
  }

 private:
  // The array's strings; nullopt when the value is not an array. Other elements are reported.
  std::optional<std::vector<std::string>> strings() const {
    const auto* array = node_.as_array();
    if (array == nullptr) {
      wrong_type();
      return std::nullopt;
    }
    std::vector<std::string> values;
    for (const toml::node& element : *array) {
      if (const auto* text = element.as_string()) {
        values.push_back(text->get());
      } else {
        context_.error_at_line(
            line_of(element.source()),
            dotted_name(spec_) + " entries must be strings, not " + describe(element));
      }
    }
    return values;
  }

  void wrong_type() const {
    context_.error_at_line(line_of(node_.source()), dotted_name(spec_) + " must be " +
                                                        std::string(type_description(spec_.field)) +
                                                        ", not " + describe(node_));
  }

  const KeySpec& spec_;
  const toml::node& node_;
  Config& config_;
  LoadContext& context_;
};

void apply_section(std::string_view section, const toml::table& table, Config& config,
                   LoadContext& context) {
  for (auto&& [key, node] : table) {
    const int line = line_of(key.source());
    const KeySpec* spec = find_key(section, key.str());
    if (spec == nullptr) {
      context.error_at_line(
          line, "unknown key '" + std::string(section) + "." + std::string(key.str()) + "'" +
                    suggestion(key.str(), names_of_keys_in(section), std::string(section) + "."));
      continue;
    }
    context.set_file_origin(dotted_name(*spec), line);
    std::visit(FieldAssigner(*spec, node, config, context), spec->field);
  }
}

}  // namespace

bool apply_file(Config& config, LoadContext& context) {
  if (std::ifstream probe(context.path()); !probe) {
    context.error_at_line(0, "cannot read the config file: " + std::string(std::strerror(errno)));
    return false;
  }
  // A directory opens, and toml++ reads it as an empty file: every required key would then be
  // reported missing, which points the wrong way.
  if (std::error_code ec; std::filesystem::is_directory(context.path(), ec)) {
    context.error_at_line(0, "is a directory, not a config file (give the file itself, e.g. " +
                                 (std::filesystem::path(context.path()) / "config.toml").string() +
                                 ")");
    return false;
  }
  toml::table root;
  try {
    root = toml::parse_file(context.path());
  } catch (const toml::parse_error& error) {
    // toml++ reports an unreadable file as a parse error without a position.
    context.error_at_line(line_of(error.source()), std::string(error.description()));
    return false;
  }

  const std::vector<std::string> sections(all_sections().begin(), all_sections().end());
  for (auto&& [name, node] : root) {
    const int line = line_of(name.source());
    const std::string section(name.str());
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      std::string message = "unknown section [" + section + "]";
      if (auto match = closest_match(section, sections)) {
        message += "; did you mean [" + *match + "]?";
      }
      context.error_at_line(line, std::move(message));
      continue;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      context.error_at_line(line, "'" + section + "' must be a table ([" + section + "])");
      continue;
    }
    context.set_file_origin(section, line);
    apply_section(section, *table, config, context);
  }
  return true;
}

}  // namespace hems::app::detail
