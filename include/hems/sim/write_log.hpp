#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "hems/common/bytes.hpp"

namespace hems::sim {

// One line of the --write-log file: when a chunk carrying a meter answer (an ERXUDP line) was
// handed to the client, and the chunk itself. End-to-end latency benchmarks match these lines
// with what a subscriber received, so the time is the wall clock (CLOCK_REALTIME), which both
// sides share, and is taken just before the write(2).
//
//   <unix seconds>.<nanoseconds, 9 digits> <the chunk as uppercase hex>
//
// The chunk is hex so a binary payload (which may hold CR LF) stays on one line. nullopt when
// the chunk has no ERXUDP line: only the meter's answers are timed.
std::optional<std::string> write_log_entry(ByteView chunk,
                                           std::chrono::system_clock::time_point written);

}  // namespace hems::sim
