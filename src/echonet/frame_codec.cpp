#include <cstddef>
#include <string>

#include "big_endian.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::echonet {
namespace {

constexpr std::size_t kHeaderSize = 12;  // EHD(2) TID(2) SEOJ(3) DEOJ(3) ESV(1) OPC(1)
constexpr std::size_t kMaxCount = 255;   // OPC and PDC are single bytes

Result<void> check_list(const std::vector<Property>& list, const char* name) {
  if (list.size() > kMaxCount) {
    return fail(std::string(name) + " list has " + std::to_string(list.size()) +
                " properties; at most 255 fit in a frame");
  }
  for (const Property& property : list) {
    if (property.edt.size() > kMaxCount) {
      return fail(detail::epc_prefix(property.epc) + "EDT is " +
                  std::to_string(property.edt.size()) + " bytes; PDC allows at most 255");
    }
  }
  return {};
}

void append_list(Bytes& out, const std::vector<Property>& list) {
  out.push_back(static_cast<std::uint8_t>(list.size()));
  for (const Property& property : list) {
    out.push_back(property.epc);
    out.push_back(static_cast<std::uint8_t>(property.edt.size()));
    out.insert(out.end(), property.edt.begin(), property.edt.end());
  }
}

Eoj read_eoj(ByteView bytes, std::size_t offset) {
  return Eoj{bytes[offset], bytes[offset + 1], bytes[offset + 2]};
}

// Reads a count byte at `offset` and that many (EPC PDC EDT) entries, advancing `offset`.
// The caller guarantees offset < bytes.size().
Result<std::vector<Property>> read_list(ByteView bytes, std::size_t& offset, const char* name) {
  const std::size_t count = bytes[offset];
  ++offset;
  std::vector<Property> list;
  list.reserve(count);
  for (std::size_t index = 1; index <= count; ++index) {
    const std::string which = "property " + std::to_string(index) + " of " + std::to_string(count) +
                              " in the " + name + " list";
    if (offset + 2 > bytes.size()) {
      std::string message = which + ": its EPC/PDC header at offset " + std::to_string(offset) +
                            " runs past the end of the " + std::to_string(bytes.size()) +
                            "-byte frame";
      if (offset < bytes.size())
        message += " (EPC " + detail::hex_byte(bytes[offset]) + ")";
      return fail(message);
    }
    const std::uint8_t epc = bytes[offset];
    const std::size_t pdc = bytes[offset + 1];
    const std::size_t edt_start = offset + 2;
    if (edt_start + pdc > bytes.size()) {
      return fail(detail::epc_prefix(epc) + which + " has PDC " + std::to_string(pdc) +
                  ", so its EDT would span offsets " + std::to_string(edt_start) + ".." +
                  std::to_string(edt_start + pdc - 1) + ", but the frame is only " +
                  std::to_string(bytes.size()) + " bytes");
    }
    const auto edt = bytes.subspan(edt_start, pdc);
    list.push_back(Property{epc, Bytes(edt.begin(), edt.end())});
    offset = edt_start + pdc;
  }
  return list;
}

}  // namespace

const Property* Frame::find(std::uint8_t epc) const {
  for (const Property& property : properties) {
    if (property.epc == epc)
      return &property;
  }
  return nullptr;
}

Result<void> check_encodable(const Frame& frame) {
  const bool two_lists = has_two_lists(frame.esv);
  if (!two_lists && !frame.get_properties.empty()) {
    return fail("ESV " + esv_name(frame.esv) +
                " has a single property list, but get_properties is not empty");
  }
  if (auto ok = check_list(frame.properties, two_lists ? "OPCSet" : "OPC"); !ok)
    return ok;
  return check_list(frame.get_properties, "OPCGet");
}

Bytes encode(const Frame& frame) {
  if (!check_encodable(frame))
    return {};
  Bytes out;
  out.reserve(kHeaderSize + 16);
  out.push_back(0x10);
  out.push_back(0x81);
  detail::append_u16(out, frame.tid);
  for (const Eoj& eoj : {frame.seoj, frame.deoj}) {
    out.push_back(eoj.group);
    out.push_back(eoj.cls);
    out.push_back(eoj.instance);
  }
  out.push_back(frame.esv);
  append_list(out, frame.properties);
  if (has_two_lists(frame.esv))
    append_list(out, frame.get_properties);
  return out;
}

Result<Frame> decode(ByteView bytes) {
  if (bytes.size() < kHeaderSize) {
    return fail("ECHONET Lite frame too short: " + std::to_string(bytes.size()) +
                " bytes, need at least 12 (EHD, TID, SEOJ, DEOJ, ESV, OPC)");
  }
  if (bytes[0] != 0x10 || bytes[1] != 0x81) {
    return fail("not an ECHONET Lite format-1 frame: EHD is " + to_hex(bytes.first(2)) +
                ", expected 1081");
  }
  Frame frame;
  frame.tid = detail::read_u16(bytes, 2);
  frame.seoj = read_eoj(bytes, 4);
  frame.deoj = read_eoj(bytes, 7);
  frame.esv = bytes[10];

  std::size_t offset = 11;
  const bool two_lists = has_two_lists(frame.esv);
  auto first = read_list(bytes, offset, two_lists ? "OPCSet" : "OPC");
  if (!first)
    return std::unexpected(first.error());
  frame.properties = std::move(*first);

  if (two_lists) {
    if (offset >= bytes.size()) {
      return fail(esv_name(frame.esv) + " frame ends after its OPCSet list (" +
                  std::to_string(bytes.size()) + " bytes): the OPCGet count is missing");
    }
    auto second = read_list(bytes, offset, "OPCGet");
    if (!second)
      return std::unexpected(second.error());
    frame.get_properties = std::move(*second);
    if (frame.properties.empty() && frame.get_properties.empty()) {
      return fail(esv_name(frame.esv) + " frame has OPCSet 0 and OPCGet 0: no properties at all");
    }
  } else if (frame.properties.empty()) {
    return fail("OPC is 0: a " + esv_name(frame.esv) + " frame must carry at least one property");
  }

  if (offset != bytes.size()) {
    return fail(std::to_string(bytes.size() - offset) +
                " trailing bytes after the last property (it ends at offset " +
                std::to_string(offset) + " of a " + std::to_string(bytes.size()) + "-byte frame)");
  }
  return frame;
}

}  // namespace hems::echonet
