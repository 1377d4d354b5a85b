#pragma once

// The broker address as users write it (mqtt://host:port, mqtts://host:port) and as Paho wants
// it (tcp://host:port, ssl://host:port).

#include <cstdint>
#include <string>
#include <string_view>

#include "hems/common/error.hpp"

namespace hems::mqtt {

struct ServerAddress {
  bool tls = false;
  std::string host;  // IPv6 literals without brackets
  std::uint16_t port = 0;
};

inline constexpr std::uint16_t kDefaultPort = 1883;
inline constexpr std::uint16_t kDefaultTlsPort = 8883;

// Accepts "mqtt://host[:port]" and "mqtts://host[:port]" (IPv6 as "[addr]"); the port defaults
// to 1883 / 8883. Anything else is an error saying what is wrong.
hems::Result<ServerAddress> parse_server_uri(std::string_view uri);

// "tcp://host:port" or "ssl://host:port".
std::string to_paho_uri(const ServerAddress& address);

}  // namespace hems::mqtt
