#include "config_context.hpp"

namespace hems::app::detail {

void LoadContext::set_file_origin(const std::string& name, int line) {
  origins_[name] = Origin{line, {}};
}

void LoadContext::set_env_origin(const std::string& name, const std::string& variable) {
  origins_[name] = Origin{0, variable};
}

void LoadContext::copy_origin(const std::string& from, const std::string& to) {
  if (auto it = origins_.find(from); it != origins_.end()) {
    origins_[to] = it->second;
  }
}

ConfigProblem LoadContext::locate(std::string_view name, std::string message) const {
  if (auto it = origins_.find(name); it != origins_.end()) {
    if (!it->second.env_variable.empty()) {
      return ConfigProblem{path_, 0, it->second.env_variable + ": " + message};
    }
    return ConfigProblem{path_, it->second.line, std::move(message)};
  }
  // Not set anywhere (a required key is missing): point at its section when there is one.
  const std::string_view section = name.substr(0, name.find('.'));
  if (auto it = origins_.find(section); it != origins_.end() && it->second.env_variable.empty()) {
    return ConfigProblem{path_, it->second.line, std::move(message)};
  }
  return ConfigProblem{path_, 0, std::move(message)};
}

void LoadContext::error(std::string_view name, std::string message) {
  problems_.push_back(locate(name, std::move(message)));
}

void LoadContext::warn(std::string_view name, std::string message) {
  warnings_.push_back(locate(name, std::move(message)));
}

void LoadContext::error_at_line(int line, std::string message) {
  problems_.push_back(ConfigProblem{path_, line, std::move(message)});
}

void LoadContext::warn_at_line(int line, std::string message) {
  warnings_.push_back(ConfigProblem{path_, line, std::move(message)});
}

}  // namespace hems::app::detail
