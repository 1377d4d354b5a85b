#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::io {

// A byte link to the Wi-SUN dongle. Not thread-safe: the event loop thread owns it.
class Transport {
 public:
  virtual ~Transport() = default;

  // (Re)opens the link. The error message names the path, the system's reason and a hint.
  virtual Result<void> open() = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // The descriptor to poll for input; -1 while closed.
  virtual int poll_fd() const = 0;
  // Non-blocking: the bytes available now (possibly none). An error means the link is lost
  // (EOF, EIO, hang-up, connection reset, device removed); the caller closes and reopens later.
  virtual Result<Bytes> read_available() = 0;
  // Writes everything, waiting at most about two seconds for the link to take it.
  virtual Result<void> write_all(ByteView bytes) = 0;
  // What the link is, for logs: "serial /dev/ttyUSB0", "pty /dev/pts/3", "tcp host:port".
  virtual std::string description() const = 0;
};

enum class TransportKind { serial, terminal, tcp };

std::string_view to_string(TransportKind kind);

// tcp://host:port is tcp. Otherwise symlinks are resolved and a tty without a
// /sys/class/tty/<name>/device entry (a pseudo-terminal such as socat's) is a terminal;
// everything else, including a path that does not exist (yet), is a serial port.
TransportKind classify_device(std::string_view path);

// The transport for a configured device path. For device paths the kind is decided again at
// every open(), so a symlink that appears later or changes its target is followed.
std::unique_ptr<Transport> make_transport(const std::string& path, int baud = 115200);

}  // namespace hems::io
