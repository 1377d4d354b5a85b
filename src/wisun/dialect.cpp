#include "hems/wisun/dialect.hpp"

#include <cstdio>

namespace hems::wisun {

std::string_view to_string(Dialect dialect) {
  return dialect == Dialect::single_hop ? "bp35a1" : "bp35c0";
}

std::optional<Dialect> dialect_from_config(std::string_view name) {
  if (name == "bp35a1")
    return Dialect::single_hop;
  if (name == "bp35c0")
    return Dialect::dual_stack;
  return std::nullopt;
}

std::optional<Dialect> dialect_from_info(const InfoRecord& info) {
  if (info.fifth.size() == 4)
    return Dialect::single_hop;  // ADDR16, "FFFE" when not joined
  if (info.fifth == "0" || info.fifth == "1")
    return Dialect::dual_stack;
  return std::nullopt;
}

Dialect other(Dialect dialect) {
  return dialect == Dialect::single_hop ? Dialect::dual_stack : Dialect::single_hop;
}

std::string scan_command(Dialect dialect, std::uint8_t duration) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "SKSCAN 2 FFFFFFFF %X%s\r\n", duration & 0x0F,
                dialect == Dialect::dual_stack ? " 0" : "");
  return buf;
}

std::string sendto_header(Dialect dialect, std::string_view ipv6, std::size_t payload_size) {
  char len[8];
  std::snprintf(len, sizeof len, "%04zX", payload_size & 0xFFFF);
  std::string line = "SKSENDTO 1 ";
  line.append(ipv6);
  line += " 0E1A 1 ";
  if (dialect == Dialect::dual_stack)
    line += "0 ";
  line += len;
  line += ' ';
  return line;
}

Bytes sendto_command(Dialect dialect, std::string_view ipv6, ByteView payload) {
  std::string header = sendto_header(dialect, ipv6, payload.size());
  Bytes out(header.begin(), header.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::chrono::milliseconds scan_time(std::uint8_t duration) {
  // 9.6 ms x (2^d + 1) per channel, 28 channels; computed in tenths of a millisecond.
  const std::int64_t per_channel_tenths = 96 * ((std::int64_t{1} << (duration & 0x0F)) + 1);
  return std::chrono::milliseconds(per_channel_tenths * 28 / 10);
}

double lqi_to_rssi(std::uint8_t lqi) {
  return 0.275 * lqi - 104.27;
}

}  // namespace hems::wisun
