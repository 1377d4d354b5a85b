#include "hems/io/terminal_transport.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "fd_stream.hpp"
#include "hems/io/open_diagnostics.hpp"

namespace hems::io {

namespace {

std::optional<speed_t> termios_speed(int baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return std::nullopt;
  }
}

// Raw 8N1 without flow control: the dongle's text protocol must pass byte for byte, with no
// echo, no CR/LF translation and no signals from control characters.
Result<void> configure_raw(int fd, int baud, const std::string& what) {
  const auto speed = termios_speed(baud);
  if (!speed)
    return fail(what + ": unsupported baud rate " + std::to_string(baud));
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0) {
    return fail(what + ": not a terminal (tcgetattr: " + detail::errno_text(errno) + ")");
  }
  ::cfmakeraw(&settings);
  settings.c_cflag |= CLOCAL | CREAD;
  settings.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CRTSCTS);
  settings.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // VMIN 1 with O_NONBLOCK: an empty line reads as EAGAIN, so read() returning 0 really is a
  // hang-up (with VMIN 0 the tty driver returns 0 whenever nothing is queued).
  settings.c_cc[VMIN] = 1;
  settings.c_cc[VTIME] = 0;
  ::cfsetispeed(&settings, *speed);
  ::cfsetospeed(&settings, *speed);
  if (::tcsetattr(fd, TCSANOW, &settings) != 0) {
    return fail(what + ": cannot set raw mode: " + detail::errno_text(errno));
  }
  ::tcflush(fd, TCIOFLUSH);  // drop whatever was queued before we owned the line
  return {};
}

}  // namespace

TerminalTransport::TerminalTransport(std::string path, int baud)
    : path_(std::move(path)), baud_(baud) {}

TerminalTransport::~TerminalTransport() {
  close();
}

Result<void> TerminalTransport::open() {
  close();
  const int fd = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return fail(description() + ": " + describe_open_failure(path_, errno));
  if (auto configured = configure_raw(fd, baud_, description()); !configured) {
    ::close(fd);
    return configured;
  }
  fd_ = fd;
  return {};
}

void TerminalTransport::close() {
  detail::close_fd(fd_);
}

Result<Bytes> TerminalTransport::read_available() {
  return detail::read_available_from(fd_, detail::FdKind::file, description());
}

Result<void> TerminalTransport::write_all(ByteView bytes) {
  return detail::write_all_to(fd_, detail::FdKind::file, bytes, detail::kWriteTimeout,
                              description());
}

std::string TerminalTransport::description() const {
  return "pty " + path_;
}

}  // namespace hems::io
