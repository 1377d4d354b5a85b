#pragma once

// Reading and writing a non-blocking descriptor the same way for the terminal and TCP links.

#include <string>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"
#include "hems/common/time.hpp"

namespace hems::io::detail {

// The system's text for an errno value ("Permission denied").
std::string errno_text(int error_number);

// Closes fd (if open) and sets it to -1.
void close_fd(int& fd);

enum class FdKind { file, socket };

// Everything readable now, up to a bounded amount per call so one busy link cannot starve the
// loop. EOF, a read error or a hang-up with no data left is an error naming `what`.
Result<Bytes> read_available_from(int fd, FdKind kind, const std::string& what);

// Writes all bytes, waiting for POLLOUT up to `timeout` overall.
Result<void> write_all_to(int fd, FdKind kind, ByteView bytes, Duration timeout,
                          const std::string& what);

// poll(2) for `events` on one fd, retrying on EINTR; returns revents (0 on timeout).
Result<short> poll_one(int fd, short events, Duration timeout);

inline constexpr Duration kWriteTimeout = seconds(2);

}  // namespace hems::io::detail
