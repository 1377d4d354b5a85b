#include "hems/sim/lan_setget.hpp"

#include <string>

namespace hems::sim {
namespace {

std::uint32_t read_eoj(ByteView bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 16) | (std::uint32_t{bytes[at + 1]} << 8) | bytes[at + 2];
}

void put_eoj(Bytes& out, std::uint32_t eoj) {
  out.push_back(static_cast<std::uint8_t>(eoj >> 16));
  out.push_back(static_cast<std::uint8_t>(eoj >> 8));
  out.push_back(static_cast<std::uint8_t>(eoj));
}

// Reads OPC and its properties starting at `at`; advances `at`.
Result<std::vector<ElProperty>> read_list(ByteView bytes, std::size_t& at, const char* which) {
  if (at >= bytes.size())
    return fail(std::string("SetGet: ") + which + " count missing");
  const std::size_t count = bytes[at++];
  std::vector<ElProperty> list;
  for (std::size_t i = 0; i < count; ++i) {
    if (at + 2 > bytes.size())
      return fail(std::string("SetGet: ") + which + " property runs past the end");
    const std::uint8_t epc = bytes[at];
    const std::size_t pdc = bytes[at + 1];
    at += 2;
    if (at + pdc > bytes.size())
      return fail(std::string("SetGet: ") + which + " EDT runs past the end");
    list.push_back(ElProperty{epc, Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                         bytes.begin() + static_cast<std::ptrdiff_t>(at + pdc))});
    at += pdc;
  }
  return list;
}

void write_list(Bytes& out, const std::vector<ElProperty>& list) {
  out.push_back(static_cast<std::uint8_t>(list.size()));
  for (const auto& p : list) {
    out.push_back(p.epc);
    out.push_back(static_cast<std::uint8_t>(p.edt.size()));
    out.insert(out.end(), p.edt.begin(), p.edt.end());
  }
}

}  // namespace

bool is_lan_setget(ByteView bytes) {
  return bytes.size() >= 12 && bytes[0] == 0x10 && bytes[1] == 0x81 &&
         (bytes[10] == kSetGet || bytes[10] == kSetGetRes || bytes[10] == kSetGetSna);
}

Result<LanSetGetFrame> decode_lan_setget(ByteView bytes) {
  if (!is_lan_setget(bytes))
    return fail("not a SetGet frame");
  LanSetGetFrame frame;
  frame.tid = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
  frame.seoj = read_eoj(bytes, 4);
  frame.deoj = read_eoj(bytes, 7);
  frame.esv = bytes[10];
  std::size_t at = 11;
  auto set_list = read_list(bytes, at, "set");
  if (!set_list)
    return std::unexpected(set_list.error());
  auto get_list = read_list(bytes, at, "get");
  if (!get_list)
    return std::unexpected(get_list.error());
  if (at != bytes.size())
    return fail("SetGet: trailing bytes after the last property");
  frame.set_properties = std::move(*set_list);
  frame.get_properties = std::move(*get_list);
  return frame;
}

Bytes encode_lan_setget(const LanSetGetFrame& frame) {
  Bytes out{0x10, 0x81};
  put_u16(out, frame.tid);
  put_eoj(out, frame.seoj);
  put_eoj(out, frame.deoj);
  out.push_back(frame.esv);
  write_list(out, frame.set_properties);
  write_list(out, frame.get_properties);
  return out;
}

}  // namespace hems::sim
