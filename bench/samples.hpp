#pragma once

// What a B-route dongle really sends while a meter is being read, taken from the captures in the
// protocol reference: the send result, the command's OK and the meter's answer (ERXUDP).

#include <cstddef>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"

namespace hems::bench {

inline constexpr std::string_view kMeterIp = "FE80:0000:0000:0000:021C:6400:6014:21A3";
inline constexpr std::string_view kDongleIp = "FE80:0000:0000:0000:021D:1290:0005:747B";
inline constexpr std::string_view kMeterMac = "001C6400601421A3";

// ECHONET Lite answers of a 0x0288 meter, as UDP payloads in hex.
inline constexpr std::string_view kReplyPower = "1081000102880105FF017201E70400000278";
inline constexpr std::string_view kReplyPowerCurrents =
    "1081100202880105FF017202E7040000029CE80400280028";
inline constexpr std::string_view kReplyEnergyIdentity =
    "1081000202880105FF017204E0040000FE73E10101D30400000001D70106";
inline constexpr std::string_view kReplyFixedEnergy =
    "1081000302880105FF017201EA0B07EA05140E00000000FE68";
// E7 = 0x00000D0A (3338 W): a binary payload with CR LF inside, which must be read by length.
inline constexpr std::string_view kReplyPowerWithCrLf = "1081000402880105FF017201E70400000D0A";
inline constexpr std::string_view kInstanceListInf = "108100000EF0010EF0017301D50401028801";

inline Bytes bytes_from_hex(std::string_view hex) {
  return from_hex(hex).value_or(Bytes{});
}

inline std::string datalen(std::size_t size) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out(4, '0');
  for (std::size_t i = 0; i < 4; ++i)
    out[3 - i] = kDigits[(size >> (4 * i)) & 0x0F];
  return out;
}

// "ERXUDP ..." (BP35A1 layout, secured, port 0E1A) carrying `payload_hex`, in hex or binary mode.
inline std::string erxudp_line(std::string_view payload_hex, bool binary) {
  const Bytes payload = bytes_from_hex(payload_hex);
  std::string line = "ERXUDP ";
  line.append(kMeterIp).append(" ").append(kDongleIp).append(" 0E1A 0E1A ");
  line.append(kMeterMac).append(" 1 ").append(datalen(payload.size())).append(" ");
  if (binary)
    line.append(payload.begin(), payload.end());
  else
    line.append(payload_hex);
  return line + "\r\n";
}

// One request's worth of dongle output: EVENT 21 (sent), OK, then the meter's answer.
inline std::string reply_exchange(std::string_view payload_hex, bool binary) {
  std::string out = "EVENT 21 ";
  out.append(kMeterIp).append(" 00\r\nOK\r\n");
  return out + erxudp_line(payload_hex, binary);
}

// A poll cycle as the bridge sees it: power and currents, energy, a fixed-time value, and the
// node-profile multicast that follows a join.
inline std::string poll_cycle_stream(bool binary) {
  std::string out;
  out += reply_exchange(kReplyPowerCurrents, binary);
  out += reply_exchange(kReplyEnergyIdentity, binary);
  out += reply_exchange(kReplyPower, binary);
  out += reply_exchange(binary ? kReplyPowerWithCrLf : kReplyPower, binary);
  out += reply_exchange(kReplyFixedEnergy, binary);
  std::string inf = "ERXUDP ";
  inf.append(kMeterIp).append(" FF02:0000:0000:0000:0000:0000:0000:0001 0E1A 0E1A ");
  inf.append(kMeterMac).append(" 1 0012 ");
  const Bytes payload = bytes_from_hex(kInstanceListInf);
  if (binary)
    inf.append(payload.begin(), payload.end());
  else
    inf.append(kInstanceListInf);
  return out + inf + "\r\n";
}

inline ByteView view_of(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

}  // namespace hems::bench
