#pragma once

#include <poll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

namespace hems::sim {

// What one poll round produced on the transport.
struct EndpointEvents {
  Bytes input;
  bool attached = false;  // a (new) client is there: the pty was opened, or a TCP accept
  std::vector<std::string> notes;
};

// The byte pipe the simulated dongle sits behind: a pty (like a USB serial port) or a TCP
// listener (like ser2net). Only one client at a time.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Opens (again after an unplug); returns the READY description, e.g. "pty /dev/pts/3".
  virtual Result<std::string> open() = 0;
  // Unplug: the client sees a hang-up / connection drop.
  virtual void close() = 0;
  virtual void add_poll_fds(std::vector<pollfd>& fds) = 0;
  virtual EndpointEvents handle_poll(const std::vector<pollfd>& fds) = 0;
  // Queues bytes for the client; dropped when there is none (like a dongle with the port closed).
  virtual void write(ByteView bytes) = 0;
  // Longest the loop may sleep, in ms (a hung-up pty must be re-polled to notice a reopen).
  virtual int max_wait_ms() const = 0;
};

std::unique_ptr<Endpoint> make_pty_endpoint(std::string link);
std::unique_ptr<Endpoint> make_tcp_endpoint(std::uint16_t port);

}  // namespace hems::sim
