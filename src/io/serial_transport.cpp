#include "hems/io/serial_transport.hpp"

#include <libserialport.h>
#include <poll.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <utility>

#include "fd_stream.hpp"
#include "hems/io/open_diagnostics.hpp"

namespace hems::io {

namespace {

// libserialport's own text for its last failure (the errno text for SP_ERR_FAIL).
std::string sp_error_text(sp_return code) {
  switch (code) {
    case SP_ERR_ARG:
      return "invalid argument or not a serial port";
    case SP_ERR_MEM:
      return "out of memory";
    case SP_ERR_SUPP:
      return "not supported by this device";
    default:
      break;
  }
  char* message = sp_last_error_message();
  std::string text = message != nullptr ? message : "unknown error";
  sp_free_error_message(message);
  return text;
}

// libserialport looks a port up under /sys/class/tty/<name>, so a /dev/serial/by-id/ symlink
// must be resolved to its ttyUSB/ttyACM node first.
std::string resolve_device(const std::string& path) {
  std::error_code ec;
  auto resolved = std::filesystem::canonical(path, ec);
  return ec ? path : resolved.string();
}

}  // namespace

SerialTransport::SerialTransport(std::string path, int baud)
    : path_(std::move(path)), baud_(baud) {}

SerialTransport::~SerialTransport() {
  close();
}

Result<void> SerialTransport::open() {
  close();
  const std::string device = resolve_device(path_);
  sp_port* port = nullptr;
  if (sp_get_port_by_name(device.c_str(), &port) != SP_OK) {
    std::error_code ec;
    if (!std::filesystem::exists(device, ec)) {
      return fail(description() + ": " + describe_open_failure(path_, ENOENT));
    }
    return fail(description() + ": cannot open " + path_ +
                ": libserialport does not know it as a serial port (no /sys/class/tty/" +
                std::filesystem::path(device).filename().string() +
                "/device entry); a pty (socat, the simulator) is opened as a terminal instead");
  }
  if (const sp_return opened = sp_open(port, SP_MODE_READ_WRITE); opened != SP_OK) {
    const int error_number = sp_last_error_code();
    std::string message = opened == SP_ERR_FAIL && error_number != 0
                              ? describe_open_failure(path_, error_number)
                              : "cannot open " + path_ + ": " + sp_error_text(opened);
    sp_free_port(port);
    return fail(description() + ": " + message);
  }
  // 8N1 without flow control: what every Wi-SUN dongle's USB-serial bridge expects.
  const std::array<std::pair<const char*, sp_return>, 5> settings{{
      {"baud rate", sp_set_baudrate(port, baud_)},
      {"data bits", sp_set_bits(port, 8)},
      {"parity", sp_set_parity(port, SP_PARITY_NONE)},
      {"stop bits", sp_set_stopbits(port, 1)},
      {"flow control", sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE)},
  }};
  for (const auto& [what, result] : settings) {
    if (result != SP_OK) {
      std::string message = description() + ": cannot set " + what + ": " + sp_error_text(result);
      sp_close(port);
      sp_free_port(port);
      return fail(std::move(message));
    }
  }
  int fd = -1;
  if (const sp_return got = sp_get_port_handle(port, &fd); got != SP_OK || fd < 0) {
    sp_close(port);
    sp_free_port(port);
    return fail(description() + ": no file descriptor for the port");
  }
  sp_flush(port, SP_BUF_BOTH);  // stale bytes from before we owned the port are meaningless
  port_ = port;
  fd_ = fd;
  return {};
}

void SerialTransport::close() {
  if (port_ != nullptr) {
    sp_close(port_);
    sp_free_port(port_);
  }
  port_ = nullptr;
  fd_ = -1;
}

Result<Bytes> SerialTransport::read_available() {
  if (port_ == nullptr)
    return fail(description() + ": not open");
  // sp_nonblocking_read cannot tell "nothing yet" from EOF (libserialport's termios settings
  // make both read as 0), but a hung-up tty (the dongle unplugged) always polls as POLLHUP.
  auto revents = detail::poll_one(fd_, POLLIN, Duration::zero());
  if (!revents)
    return fail(description() + ": " + revents.error().message);
  if ((*revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
    return fail(description() + ": hang-up (was the dongle unplugged?)");
  }
  Bytes out;
  if ((*revents & POLLIN) == 0)
    return out;
  std::array<std::uint8_t, 4096> buffer{};
  const sp_return got = sp_nonblocking_read(port_, buffer.data(), buffer.size());
  if (got < 0) {
    return fail(description() + ": read failed: " + sp_error_text(got) +
                " (was the dongle unplugged?)");
  }
  out.assign(buffer.begin(), buffer.begin() + static_cast<int>(got));
  return out;
}

Result<void> SerialTransport::write_all(ByteView bytes) {
  if (port_ == nullptr)
    return fail(description() + ": not open");
  if (bytes.empty())
    return {};
  const auto timeout_ms = static_cast<unsigned int>(detail::kWriteTimeout.count());
  const sp_return put = sp_blocking_write(port_, bytes.data(), bytes.size(), timeout_ms);
  if (put < 0)
    return fail(description() + ": write failed: " + sp_error_text(put));
  if (static_cast<std::size_t>(put) < bytes.size()) {
    return fail(description() + ": write timed out; wrote " +
                std::to_string(static_cast<int>(put)) + " of " + std::to_string(bytes.size()) +
                " bytes");
  }
  return {};
}

std::string SerialTransport::description() const {
  return "serial " + path_;
}

}  // namespace hems::io
