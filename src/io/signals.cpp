#include "hems/io/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <system_error>

namespace hems::io {

namespace {

constexpr std::array<int, 3> kTerminationSignals{SIGTERM, SIGINT, SIGHUP};

// The self-pipe lives as long as the process: a handler may run at any moment, so its write
// end is never closed.
std::atomic<int> signal_pipe_write{-1};
int signal_pipe_read = -1;

extern "C" void forward_signal(int signo) {
  const int saved_errno = errno;  // the interrupted code may be about to look at errno
  const auto byte = static_cast<unsigned char>(signo);
  [[maybe_unused]] const auto written = ::write(signal_pipe_write.load(), &byte, 1);
  errno = saved_errno;
}

void ensure_pipe() {
  if (signal_pipe_read >= 0)
    return;
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::system_category(), "pipe2 for signals");
  }
  signal_pipe_read = ends[0];
  signal_pipe_write.store(ends[1]);
}

}  // namespace

void on_termination_signals(EventLoop& loop, std::function<void(int signo)> fn) {
  ensure_pipe();
  loop.watch_fd(signal_pipe_read, [fn = std::move(fn)] {
    std::array<unsigned char, 64> received{};
    for (;;) {
      const auto got = ::read(signal_pipe_read, received.data(), received.size());
      if (got <= 0)
        break;
      for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i)
        fn(received[i]);
    }
  });
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // other threads' blocking calls carry on undisturbed
  for (const int signo : kTerminationSignals) {
    ::sigaction(signo, &action, nullptr);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signo);
    ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
  }
}

}  // namespace hems::io
