#pragma once

// ECHONET Lite frames for the rig tests, written and read byte by byte so that the tests do not
// lean on the project's codec (a shared misreading would pass both).

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>

#include "hems/common/bytes.hpp"

namespace hems::testing::el {

inline constexpr std::uint16_t kPort = 3610;
inline constexpr const char* kGroupV4 = "224.0.23.0";
inline constexpr const char* kGroupV6 = "ff02::1";
inline constexpr std::uint32_t kController = 0x05FF01;
inline constexpr std::uint32_t kNodeProfile = 0x0EF001;
inline constexpr std::uint8_t kGet = 0x62;
inline constexpr std::uint8_t kGetRes = 0x72;
inline constexpr std::uint8_t kInf = 0x73;
inline constexpr std::uint8_t kGetSna = 0x52;

inline void put_eoj(Bytes& out, std::uint32_t eoj) {
  out.push_back(static_cast<std::uint8_t>(eoj >> 16));
  out.push_back(static_cast<std::uint8_t>(eoj >> 8));
  out.push_back(static_cast<std::uint8_t>(eoj));
}

// A Get from a controller: EHD 1081, TID, SEOJ 05FF01, DEOJ, ESV 62, OPC, then each EPC, PDC 0.
inline Bytes get_request(std::uint16_t tid, std::uint32_t deoj,
                         std::initializer_list<std::uint8_t> epcs) {
  Bytes frame{0x10, 0x81, static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid)};
  put_eoj(frame, kController);
  put_eoj(frame, deoj);
  frame.push_back(kGet);
  frame.push_back(static_cast<std::uint8_t>(epcs.size()));
  for (std::uint8_t epc : epcs)
    frame.insert(frame.end(), {epc, 0x00});
  return frame;
}

inline Bytes get_request(std::uint16_t tid, std::uint32_t deoj, std::uint8_t epc) {
  return get_request(tid, deoj, {epc});
}

struct Frame {
  std::uint16_t tid = 0;
  std::uint32_t seoj = 0;
  std::uint32_t deoj = 0;
  std::uint8_t esv = 0;
  std::map<std::uint8_t, Bytes> properties;
};

inline std::uint32_t eoj_at(ByteView b, std::size_t at) {
  return std::uint32_t{b[at]} << 16 | std::uint32_t{b[at + 1]} << 8 | b[at + 2];
}

inline std::optional<Frame> parse(ByteView b) {
  if (b.size() < 12 || b[0] != 0x10 || b[1] != 0x81)
    return std::nullopt;
  Frame f;
  f.tid = static_cast<std::uint16_t>(b[2] << 8 | b[3]);
  f.seoj = eoj_at(b, 4);
  f.deoj = eoj_at(b, 7);
  f.esv = b[10];
  std::size_t at = 12;
  for (unsigned i = 0; i < b[11]; ++i) {
    if (at + 2 > b.size())
      return std::nullopt;
    const std::size_t length = b[at + 1];
    if (at + 2 + length > b.size())
      return std::nullopt;
    const auto edt = b.subspan(at + 2, length);
    f.properties[b[at]] = Bytes(edt.begin(), edt.end());
    at += 2 + length;
  }
  return f;
}

}  // namespace hems::testing::el
