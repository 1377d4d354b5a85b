#pragma once

// The user's configuration translated into what the cores take. Pure.

#include <cstdint>
#include <optional>

#include "hems/app/config.hpp"
#include "hems/lan/controller.hpp"
#include "hems/meter/reader.hpp"
#include "hems/wisun/pan.hpp"
#include "hems/wisun/session.hpp"

namespace hems::app {

// `cached_pan`: the PAN from the last run, joined at once instead of scanning.
wisun::SessionConfig session_config(const Config& config, std::optional<wisun::PanInfo> cached_pan);
meter::ReaderConfig reader_config(const Config& config);
// `seed` spreads the retries of several bridges; tests fix it.
lan::ControllerConfig controller_config(const Config& config, std::uint64_t seed);

}  // namespace hems::app
