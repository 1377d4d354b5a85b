#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config_schema.hpp"
#include "config_steps.hpp"

namespace hems::app::detail {
namespace {

constexpr std::string_view kPrefix = "HEMS2MQTT_";
// Read by the command line parser, not a config key.
constexpr std::string_view kConfigPathVariable = "HEMS2MQTT_CONFIG";

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(trim(text));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<int> parse_int(std::string_view text) {
  text = trim(text);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string word = lower(text);
  if (word == "true" || word == "1")
    return true;
  if (word == "false" || word == "0")
    return false;
  return std::nullopt;
}

// "a, b,c" -> {"a", "b", "c"}; an empty value is an empty list.
std::vector<std::string> parse_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (!item.empty())
      items.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

// Parses an environment value into its field; returns an error message or "" on success. Values
// that fail are echoed only for non-string fields, so a secret never appears in a message.
class EnvAssigner {
 public:
  EnvAssigner(std::string_view value, Config& config) : value_(value), config_(config) {}

  std::string operator()(StringField field) const {
    field(config_) = std::string(value_);
    return "";
  }
  std::string operator()(IntField field) const {
    auto number = parse_int(value_);
    if (!number)
      return "expected an integer, got '" + std::string(value_) + "'";
    field(config_) = *number;
    return "";
  }
  std::string operator()(BoolField field) const {
    auto flag = parse_bool(value_);
    if (!flag)
      return "expected true, false, 1 or 0, got '" + std::string(value_) + "'";
    field(config_) = *flag;
    return "";
  }
  std::string operator()(NumberField field) const {
    auto number = parse_number(value_);
    if (!number)
      return "expected a number, got '" + std::string(value_) + "'";
    field(config_) = *number;
    return "";
  }
  std::string operator()(StringListField field) const {
    field(config_) = parse_list(value_);
    return "";
  }
  // Set, even when empty: an empty variable is an empty list, not the default.
  std::string operator()(OptionalStringListField field) const {
    field(config_) = parse_list(value_);
    return "";
  }
  std::string operator()(StringMapField) const {
    return "this table cannot be set from the environment; set it in the config file";
  }

 private:
  std::string_view value_;
  Config& config_;
};

}  // namespace

void apply_environment(const std::map<std::string, std::string>& env, Config& config,
                       LoadContext& context) {
  std::vector<std::string> known_variables;
  for (const KeySpec& spec : all_keys())
    known_variables.push_back(env_name(spec));

  for (const auto& [variable, value] : env) {
    if (!variable.starts_with(kPrefix) || variable == kConfigPathVariable)
      continue;
    const KeySpec* match = nullptr;
    for (const KeySpec& spec : all_keys()) {
      if (env_name(spec) == variable)
        match = &spec;
    }
    if (match == nullptr) {
      // Unknown variables are warnings: a container may carry variables meant for a newer
      // version, and refusing to start over them would be worse than ignoring them.
      std::string message = variable + ": unknown variable, ignored";
      if (auto suggestion = closest_match(variable, known_variables)) {
        message += "; did you mean " + *suggestion + "?";
      }
      context.warn_at_line(0, std::move(message));
      continue;
    }
    const std::string name = dotted_name(*match);
    context.set_env_origin(name, variable);
    if (std::string error = std::visit(EnvAssigner(value, config), match->field); !error.empty()) {
      context.error(name, name + ": " + error);
    }
  }
}

}  // namespace hems::app::detail

namespace hems::app {

std::map<std::string, std::string> environment_from(char** envp) {
  std::map<std::string, std::string> env;
  if (envp == nullptr)
    return env;
  for (char** entry = envp; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos)
      continue;
    const std::string_view name = text.substr(0, equals);
    if (!name.starts_with(detail::kPrefix))
      continue;
    env.emplace(name, text.substr(equals + 1));
  }
  return env;
}

}  // namespace hems::app
