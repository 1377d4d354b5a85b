#pragma once

// Where the HTTP endpoint listens, as the config key [http] listen gives it: "host:port" or
// "[IPv6 address]:port". The host is an address or a name; nothing is resolved here.

#include <cstdint>
#include <string>
#include <string_view>

#include "hems/common/error.hpp"

namespace hems::http {

struct ListenAddress {
  std::string host;        // without brackets
  std::uint16_t port = 0;  // 0: any free port (the daemon logs the one it got)

  // "127.0.0.1:9810", "[::1]:9810": the form it was given in.
  std::string to_string() const;
};

Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace hems::http
