#include "hems/ha/appliance_controls.hpp"

#include <algorithm>

#include "appliance_context.hpp"

namespace hems::ha {

std::vector<std::uint8_t> appliance_controls(const ApplianceDevice& device) {
  // Topics, version and language change names and topics, never which entities there are.
  const auto ctx = detail::make_context(BridgeTopics{}, device, "", Language::en);
  if (!ctx)
    return {};
  std::vector<std::uint8_t> controls;
  for (const auto& entity : detail::appliance_entities(*ctx))
    controls.insert(controls.end(), entity.writes.begin(), entity.writes.end());
  std::sort(controls.begin(), controls.end());
  controls.erase(std::unique(controls.begin(), controls.end()), controls.end());
  return controls;
}

}  // namespace hems::ha
