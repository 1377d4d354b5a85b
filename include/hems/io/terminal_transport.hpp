#pragma once

#include <string>

#include "hems/io/transport.hpp"

namespace hems::io {

// A pseudo-terminal (or any tty libserialport will not take) through a plain termios fd:
// raw 8N1, no flow control, CLOCAL|CREAD. The path is opened again at every open(), so a
// symlink re-pointed at a new pty is followed.
class TerminalTransport final : public Transport {
 public:
  explicit TerminalTransport(std::string path, int baud = 115200);
  ~TerminalTransport() override;
  TerminalTransport(const TerminalTransport&) = delete;
  TerminalTransport& operator=(const TerminalTransport&) = delete;

  Result<void> open() override;
  void close() override;
  bool is_open() const override { return fd_ >= 0; }
  int poll_fd() const override { return fd_; }
  Result<Bytes> read_available() override;
  Result<void> write_all(ByteView bytes) override;
  std::string description() const override;

 private:
  std::string path_;
  int baud_;
  int fd_ = -1;
};

}  // namespace hems::io
