#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hems::app {

enum class Level { error = 0, warning = 1, info = 2, debug = 3, trace = 4 };

std::optional<Level> level_from_string(std::string_view name);
std::string_view to_string(Level level);

// One process-wide logger writing "2026-11-26T14:32:03.123 INFO  message" lines to stdout.
// Secrets never reach it: callers redact before logging.
void set_log_level(Level level);
Level log_level();
bool log_enabled(Level level);
void log(Level level, std::string_view message);

}  // namespace hems::app
