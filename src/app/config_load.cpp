#include <algorithm>
#include <limits>

#include "config_steps.hpp"
#include "hems/app/config.hpp"

namespace hems::app {

std::string ConfigProblem::to_string() const {
  if (line <= 0)
    return path + ": " + message;
  return path + ":" + std::to_string(line) + ": " + message;
}

std::expected<Config, std::vector<ConfigProblem>> load_config(
    const std::string& path, const std::map<std::string, std::string>& env) {
  detail::LoadContext context(path);
  Config config;
  config.source_path = path;

  if (!detail::apply_file(config, context))
    return std::unexpected(context.problems());
  detail::apply_environment(env, config, context);
  detail::read_secret_files(config, context);
  detail::validate(config, context);

  if (!context.problems().empty()) {
    // File order reads best; problems without a line (environment) go last.
    auto& problems = context.problems();
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
      const int line_a = a.line > 0 ? a.line : std::numeric_limits<int>::max();
      const int line_b = b.line > 0 ? b.line : std::numeric_limits<int>::max();
      return line_a < line_b;
    });
    return std::unexpected(std::move(problems));
  }
  config.warnings = context.warnings();
  return config;
}

}  // namespace hems::app
