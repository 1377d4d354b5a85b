#pragma once

// The smart meter's state keys (the stable JSON interface: power_w, current_r_a, ...) and the
// ECHONET Lite properties that carry them.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hems/meter/values.hpp"

namespace hems::app {

// The EPC read to refresh `key`; nullopt for a key the meter state does not have.
std::optional<std::uint8_t> meter_key_epc(std::string_view key);

// Every state key, in the order the state object lists them.
std::span<const std::string_view> meter_keys();

// The EPCs whose values `values` carries.
std::vector<std::uint8_t> meter_values_epcs(const meter::MeterValues& values);

// Whether `values` carries `key`.
bool meter_values_have(const meter::MeterValues& values, std::string_view key);

}  // namespace hems::app
