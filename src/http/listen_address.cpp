#include "hems/http/listen_address.hpp"

#include <algorithm>
#include <cctype>

namespace hems::http {
namespace {

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// An IPv6 literal's characters, with an optional zone ("fe80::1%eth0") whose name is
// alphanumeric or one of "-_.".
bool is_ipv6_text(std::string_view text) {
  const std::size_t percent = text.find('%');
  const std::string_view address = text.substr(0, percent);
  if (address.find(':') == std::string_view::npos)
    return false;
  const bool address_ok = std::all_of(address.begin(), address.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
  });
  if (!address_ok)
    return false;
  if (percent == std::string_view::npos)
    return true;
  const std::string_view zone = text.substr(percent + 1);
  return !zone.empty() && std::all_of(zone.begin(), zone.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

// A host name or an IPv4 address: letters, digits, '-' and '.'.
bool is_host_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

}  // namespace

std::string ListenAddress::to_string() const {
  std::string out;
  if (host.find(':') != std::string::npos) {
    out += '[';
    out += host;
    out += ']';
  } else {
    out += host;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  // Appended, not `"'" + std::string(...)`: a false -Wrestrict with GCC 12 at -O3.
  std::string shown = "'";
  shown += text;
  shown += '\'';
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos)
      return fail(shown + " has no ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    if (!is_ipv6_text(host))
      return fail(shown + ": '" + std::string(host) + "' is not an IPv6 address");
    const std::string_view after = text.substr(close + 1);
    if (!after.starts_with(':'))
      return fail(shown + " needs a port after the address, e.g. [::1]:9810");
    port = after.substr(1);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return fail(shown + " needs a port, e.g. 127.0.0.1:9810");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail(shown + ": write an IPv6 address in brackets, e.g. [::1]:9810");
    if (host.empty())
      return fail(shown + " needs a host, e.g. 127.0.0.1:9810 (0.0.0.0 for every interface)");
    if (!is_host_name(host))
      return fail(shown + ": '" + std::string(host) + "' is not an address or host name");
  }
  if (!is_digits(port) || port.size() > 5 || std::stoul(std::string(port)) > 65535)
    return fail(shown + ": the port must be a number from 0 to 65535");
  return ListenAddress{std::string(host),
                       static_cast<std::uint16_t>(std::stoul(std::string(port)))};
}

}  // namespace hems::http
