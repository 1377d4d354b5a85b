#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "hems/wisun/pan.hpp"
#include "hems/wisun/records.hpp"

namespace hems::wisun {

// Which PAN an active scan heard to join. A mode-2 scan reports each beacon's PairID, the last 8
// characters of the Route-B ID the meter was given: a PAN whose PairID matches ours is our meter
// and wins; among the rest (or among several matches) the best LQI wins, and among equals the
// first heard. nullopt when nothing was heard. The result has no IPv6 address yet (SKLL64 gives
// it).
std::optional<PanInfo> choose_pan(std::span<const PanDescriptorRecord> heard,
                                  std::string_view route_b_id);

}  // namespace hems::wisun
