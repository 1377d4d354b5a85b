#pragma once

#include <string>

namespace hems::sim {

// What both simulator shells (dongle and LAN node) need from the process: SIGINT/SIGTERM ask
// the loop to stop (poll() is interrupted, no SA_RESTART), SIGPIPE is ignored, and every log
// line is flushed at once so tests can read it.
void install_stop_signals();
bool stop_requested();
void print(const std::string& text);

}  // namespace hems::sim
