#include "hems/app/log.hpp"

#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace hems::app {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<LogFormat> g_format{LogFormat::plain};
std::mutex g_mutex;

// "YYYY-MM-DDTHH:MM:SS.mmm" in local time.
std::string local_timestamp(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[40];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &local);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03d", static_cast<int>(millis));
  return stamp;
}

// A decimal number and what follows it; nullopt unless there is at least one digit.
std::optional<std::pair<unsigned long long, std::string_view>> leading_number(
    std::string_view text) {
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data())
    return std::nullopt;
  return std::pair{value, text.substr(static_cast<std::size_t>(end - text.data()))};
}

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

std::string_view level_name(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
    case Level::trace:
      return "trace";
  }
  return "info";
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

void set_log_format(LogFormat format) {
  g_format = format;
}
LogFormat log_format() {
  return g_format.load();
}

bool is_journal_stream(std::string_view journal_stream, int fd) {
  const auto device = leading_number(journal_stream);
  if (!device || !device->second.starts_with(':'))
    return false;
  const auto inode = leading_number(device->second.substr(1));
  if (!inode || !inode->second.empty())
    return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return false;
  return device->first == static_cast<unsigned long long>(st.st_dev) &&
         inode->first == static_cast<unsigned long long>(st.st_ino);
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::error:
      return 3;
    case Level::warning:
      return 4;
    case Level::info:
      return 6;
    case Level::debug:
    case Level::trace:
      return 7;
  }
  return 6;
}

std::string format_log_line(Level level, std::string_view message, LogFormat format,
                            std::chrono::system_clock::time_point now) {
  std::string line;
  line.reserve(message.size() + 32);
  if (format == LogFormat::journal) {
    // Built by appends: `"<" + std::to_string(...)` trips GCC 12's -Wrestrict false positive at
    // -O3.
    std::string prefix(1, '<');
    prefix += static_cast<char>('0' + syslog_priority(level));  // 3..7, one digit
    prefix += '>';
    line += prefix;
    line += to_string(level);
    line += ' ';
    for (char c : message) {
      line += c;
      if (c == '\n')
        line += prefix;
    }
    return line;
  }
  line += local_timestamp(now);
  line += ' ';
  line += to_string(level);
  line += ' ';
  line += message;
  return line;
}

void log(Level level, std::string_view message) {
  if (!log_enabled(level))
    return;
  std::string line =
      format_log_line(level, message, g_format.load(), std::chrono::system_clock::now());
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace hems::app
