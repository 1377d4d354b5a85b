#include "hems/wisun/pan.hpp"

#include <cstdio>
#include <string>

#include "hems/common/bytes.hpp"

namespace hems::wisun {
namespace {

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!hex_digit_value(c))
      return false;
  }
  return !s.empty();
}

std::optional<unsigned long> parse_hex_number(std::string_view s, std::size_t max_digits) {
  if (!is_hex(s) || s.size() > max_digits)
    return std::nullopt;
  return std::stoul(std::string(s), nullptr, 16);
}

}  // namespace

std::string serialize_pan(const PanInfo& pan) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "channel=%02X\npan_id=%04X\nmac=%s\nipv6=%s\nlqi=%02X\n",
                pan.channel, pan.pan_id, pan.mac.c_str(), pan.ipv6.c_str(), pan.lqi);
  return buf;
}

Result<PanInfo> parse_pan(std::string_view text) {
  PanInfo pan;
  bool have_channel = false, have_pan = false, have_mac = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail("line " + std::to_string(line_no) + ": expected key=value");
    }
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key == "channel") {
      auto v = parse_hex_number(value, 2);
      if (!v || *v < 0x21 || *v > 0x3C)
        return fail("channel out of range 21..3C");
      pan.channel = static_cast<std::uint8_t>(*v);
      have_channel = true;
    } else if (key == "pan_id") {
      auto v = parse_hex_number(value, 4);
      if (!v)
        return fail("pan_id is not 4 hex digits");
      pan.pan_id = static_cast<std::uint16_t>(*v);
      have_pan = true;
    } else if (key == "mac") {
      if (value.size() != 16 || !is_hex(value))
        return fail("mac is not 16 hex digits");
      pan.mac = std::string(value);
      have_mac = true;
    } else if (key == "ipv6") {
      if (!value.empty() && value.size() != 39)
        return fail("ipv6 is not a full address");
      pan.ipv6 = std::string(value);
    } else if (key == "lqi") {
      auto v = parse_hex_number(value, 2);
      if (!v)
        return fail("lqi is not a hex byte");
      pan.lqi = static_cast<std::uint8_t>(*v);
    }
    // Unknown keys are ignored so that later versions can add fields.
  }
  if (!have_channel || !have_pan || !have_mac)
    return fail("channel, pan_id or mac missing");
  return pan;
}

std::optional<std::string> link_local_from_mac(std::string_view mac) {
  auto bytes = from_hex(mac);
  if (!bytes || bytes->size() != 8)
    return std::nullopt;
  (*bytes)[0] ^= 0x02;
  std::string out = "FE80:0000:0000:0000";
  std::string hex = to_hex(*bytes);
  for (std::size_t i = 0; i < 16; i += 4) {
    out += ':';
    out += hex.substr(i, 4);
  }
  return out;
}

}  // namespace hems::wisun
