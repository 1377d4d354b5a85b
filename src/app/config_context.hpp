#pragma once

// Shared state of one load_config() run: where each key was set (file line or environment
// variable) and the problems and warnings found so far, each located at the key that caused it.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hems/app/config.hpp"

namespace hems::app::detail {

class LoadContext {
 public:
  explicit LoadContext(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // `name` is "section" or "section.key".
  void set_file_origin(const std::string& name, int line);
  void set_env_origin(const std::string& name, const std::string& variable);
  // Makes `to` be reported where `from` was set (a secret read from its *_file key).
  void copy_origin(const std::string& from, const std::string& to);

  // A problem with the value of `name`, reported at the line (or variable) that set it, else at
  // its section's line, else without a line.
  void error(std::string_view name, std::string message);
  void warn(std::string_view name, std::string message);
  void error_at_line(int line, std::string message);
  void warn_at_line(int line, std::string message);

  std::vector<ConfigProblem>& problems() { return problems_; }
  std::vector<ConfigProblem>& warnings() { return warnings_; }

 private:
  struct Origin {
    int line = 0;
    std::string env_variable;  // non-empty when the value came from the environment
  };

  ConfigProblem locate(std::string_view name, std::string message) const;

  std::string path_;
  std::map<std::string, Origin, std::less<>> origins_;
  std::vector<ConfigProblem> problems_;
  std::vector<ConfigProblem> warnings_;
};

}  // namespace hems::app::detail
