#include "hems/sim/lan_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hems::sim {
namespace {

double value_of(const LanObject& object, std::uint8_t epc, bool is_signed = false) {
  const LanProperty* p = object.find(epc);
  return p ? static_cast<double>(lan_be_value(p->value, is_signed)) : 0.0;
}

// Stores a rounded number in the property's existing size; reports announced changes.
void store(LanObject& object, std::uint8_t epc, double value, std::vector<std::uint8_t>& changed) {
  const LanProperty* p = object.find(epc);
  if (!p)
    return;
  Bytes next = lan_be_bytes(static_cast<std::int64_t>(std::llround(value)), p->value.size());
  if (next == p->value)
    return;
  if (object.announces(epc))
    changed.push_back(epc);
  object.force(epc, std::move(next));
}

bool is_on(const LanObject& object) {
  const LanProperty* p = object.find(0x80);
  return p && !p->value.empty() && p->value[0] == 0x30;
}

// Moves `from` towards `to` by at most `rate` per second.
double approach(double from, double to, double rate, double dt_s) {
  const double step = rate * dt_s;
  return from + std::clamp(to - from, -step, step);
}

double outdoor_c(double hour) {
  return 24.0 + 6.0 * std::sin(2 * std::numbers::pi * (hour - 9.0) / 24.0);  // warmest at 15:00
}

void step_aircon(LanObject& o, LanModelState& s, double dt, double hour,
                 std::vector<std::uint8_t>& changed) {
  if (!s.synced) {
    s.room_c = value_of(o, 0xBB, true);
    s.energy_wh = value_of(o, 0x85);
  }
  const double outside = outdoor_c(hour);
  const double target = value_of(o, 0xB3);
  const bool on = is_on(o);
  s.room_c =
      on ? approach(s.room_c, target, 1.0 / 600, dt) : approach(s.room_c, outside, 1.0 / 1800, dt);
  const double power = on ? std::min(2500.0, 300.0 + 150.0 * std::abs(target - s.room_c)) : 3.0;
  s.energy_wh += power * dt / 3600.0;
  store(o, 0xBB, s.room_c, changed);
  store(o, 0xBE, outside, changed);
  store(o, 0x84, power, changed);
  store(o, 0x85, std::fmod(s.energy_wh, 1e9), changed);  // 0.001 kWh = 1 Wh
}

void step_floor_heater(LanObject& o, LanModelState& s, double dt,
                       std::vector<std::uint8_t>& changed) {
  if (!s.synced) {
    s.room_c = value_of(o, 0xE2, true);
    s.floor_c = value_of(o, 0xE3, true);
  }
  const bool on = is_on(o);
  double target = value_of(o, 0xE0);
  if (target > 50)
    target = 26;  // "auto"
  s.room_c = approach(s.room_c, on ? target - 6 : 18, 1.0 / 900, dt);
  s.floor_c = approach(s.floor_c, on ? target : 18, 1.0 / 600, dt);
  store(o, 0xE2, s.room_c, changed);
  store(o, 0xE3, s.floor_c, changed);
  store(o, 0x84, on ? 800 : 0, changed);
}

void step_solar(LanObject& o, LanModelState& s, double dt, double hour,
                std::vector<std::uint8_t>& changed) {
  if (!s.synced)
    s.energy_wh = value_of(o, 0xE1);
  double power = 0;
  if (is_on(o) && hour > 6 && hour < 18) {
    power = value_of(o, 0xE8) * 0.85 * std::sin(std::numbers::pi * (hour - 6) / 12) *
            value_of(o, 0xA0) / 100.0;
  }
  s.energy_wh += power * dt / 3600.0;
  store(o, 0xE0, power, changed);
  store(o, 0xE1, std::fmod(s.energy_wh, 1e9), changed);
}

// The storage battery and the EV charger share the charge/discharge behaviour.
void step_storage(LanObject& o, LanModelState& s, double dt, bool is_ev,
                  std::vector<std::uint8_t>& changed) {
  const double capacity_wh = is_ev ? 60000 : value_of(o, 0xD0);
  if (!s.synced) {
    s.stored_wh = value_of(o, 0xE2);
    s.charged_wh = value_of(o, 0xA8);
    s.discharged_wh = value_of(o, 0xA9);
  }
  const auto mode = static_cast<std::uint8_t>(value_of(o, 0xDA));
  double power = 0;
  if (is_on(o) && mode == 0x42 && s.stored_wh < capacity_wh)
    power = is_ev ? 3000 : value_of(o, 0xEB);
  if (is_on(o) && mode == 0x43 && s.stored_wh > 0)
    power = -(is_ev ? 3000 : value_of(o, 0xEC));
  const double moved = power * dt / 3600.0;
  s.stored_wh = std::clamp(s.stored_wh + moved, 0.0, capacity_wh);
  (moved > 0 ? s.charged_wh : s.discharged_wh) += std::abs(moved);
  const double actual = power > 0 ? 0x42 : power < 0 ? 0x43 : (is_ev ? 0x47 : 0x44);
  store(o, 0xD3, power, changed);
  store(o, 0xE2, s.stored_wh, changed);
  store(o, 0xE4, capacity_wh > 0 ? 100.0 * s.stored_wh / capacity_wh : 0, changed);
  store(o, is_ev ? 0xE1 : 0xCF, actual, changed);
  if (!is_ev) {
    store(o, 0xA8, std::fmod(s.charged_wh, 1e9), changed);
    store(o, 0xA9, std::fmod(s.discharged_wh, 1e9), changed);
  }
}

}  // namespace

std::vector<std::uint8_t> lan_model_step(LanObject& object, LanModelState& state, double dt_s,
                                         double hour) {
  std::vector<std::uint8_t> changed;
  switch (object.class_code()) {
    case 0x0130:
      step_aircon(object, state, dt_s, hour, changed);
      break;
    case 0x027B:
      step_floor_heater(object, state, dt_s, changed);
      break;
    case 0x0279:
      step_solar(object, state, dt_s, hour, changed);
      break;
    case 0x027D:
      step_storage(object, state, dt_s, false, changed);
      break;
    case 0x027E:
      step_storage(object, state, dt_s, true, changed);
      break;
    default:
      break;
  }
  state.synced = true;
  return changed;
}

}  // namespace hems::sim
