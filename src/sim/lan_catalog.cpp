#include "hems/sim/lan_catalog.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "hems/sim/el_frame.hpp"

namespace hems::sim {
namespace {

using namespace lan_access;
constexpr std::uint8_t G = kGet;
constexpr std::uint8_t GS = kGet | kSet;
constexpr std::uint8_t GA = kGet | kAnno;
constexpr std::uint8_t GSA = kGet | kSet | kAnno;

constexpr std::uint8_t kOn = 0x30;
constexpr std::uint8_t kOff = 0x31;

// A 1-byte enumeration.
LanProperty state(std::uint8_t epc, std::uint8_t access, std::uint8_t initial,
                  std::vector<std::uint8_t> codes) {
  LanSetRule rule;
  rule.codes = std::move(codes);
  return LanProperty{epc, access, Bytes{initial}, std::move(rule)};
}

// A big-endian number of `size` bytes; a Set must stay in min..max (or be one of `codes`).
LanProperty number(std::uint8_t epc, std::uint8_t access, std::uint8_t size, std::int64_t initial,
                   std::int64_t min, std::int64_t max, bool is_signed = false,
                   std::vector<std::uint8_t> codes = {}) {
  LanSetRule rule;
  rule.size = size;
  rule.codes = std::move(codes);
  rule.has_range = true;
  rule.is_signed = is_signed;
  rule.min = min;
  rule.max = max;
  return LanProperty{epc, access, lan_be_bytes(initial, size), std::move(rule)};
}

// Raw bytes; a Set may carry any value of the same size (or any size when `free_size`).
LanProperty raw(std::uint8_t epc, std::uint8_t access, Bytes value, bool free_size = false) {
  LanSetRule rule;
  rule.size = free_size ? std::uint8_t{0} : static_cast<std::uint8_t>(value.size());
  if (!free_size && value.size() <= 4) {
    rule.has_range = true;
    rule.max = (std::int64_t{1} << (8 * value.size())) - 1;
  }
  return LanProperty{epc, access, std::move(value), rule};
}

// 0x81 installation location: a 1-byte code (0x00 not set, 0x08 living room ...) or 17 bytes
// beginning with 0x01 (free-form); settable and announced (Appendix: Get, Set and INF required).
LanProperty installation_location(ByteView initial) {
  LanSetRule rule;
  rule.size = 1;
  rule.has_range = true;
  rule.max = 0xFF;
  rule.alt_size = 17;
  rule.alt_lead = 0x01;
  return LanProperty{0x81, GSA, Bytes(initial.begin(), initial.end()), rule};
}

LanProperty operation_status(std::uint8_t access, std::uint8_t initial) {
  return state(0x80, access, initial, {kOn, kOff});
}

// 0x0130 home air conditioner.
std::vector<LanProperty> aircon() {
  return {
      operation_status(GSA, kOn), number(0x84, G, 2, 620, 0, 65533),  // instantaneous power, W
      number(0x85, G, 4, 1234567, 0, 999999999),  // cumulative energy, 0.001 kWh
      state(0x8F, GSA, 0x42, {0x41, 0x42}),       // power saving
      state(0xA0, GSA, 0x41, {0x41, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38}),  // fan
      state(0xB0, GSA, 0x42, {0x40, 0x41, 0x42, 0x43, 0x44, 0x45}),  // operation mode
      // Target temperature: the MRA allows 0-50 °C; this unit accepts only 16-30 °C.
      number(0xB3, GS, 1, 27, 16, 30), number(0xBA, G, 1, 55, 0, 100),  // humidity, %
      number(0xBB, G, 1, 29, -127, 125, true),                          // room temperature, °C
      number(0xBE, G, 1, 31, -127, 125, true),                          // outdoor temperature, °C
  };
}

// 0x026B electric water heater.
std::vector<LanProperty> water_heater() {
  return {
      operation_status(GSA, kOn),
      state(0xB0, GSA, 0x41, {0x41, 0x42, 0x43}),  // automatic water heating
      state(0xB2, GA, 0x42, {}),                   // water heating status
      number(0xB3, GS, 1, 60, 40, 75),             // target water temperature, °C
      state(0xC0, GS, 0x42, {0x41, 0x42}),         // daytime reheating permission
      state(0xC3, GA, 0x42, {}),                   // hot water supply status
      number(0xE1, G, 2, 310, 0, 65533),           // remaining water, L
      number(0xE2, G, 2, 370, 0, 65533),           // tank capacity, L
      state(0xE3, GS, 0x42, {0x41, 0x42}),         // automatic bath operation
  };
}

// 0x027D storage battery.
std::vector<LanProperty> battery() {
  return {
      operation_status(GSA, kOn),
      number(0xA8, G, 4, 2500000, 0, 999999999),           // AC cumulative charging, 0.001 kWh
      number(0xA9, G, 4, 2100000, 0, 999999999),           // AC cumulative discharging, 0.001 kWh
      state(0xCF, GA, 0x44, {}),                           // actual operation mode
      number(0xD0, G, 4, 9800, 0, 999999999),              // rated energy, Wh
      number(0xD3, G, 4, 0, -999999999, 999999999, true),  // charge (+) / discharge (-), W
      state(0xDA, GSA, 0x44, {0x42, 0x43, 0x44, 0x46}),    // operation mode
      state(0xDB, G, 0x00, {}),                            // grid interconnection
      number(0xE2, G, 4, 5880, 0, 999999999),              // remaining capacity, Wh
      number(0xE4, G, 1, 60, 0, 100),                      // remaining capacity, %
      state(0xE6, G, 0x04, {}),                            // battery type: lithium-ion
      number(0xEB, GS, 4, 2000, 0, 5000),                  // charging power, W
      number(0xEC, GS, 4, 2000, 0, 5000),                  // discharging power, W
  };
}

// 0x0279 household solar power generation.
std::vector<LanProperty> solar() {
  return {
      operation_status(GA, kOn),
      number(0xA0, GS, 1, 100, 0, 100),           // output power control, %
      state(0xD0, G, 0x00, {}),                   // grid interconnection
      number(0xE0, G, 2, 0, 0, 65533),            // instantaneous generation, W
      number(0xE1, G, 4, 8765432, 0, 999999999),  // cumulative generation, 0.001 kWh
      number(0xE8, G, 2, 4500, 0, 65533),         // rated generation power, W
  };
}

// 0x027E EV charger and discharger.
std::vector<LanProperty> ev_charger() {
  return {
      operation_status(GSA, kOn),
      number(0xC5, G, 4, 6000, 0, 999999999),              // rated charge power, W
      number(0xC6, G, 4, 6000, 0, 999999999),              // rated discharge power, W
      state(0xC7, GA, 0x43, {}),                           // vehicle connected, both ways
      state(0xCC, G, 0x22, {}),                            // equipment type: DC, both ways
      number(0xD3, G, 4, 0, -999999999, 999999999, true),  // charge (+) / discharge (-), W
      state(0xDA, GSA, 0x47, {0x42, 0x43, 0x44, 0x47}),    // operation mode (0x47 idle)
      state(0xE1, GA, 0x47, {}),                           // actual operation mode
      number(0xE2, G, 4, 24000, 0, 999999999),             // remaining capacity, Wh
      number(0xE4, G, 1, 40, 0, 100),                      // remaining capacity, %
  };
}

// 0x027B floor heater.
std::vector<LanProperty> floor_heater() {
  return {
      operation_status(GSA, kOff),
      number(0x84, G, 2, 0, 0, 65533),                 // instantaneous power, W
      number(0xE0, GS, 1, 28, 15, 40, false, {0x41}),  // target temperature, °C, 0x41 auto
      number(0xE2, G, 1, 19, -127, 125, true),         // room temperature, °C
      number(0xE3, G, 1, 18, -127, 125, true),         // floor temperature, °C
  };
}

// 0x0290 general lighting.
std::vector<LanProperty> light() {
  return {
      operation_status(GSA, kOn), number(0xB0, GS, 1, 80, 0, 100),  // brightness, %
      state(0xB6, GS, 0x42, {0x41, 0x42, 0x43, 0x45}),  // mode: auto, main, night, colour
  };
}

// A user-defined class with maker-specific EPCs only a raw client can use.
std::vector<LanProperty> maker_specific() {
  return {
      operation_status(GSA, kOn),         raw(0xF0, GS | kAnno, Bytes{0x00, 0x00, 0x00, 0x2A}),
      raw(0xF1, G, Bytes{0x12, 0x34}),    raw(0xF5, GS, Bytes{0x0A, 0x1B}, /*free_size=*/true),
      raw(0xFF, G, Bytes{'S', 'I', 'M'}),
  };
}

std::vector<LanProperty> class_properties(LanObjectKind kind) {
  switch (kind) {
    case LanObjectKind::aircon:
      return aircon();
    case LanObjectKind::water_heater:
      return water_heater();
    case LanObjectKind::battery:
      return battery();
    case LanObjectKind::solar:
      return solar();
    case LanObjectKind::ev_charger:
      return ev_charger();
    case LanObjectKind::floor_heater:
      return floor_heater();
    case LanObjectKind::light:
      return light();
    case LanObjectKind::maker_specific:
      return maker_specific();
  }
  return {};
}

Bytes eoj_bytes(std::uint32_t eoj) {
  return Bytes{static_cast<std::uint8_t>(eoj >> 16), static_cast<std::uint8_t>(eoj >> 8),
               static_cast<std::uint8_t>(eoj)};
}

}  // namespace

LanIdentity make_lan_identity(ByteView node_id, ByteView maker) {
  LanIdentity identity;
  identity.maker.assign(maker.begin(), maker.end());
  identity.id.push_back(0xFE);
  if (node_id.size() == 16) {
    identity.id.insert(identity.id.end(), node_id.begin(), node_id.end());
    return identity;
  }
  identity.id.insert(identity.id.end(), maker.begin(), maker.end());
  const std::size_t used = std::min<std::size_t>(node_id.size(), 13);
  identity.id.insert(identity.id.end(), 13 - used, 0x00);
  identity.id.insert(identity.id.end(), node_id.end() - static_cast<std::ptrdiff_t>(used),
                     node_id.end());
  return identity;
}

std::uint16_t lan_class_code(LanObjectKind kind) {
  switch (kind) {
    case LanObjectKind::aircon:
      return 0x0130;
    case LanObjectKind::water_heater:
      return 0x026B;
    case LanObjectKind::battery:
      return 0x027D;
    case LanObjectKind::solar:
      return 0x0279;
    case LanObjectKind::ev_charger:
      return 0x027E;
    case LanObjectKind::floor_heater:
      return 0x027B;
    case LanObjectKind::light:
      return 0x0290;
    case LanObjectKind::maker_specific:
      return kMakerSpecificClass;
  }
  return 0;
}

LanObject make_lan_device(LanObjectKind kind, std::uint8_t instance, const LanIdentity& identity,
                          ByteView location) {
  const std::uint32_t eoj = (std::uint32_t{lan_class_code(kind)} << 8) | instance;
  std::vector<LanProperty> props = class_properties(kind);
  // Device superclass properties every object here has.
  props.push_back(installation_location(location));
  props.push_back(raw(0x82, G, Bytes{0x00, 0x00, 'R', 0x00}));  // Appendix release R
  props.push_back(state(0x88, GA, 0x42, {}));                   // no fault
  props.push_back(raw(0x8A, G, identity.maker));
  // A per-object identification number: the node's, ending in the EOJ.
  Bytes id = identity.id;
  const Bytes tail = eoj_bytes(eoj);
  std::ranges::copy(tail, id.end() - 3);
  props.push_back(raw(0x83, G, id));
  return LanObject(eoj, std::move(props));
}

LanObject make_lan_node_profile(std::span<const LanObject> devices, const LanIdentity& identity) {
  // Lists hold at most 84 instances and 8 classes (Appendix: 253 and 17 bytes).
  const std::size_t instances = std::min<std::size_t>(devices.size(), 84);
  Bytes instance_list{static_cast<std::uint8_t>(instances)};
  std::set<std::uint16_t> classes;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    classes.insert(devices[i].class_code());
    if (i < instances) {
      const Bytes eoj = eoj_bytes(devices[i].eoj());
      instance_list.insert(instance_list.end(), eoj.begin(), eoj.end());
    }
  }
  Bytes class_list{static_cast<std::uint8_t>(std::min<std::size_t>(classes.size(), 8))};
  for (std::uint16_t code : classes) {
    if (class_list.size() >= 17)
      break;
    put_u16(class_list, code);
  }
  Bytes instance_count;
  put_u32(instance_count, static_cast<std::uint32_t>(devices.size()));
  instance_count.erase(instance_count.begin());  // 3 bytes
  // D4 counts the node profile class too (the self-node class list D7 does not).
  Bytes class_count;
  put_u16(class_count, static_cast<std::uint16_t>(classes.size() + 1));

  std::vector<LanProperty> props{
      state(0x80, GA, kOn, {}),
      raw(0x82, G, Bytes{0x01, 0x0D, 0x01, 0x00}),  // version 1.13, format 1 supported
      raw(0x83, G, identity.id),
      raw(0x8A, G, identity.maker),
      raw(0xD3, G, instance_count),
      raw(0xD4, G, class_count),
      raw(0xD5, kAnno, instance_list),  // announced only, never read
      raw(0xD6, G, instance_list),
      raw(0xD7, G, class_list),
  };
  return LanObject(kNodeProfileEoj, std::move(props));
}

}  // namespace hems::sim
