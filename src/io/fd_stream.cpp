#include "fd_stream.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

namespace hems::io::detail {

namespace {

// Enough for any burst a 115200 baud dongle produces between two loop iterations.
constexpr std::size_t kMaxReadPerCall = 64 * 1024;

ssize_t read_some(int fd, FdKind kind, std::uint8_t* buffer, std::size_t size) {
  if (kind == FdKind::socket)
    return ::recv(fd, buffer, size, MSG_DONTWAIT);
  return ::read(fd, buffer, size);
}

ssize_t write_some(int fd, FdKind kind, const std::uint8_t* data, std::size_t size) {
  // MSG_NOSIGNAL: a peer that went away is an error value, not a SIGPIPE.
  if (kind == FdKind::socket)
    return ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  return ::write(fd, data, size);
}

}  // namespace

std::string errno_text(int error_number) {
  return std::system_category().message(error_number);
}

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);  // no retry on EINTR: on Linux the fd is gone either way
  fd = -1;
}

Result<short> poll_one(int fd, short events, Duration timeout) {
  const TimePoint deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (ready >= 0)
      return ready == 0 ? short{0} : entry.revents;
    if (errno != EINTR)
      return fail("poll() failed: " + errno_text(errno));
  }
}

Result<Bytes> read_available_from(int fd, FdKind kind, const std::string& what) {
  if (fd < 0)
    return fail(what + ": not open");
  Bytes out;
  std::array<std::uint8_t, 4096> buffer{};
  while (out.size() < kMaxReadPerCall) {
    const ssize_t got = read_some(fd, kind, buffer.data(), buffer.size());
    if (got > 0) {
      out.insert(out.end(), buffer.begin(), buffer.begin() + got);
      // A short read has emptied what the kernel held: asking again would only return EAGAIN,
      // one more system call for every line the dongle writes. Anything that arrives later
      // wakes the loop's poll(2) again.
      if (static_cast<std::size_t>(got) < buffer.size())
        break;
      continue;
    }
    if (got < 0 && errno == EINTR)
      continue;
    // Hand over what arrived before the link broke; the next call reports the loss.
    if (!out.empty())
      return out;
    if (got == 0) {
      return fail(what + ": end of file (the other side closed the link or the device is gone)");
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(what + ": read failed: " + errno_text(errno) +
                  (errno == EIO ? " (hang-up: the device was removed or the pty closed)" : ""));
    }
    break;
  }
  if (!out.empty())
    return out;
  // No data: a hang-up without EOF from read() (some tty drivers) still means the link is gone.
  auto revents = poll_one(fd, POLLIN, Duration::zero());
  if (!revents)
    return fail(what + ": " + revents.error().message);
  if ((*revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
    return fail(what + ": hang-up (the device was removed or the other side closed)");
  }
  return out;
}

Result<void> write_all_to(int fd, FdKind kind, ByteView bytes, Duration timeout,
                          const std::string& what) {
  if (fd < 0)
    return fail(what + ": not open");
  const TimePoint deadline = Clock::now() + timeout;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t put = write_some(fd, kind, bytes.data() + done, bytes.size() - done);
    if (put > 0) {
      done += static_cast<std::size_t>(put);
      continue;
    }
    if (put < 0 && errno == EINTR)
      continue;
    if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(what + ": write failed: " + errno_text(errno));
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left <= Duration::zero()) {
      return fail(what + ": write timed out; wrote " + std::to_string(done) + " of " +
                  std::to_string(bytes.size()) + " bytes (is the device stalled by flow control?)");
    }
    auto revents = poll_one(fd, POLLOUT, left);
    if (!revents)
      return fail(what + ": " + revents.error().message);
    if ((*revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (*revents & POLLOUT) == 0) {
      return fail(what + ": write failed: hang-up");
    }
  }
  return {};
}

}  // namespace hems::io::detail
