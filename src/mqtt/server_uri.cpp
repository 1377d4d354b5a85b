#include "hems/mqtt/server_uri.hpp"

#include <charconv>

namespace hems::mqtt {
namespace {

constexpr std::string_view kPlainScheme = "mqtt://";
constexpr std::string_view kTlsScheme = "mqtts://";

hems::Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error == std::errc::invalid_argument || end != text.data() + text.size()) {
    return hems::fail("port '" + std::string(text) + "' is not a number");
  }
  if (error == std::errc::result_out_of_range || value < 1 || value > 65535) {
    return hems::fail("port " + std::string(text) + " is out of range 1-65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

hems::Result<ServerAddress> parse_server_uri(std::string_view uri) {
  ServerAddress address;
  std::string_view rest;
  if (uri.starts_with(kTlsScheme)) {
    address.tls = true;
    rest = uri.substr(kTlsScheme.size());
  } else if (uri.starts_with(kPlainScheme)) {
    rest = uri.substr(kPlainScheme.size());
  } else {
    return hems::fail("must start with mqtt:// or mqtts://");
  }
  if (rest.ends_with('/'))
    rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos) {
    return hems::fail("must not contain credentials; use username and password");
  }
  if (rest.find('/') != std::string_view::npos) {
    return hems::fail("must be scheme://host[:port] without a path");
  }

  std::string_view port_text;
  bool has_port = false;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos)
      return hems::fail("has an unterminated '[' in the host");
    address.host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return hems::fail("has text after the IPv6 address");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t colon = rest.find(':');
    address.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      has_port = true;
    }
  }
  if (address.host.empty())
    return hems::fail("has no host");

  if (has_port) {
    auto port = parse_port(port_text);
    if (!port)
      return std::unexpected(port.error());
    address.port = *port;
  } else {
    address.port = address.tls ? kDefaultTlsPort : kDefaultPort;
  }
  return address;
}

std::string to_paho_uri(const ServerAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  // Appended piece by piece: GCC 12 at -O2 reports a false -Wrestrict on `":" + std::string`.
  std::string uri = address.tls ? "ssl://" : "tcp://";
  if (ipv6)
    uri += '[';
  uri += address.host;
  if (ipv6)
    uri += ']';
  uri += ':';
  uri += std::to_string(address.port);
  return uri;
}

}  // namespace hems::mqtt
