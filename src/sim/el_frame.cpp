#include "hems/sim/el_frame.hpp"

#include <array>
#include <string>

namespace hems::sim {
namespace {

void put_eoj(Bytes& out, std::uint32_t eoj) {
  out.push_back(static_cast<std::uint8_t>((eoj >> 16) & 0xFF));
  out.push_back(static_cast<std::uint8_t>((eoj >> 8) & 0xFF));
  out.push_back(static_cast<std::uint8_t>(eoj & 0xFF));
}

std::uint32_t read_eoj(ByteView bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(bytes[at]) << 16) |
         (static_cast<std::uint32_t>(bytes[at + 1]) << 8) | bytes[at + 2];
}

}  // namespace

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put_u32(Bytes& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 24));
  out.push_back(static_cast<std::uint8_t>((value >> 16) & 0xFF));
  out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

Bytes encode_frame(const ElFrame& frame) {
  Bytes out{0x10, 0x81};
  put_u16(out, frame.tid);
  put_eoj(out, frame.seoj);
  put_eoj(out, frame.deoj);
  out.push_back(frame.esv);
  out.push_back(static_cast<std::uint8_t>(frame.properties.size()));
  for (const auto& p : frame.properties) {
    out.push_back(p.epc);
    out.push_back(static_cast<std::uint8_t>(p.edt.size()));
    out.insert(out.end(), p.edt.begin(), p.edt.end());
  }
  return out;
}

Result<ElFrame> decode_frame(ByteView bytes) {
  if (bytes.size() < 12)
    return fail("ECHONET Lite frame shorter than 12 bytes");
  if (bytes[0] != 0x10 || bytes[1] != 0x81)
    return fail("not an ECHONET Lite format-1 frame");
  ElFrame frame;
  frame.tid = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
  frame.seoj = read_eoj(bytes, 4);
  frame.deoj = read_eoj(bytes, 7);
  frame.esv = bytes[10];
  if (frame.esv == 0x6E || frame.esv == 0x7E || frame.esv == 0x5E) {
    return fail("SetGet frames are not supported");
  }
  const std::size_t count = bytes[11];
  std::size_t at = 12;
  for (std::size_t i = 0; i < count; ++i) {
    if (at + 2 > bytes.size())
      return fail("property " + std::to_string(i) + " runs past the end");
    const std::uint8_t epc = bytes[at];
    const std::size_t pdc = bytes[at + 1];
    at += 2;
    if (at + pdc > bytes.size())
      return fail("EDT of property " + std::to_string(i) + " runs past the end");
    frame.properties.push_back(
        ElProperty{epc, Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                              bytes.begin() + static_cast<std::ptrdiff_t>(at + pdc))});
    at += pdc;
  }
  if (at != bytes.size())
    return fail("trailing bytes after the last property");
  return frame;
}

Bytes encode_property_map(std::span<const std::uint8_t> epcs) {
  Bytes out;
  out.reserve(17);
  out.push_back(static_cast<std::uint8_t>(epcs.size()));
  if (epcs.size() < 16) {
    for (std::uint8_t epc : epcs)
      out.push_back(epc);
    return out;
  }
  std::array<std::uint8_t, 16> bits{};
  for (std::uint8_t epc : epcs) {
    if (epc < 0x80)
      continue;  // not expressible in bitmap form
    bits[epc & 0x0F] = static_cast<std::uint8_t>(bits[epc & 0x0F] | (1u << ((epc >> 4) - 8)));
  }
  for (std::uint8_t b : bits)
    out.push_back(b);
  return out;
}

}  // namespace hems::sim
