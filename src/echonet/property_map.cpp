#include "hems/echonet/property_map.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "big_endian.hpp"

namespace hems::echonet {
namespace {

constexpr std::size_t kBitmapThreshold = 16;  // N at and above which the bitmap form is used
constexpr std::size_t kBitmapBytes = 16;
constexpr std::uint8_t kLowestEpc = 0x80;

Result<std::vector<std::uint8_t>> decode_list(ByteView edt, std::size_t count) {
  if (edt.size() != 1 + count) {
    return fail("property map lists " + std::to_string(count) + " EPCs, so it needs " +
                std::to_string(1 + count) + " bytes, but has " + std::to_string(edt.size()));
  }
  std::vector<std::uint8_t> epcs(edt.begin() + 1, edt.end());
  std::sort(epcs.begin(), epcs.end());
  for (std::size_t i = 0; i < epcs.size(); ++i) {
    if (epcs[i] < kLowestEpc) {
      return fail("property map lists " + detail::hex_byte(epcs[i]) +
                  ", which is not a property code (below 0x80)");
    }
    if (i > 0 && epcs[i] == epcs[i - 1]) {
      return fail("property map lists " + detail::hex_byte(epcs[i]) + " twice");
    }
  }
  return epcs;
}

Result<std::vector<std::uint8_t>> decode_bitmap(ByteView edt, std::size_t count) {
  if (edt.size() != 1 + kBitmapBytes) {
    return fail("property map with N = " + std::to_string(count) +
                " uses the bitmap form and needs 17 bytes, but has " + std::to_string(edt.size()));
  }
  std::vector<std::uint8_t> epcs;
  // Walk high nibble (bit) outside, low nibble (byte) inside so the result comes out sorted.
  for (unsigned bit = 0; bit < 8; ++bit) {
    for (unsigned index = 0; index < kBitmapBytes; ++index) {
      const unsigned byte = edt[1 + index];
      if ((byte >> bit) & 1U) {
        epcs.push_back(static_cast<std::uint8_t>(kLowestEpc + 0x10 * bit + index));
      }
    }
  }
  if (epcs.size() != count) {
    return fail("property map says N = " + std::to_string(count) + " but its bitmap has " +
                std::to_string(epcs.size()) + " bits set");
  }
  return epcs;
}

}  // namespace

Result<std::vector<std::uint8_t>> decode_property_map(ByteView edt) {
  if (edt.empty())
    return fail("property map is empty: the count byte is missing");
  const std::size_t count = edt[0];
  return count < kBitmapThreshold ? decode_list(edt, count) : decode_bitmap(edt, count);
}

Bytes encode_property_map(std::vector<std::uint8_t> epcs) {
  std::erase_if(epcs, [](std::uint8_t epc) { return epc < kLowestEpc; });
  std::sort(epcs.begin(), epcs.end());
  epcs.erase(std::unique(epcs.begin(), epcs.end()), epcs.end());

  // Element-wise appends: GCC 12 warns falsely (-Warray-bounds) on range inserts here.
  Bytes out;
  out.reserve(1 + kBitmapBytes);
  out.push_back(static_cast<std::uint8_t>(epcs.size()));
  if (epcs.size() < kBitmapThreshold) {
    for (std::uint8_t epc : epcs)
      out.push_back(epc);
    return out;
  }
  std::array<std::uint8_t, kBitmapBytes> bitmap{};
  for (std::uint8_t epc : epcs) {
    const unsigned index = epc & 0x0FU;
    const unsigned bit = (epc >> 4U) - 8U;
    bitmap[index] = static_cast<std::uint8_t>(bitmap[index] | (1U << bit));
  }
  for (std::uint8_t byte : bitmap)
    out.push_back(byte);
  return out;
}

}  // namespace hems::echonet
