#include <memory>
#include <utility>

#include "hems/io/serial_transport.hpp"
#include "hems/io/tcp_transport.hpp"
#include "hems/io/terminal_transport.hpp"
#include "hems/io/transport.hpp"

namespace hems::io {

namespace {

std::unique_ptr<Transport> make_device_transport(TransportKind kind, const std::string& path,
                                                 int baud) {
  if (kind == TransportKind::terminal)
    return std::make_unique<TerminalTransport>(path, baud);
  return std::make_unique<SerialTransport>(path, baud);
}

// A device path whose kind is decided at each open(): the symlink a user configured may not
// exist yet when the daemon starts (socat or the simulator started later), and may point at a
// pty one time and at a real dongle the next.
class DevicePathTransport final : public Transport {
 public:
  DevicePathTransport(std::string path, int baud)
      : path_(std::move(path)),
        baud_(baud),
        kind_(classify_device(path_)),
        link_(make_device_transport(kind_, path_, baud_)) {}

  Result<void> open() override {
    const TransportKind kind = classify_device(path_);
    if (kind != kind_) {
      link_->close();
      kind_ = kind;
      link_ = make_device_transport(kind_, path_, baud_);
    }
    return link_->open();
  }
  void close() override { link_->close(); }
  bool is_open() const override { return link_->is_open(); }
  int poll_fd() const override { return link_->poll_fd(); }
  Result<Bytes> read_available() override { return link_->read_available(); }
  Result<void> write_all(ByteView bytes) override { return link_->write_all(bytes); }
  std::string description() const override { return link_->description(); }

 private:
  std::string path_;
  int baud_;
  TransportKind kind_;
  std::unique_ptr<Transport> link_;
};

// A tcp:// string that does not parse still yields a transport, whose open() explains why.
class InvalidUrlTransport final : public Transport {
 public:
  explicit InvalidUrlTransport(std::string url) : url_(std::move(url)) {}
  Result<void> open() override {
    return fail("invalid device " + url_ +
                ": expected tcp://host:port (IPv6 as tcp://[address]:port, port 1-65535)");
  }
  void close() override {}
  bool is_open() const override { return false; }
  int poll_fd() const override { return -1; }
  Result<Bytes> read_available() override { return fail(url_ + ": not open"); }
  Result<void> write_all(ByteView) override { return fail(url_ + ": not open"); }
  std::string description() const override { return "tcp " + url_; }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<Transport> make_transport(const std::string& path, int baud) {
  if (classify_device(path) == TransportKind::tcp) {
    auto address = parse_tcp_url(path);
    if (!address)
      return std::make_unique<InvalidUrlTransport>(path);
    return std::make_unique<TcpTransport>(std::move(*address));
  }
  return std::make_unique<DevicePathTransport>(path, baud);
}

}  // namespace hems::io
