#pragma once

#include <functional>

#include "hems/io/event_loop.hpp"

namespace hems::io {

// Routes SIGTERM, SIGINT and SIGHUP into `loop`: `fn(signo)` runs on the loop thread, never in
// signal context. The signal handler only writes the number to a self-pipe, so it works
// whichever thread the kernel delivers to. Calling it again moves delivery to the new loop and
// callback. SIGHUP is included so a closed terminal ends the daemon cleanly too.
void on_termination_signals(EventLoop& loop, std::function<void(int signo)> fn);

}  // namespace hems::io
