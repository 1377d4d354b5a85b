#include <filesystem>
#include <string>

#include "hems/io/transport.hpp"

namespace hems::io {

std::string_view to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::serial:
      return "serial";
    case TransportKind::terminal:
      return "terminal";
    case TransportKind::tcp:
      return "tcp";
  }
  return "unknown";
}

TransportKind classify_device(std::string_view path) {
  if (path.starts_with("tcp://"))
    return TransportKind::tcp;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path device = fs::canonical(fs::path(path), ec);
  if (ec)
    return TransportKind::serial;  // nothing there yet: decided again when it appears
  // Real serial hardware (USB-serial bridges, UARTs) has a device behind its tty class entry;
  // pseudo-terminals have no class entry at all.
  const fs::path sys_entry = fs::path("/sys/class/tty") / device.filename() / "device";
  return fs::exists(sys_entry, ec) ? TransportKind::serial : TransportKind::terminal;
}

}  // namespace hems::io
