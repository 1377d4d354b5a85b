#pragma once

#include <string>

#include "hems/io/transport.hpp"

struct sp_port;

namespace hems::io {

// A real serial device (ttyUSB, ttyACM, /dev/serial/by-id/...) through libserialport:
// 8N1, no flow control.
class SerialTransport final : public Transport {
 public:
  explicit SerialTransport(std::string path, int baud = 115200);
  ~SerialTransport() override;
  SerialTransport(const SerialTransport&) = delete;
  SerialTransport& operator=(const SerialTransport&) = delete;

  Result<void> open() override;
  void close() override;
  bool is_open() const override { return port_ != nullptr; }
  int poll_fd() const override { return fd_; }
  Result<Bytes> read_available() override;
  Result<void> write_all(ByteView bytes) override;
  std::string description() const override;

 private:
  std::string path_;
  int baud_;
  sp_port* port_ = nullptr;
  int fd_ = -1;
};

}  // namespace hems::io
