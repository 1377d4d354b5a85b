#include "hems/app/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace hems::app {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;

}  // namespace

std::optional<Level> level_from_string(std::string_view name) {
  if (name == "error")
    return Level::error;
  if (name == "warning" || name == "warn")
    return Level::warning;
  if (name == "info")
    return Level::info;
  if (name == "debug")
    return Level::debug;
  if (name == "trace")
    return Level::trace;
  return std::nullopt;
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::error:
      return "ERROR";
    case Level::warning:
      return "WARN ";
    case Level::info:
      return "INFO ";
    case Level::debug:
      return "DEBUG";
    case Level::trace:
      return "TRACE";
  }
  return "?";
}

void set_log_level(Level level) {
  g_level = static_cast<int>(level);
}
Level log_level() {
  return static_cast<Level>(g_level.load());
}
bool log_enabled(Level level) {
  return static_cast<int>(level) <= g_level.load();
}

void log(Level level, std::string_view message) {
  if (!log_enabled(level))
    return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &local);
  std::lock_guard lock(g_mutex);
  std::fprintf(stdout, "%s.%03d %.*s %.*s\n", stamp, static_cast<int>(millis),
               static_cast<int>(to_string(level).size()), to_string(level).data(),
               static_cast<int>(message.size()), message.data());
  std::fflush(stdout);
}

}  // namespace hems::app
