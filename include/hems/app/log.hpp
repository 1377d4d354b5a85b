#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hems/common/log_level.hpp"

namespace hems::app {

// The cores' level type: their log lines reach log() without a conversion.
using Level = hems::LogLevel;

std::optional<Level> level_from_string(std::string_view name);
std::string_view to_string(Level level);
// The level's name as the config and bridge requests spell it ("debug"): level_from_string's
// inverse.
std::string_view level_name(Level level);

// One process-wide logger writing "2026-11-26T14:32:03.123 INFO  message" lines to stdout.
// Secrets never reach it: callers redact before logging.
void set_log_level(Level level);
Level log_level();
bool log_enabled(Level level);
void log(Level level, std::string_view message);

// How a line looks depends on where stdout goes. On a terminal, in a file or in Docker every line
// carries its own local time. In systemd's journal the journal stamps each line itself (a second
// stamp is noise) and takes the line's priority from a leading "<N>" (sd-daemon(3)), which
// `journalctl -p warning` and the colours in `journalctl` rely on.
enum class LogFormat { plain, journal };
void set_log_format(LogFormat format);
LogFormat log_format();

// True when `journal_stream` (systemd's JOURNAL_STREAM, "<device>:<inode>") names the file open
// as `fd`. The variable alone proves nothing: a child of the service inherits it even when its
// stdout was redirected elsewhere, so the journal format is used only when the two match.
bool is_journal_stream(std::string_view journal_stream, int fd);

// The syslog priority journald files a line under: 3 error, 4 warning, 6 info, 7 debug and trace.
int syslog_priority(Level level);

// One line as log() writes it, without the newline. In the journal format every line of a
// multi-line message gets the prefix, so none of them falls back to the journal's default.
std::string format_log_line(Level level, std::string_view message, LogFormat format,
                            std::chrono::system_clock::time_point now);

}  // namespace hems::app
