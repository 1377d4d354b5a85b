#pragma once

// The LAN's only I/O: UDP port 3610 on IPv4 and IPv6, with the ECHONET Lite multicast groups
// (224.0.23.0, ff02::1) joined on the chosen interfaces.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::lan {

struct Datagram {
  std::string from;  // "192.0.2.10", "fe80::1%eth0"
  Bytes payload;
};

class UdpTransport {
 public:
  virtual ~UdpTransport() = default;
  // `address` is a numeric IPv4 or IPv6 address (a link-local one with "%interface"). A
  // multicast send goes out once on every chosen interface of that address family.
  virtual Result<void> send_to(const std::string& address, bool multicast, ByteView payload) = 0;
  // Readable when receive() has something.
  virtual int poll_fd() const = 0;
  // Non-blocking: one datagram, or nullopt when none is waiting.
  virtual Result<std::optional<Datagram>> receive() = 0;
  // Problems that did not stop the transport (a group that could not be joined ...).
  virtual std::vector<std::string> warnings() const = 0;
};

struct UdpOptions {
  std::string interface;  // a NIC name or one of its addresses; "" = every multicast-capable NIC
  bool ipv4 = true;
  bool ipv6 = true;
  std::uint16_t port = 3610;  // bound locally and sent to
};

// Opens the sockets and joins the groups. Fails when no socket could be bound (port in use,
// no such interface); an address family the host lacks is left out with a warning.
Result<std::unique_ptr<UdpTransport>> open_udp_transport(const UdpOptions& options);

}  // namespace hems::lan
