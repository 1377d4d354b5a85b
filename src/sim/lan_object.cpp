#include "hems/sim/lan_object.hpp"

#include <algorithm>

#include "hems/sim/el_frame.hpp"

namespace hems::sim {
namespace {

constexpr std::uint8_t kAnnoMap = 0x9D;
constexpr std::uint8_t kSetMap = 0x9E;
constexpr std::uint8_t kGetMap = 0x9F;
constexpr std::size_t kMaxRawSize = 32;

bool passes(const LanSetRule& rule, ByteView edt) {
  if (rule.alt_size != 0 && edt.size() == rule.alt_size)
    return edt[0] == rule.alt_lead;
  if (rule.size == 0)
    return !edt.empty() && edt.size() <= kMaxRawSize;
  if (edt.size() != rule.size)
    return false;
  if (edt.size() == 1 && std::ranges::find(rule.codes, edt[0]) != rule.codes.end())
    return true;
  if (!rule.has_range)
    return false;
  const std::int64_t value = lan_be_value(edt, rule.is_signed);
  return value >= rule.min && value <= rule.max;
}

}  // namespace

Bytes lan_be_bytes(std::int64_t value, std::size_t size) {
  Bytes out(size);
  auto bits = static_cast<std::uint64_t>(value);
  for (std::size_t i = size; i-- > 0;) {
    out[i] = static_cast<std::uint8_t>(bits & 0xFF);
    bits >>= 8;
  }
  return out;
}

std::int64_t lan_be_value(ByteView bytes, bool is_signed) {
  std::uint64_t bits = 0;
  for (std::uint8_t b : bytes)
    bits = (bits << 8) | b;
  if (is_signed && !bytes.empty() && bytes.size() < 8 && (bytes[0] & 0x80)) {
    bits |= ~std::uint64_t{0} << (8 * bytes.size());  // sign-extend
  }
  return static_cast<std::int64_t>(bits);
}

LanObject::LanObject(std::uint32_t eoj, std::vector<LanProperty> properties)
    : eoj_(eoj), properties_(std::move(properties)) {
  // Every object lists its own maps, all three readable.
  for (std::uint8_t epc : {kAnnoMap, kSetMap, kGetMap}) {
    if (!find(epc))
      properties_.push_back(LanProperty{epc, lan_access::kGet, {}, {}});
  }
  std::ranges::sort(properties_, {}, &LanProperty::epc);
  refresh_maps();
}

const LanProperty* LanObject::find(std::uint8_t epc) const {
  auto it = std::ranges::find(properties_, epc, &LanProperty::epc);
  return it == properties_.end() ? nullptr : &*it;
}

LanProperty* LanObject::find_mutable(std::uint8_t epc) {
  auto it = std::ranges::find(properties_, epc, &LanProperty::epc);
  return it == properties_.end() ? nullptr : &*it;
}

std::optional<Bytes> LanObject::read(std::uint8_t epc) const {
  const LanProperty* p = find(epc);
  if (!p || !(p->access & lan_access::kGet))
    return std::nullopt;
  return p->value;
}

bool LanObject::write(std::uint8_t epc, ByteView edt) {
  LanProperty* p = find_mutable(epc);
  if (!p || !(p->access & lan_access::kSet) || !passes(p->rule, edt))
    return false;
  p->value.assign(edt.begin(), edt.end());
  return true;
}

void LanObject::force(std::uint8_t epc, Bytes value) {
  if (LanProperty* p = find_mutable(epc)) {
    p->value = std::move(value);
    return;
  }
  // A new property typed on stdin: readable and settable as raw data, so a client can see it.
  LanSetRule any_raw;
  any_raw.size = 0;
  properties_.push_back(
      LanProperty{epc, lan_access::kGet | lan_access::kSet, std::move(value), any_raw});
  std::ranges::sort(properties_, {}, &LanProperty::epc);
  refresh_maps();
}

bool LanObject::announces(std::uint8_t epc) const {
  const LanProperty* p = find(epc);
  return p && (p->access & lan_access::kAnno);
}

std::vector<std::uint8_t> LanObject::epcs_with(std::uint8_t access) const {
  std::vector<std::uint8_t> out;
  for (const auto& p : properties_) {
    if ((p.access & access) == access)
      out.push_back(p.epc);
  }
  return out;
}

void LanObject::refresh_maps() {
  find_mutable(kAnnoMap)->value = encode_property_map(epcs_with(lan_access::kAnno));
  find_mutable(kSetMap)->value = encode_property_map(epcs_with(lan_access::kSet));
  find_mutable(kGetMap)->value = encode_property_map(epcs_with(lan_access::kGet));
}

}  // namespace hems::sim
