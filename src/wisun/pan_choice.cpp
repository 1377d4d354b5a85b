#include "hems/wisun/pan_choice.hpp"

#include <string>
#include <utility>

namespace hems::wisun {
namespace {

constexpr std::size_t kPairIdLength = 8;

}  // namespace

std::optional<PanInfo> choose_pan(std::span<const PanDescriptorRecord> heard,
                                  std::string_view route_b_id) {
  const std::string_view pair_id = route_b_id.size() >= kPairIdLength
                                       ? route_b_id.substr(route_b_id.size() - kPairIdLength)
                                       : std::string_view{};
  auto rank = [&](const PanDescriptorRecord& beacon) {
    return std::pair{!pair_id.empty() && beacon.pair_id == pair_id, beacon.lqi};
  };
  const PanDescriptorRecord* best = nullptr;
  for (const auto& beacon : heard) {
    if (!best || rank(beacon) > rank(*best))
      best = &beacon;
  }
  if (!best)
    return std::nullopt;
  PanInfo pan;
  pan.channel = best->channel;
  pan.pan_id = best->pan_id;
  pan.mac = best->address;
  pan.lqi = best->lqi;
  return pan;
}

}  // namespace hems::wisun
