#pragma once

#include <cstdint>
#include <vector>

#include "hems/sim/lan_object.hpp"

// Values that move on their own: temperatures drift, the battery and the EV charge and
// discharge, solar generation follows the time of day.
namespace hems::sim {

// Continuous state behind the whole-number property values; read from the properties when
// `synced` is false (at start and after a value was set from outside).
struct LanModelState {
  bool synced = false;
  double room_c = 0;
  double floor_c = 0;
  double energy_wh = 0;   // cumulative energy (consumed or generated)
  double stored_wh = 0;   // battery / vehicle charge
  double charged_wh = 0;  // battery cumulative charge
  double discharged_wh = 0;
};

// Advances `object` by `dt_s` simulated seconds at `hour` (0..24, local time of day). Returns
// the announced EPCs (0x9D) whose value changed, so the node can send a status-change INF.
std::vector<std::uint8_t> lan_model_step(LanObject& object, LanModelState& state, double dt_s,
                                         double hour);

}  // namespace hems::sim
