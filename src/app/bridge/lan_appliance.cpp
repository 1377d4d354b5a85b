#include "hems/app/lan_appliance.hpp"

#include <algorithm>
#include <cctype>

#include "hems/app/lan_link.hpp"
#include "hems/ha/appliance_controls.hpp"

namespace hems::app {

ha::ApplianceDevice ha_appliance(const lan::DeviceInfo& info) {
  ha::ApplianceDevice appliance;
  appliance.id = info.id;
  appliance.class_code = class_code(info.eoj);
  appliance.instance = info.eoj.instance;
  // The identity's id, never the configured name: renaming a device keeps its entities, and two
  // devices never share one (the controller makes it unique).
  std::string hw = info.hardware_id.empty() ? info.id : info.hardware_id;
  std::transform(hw.begin(), hw.end(), hw.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  });
  appliance.hardware_id = hw;
  appliance.manufacturer_code = info.manufacturer;
  appliance.get_map = info.get_map;
  appliance.set_map = info.set_map;
  // Without a [lan.names] entry the id is the hardware id; with one, that name is the device's.
  appliance.named = !info.hardware_id.empty() && info.id != info.hardware_id;
  appliance.installation_location = info.installation_location;
  return appliance;
}

std::vector<std::uint8_t> home_assistant_controls(const lan::DeviceInfo& info) {
  return ha::appliance_controls(ha_appliance(info));
}

}  // namespace hems::app
