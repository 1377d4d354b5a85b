#include "hems/ha/appliance_controls.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "appliance_fixtures.hpp"
#include "hems/echonet/definitions.hpp"
#include "hems/version.hpp"

namespace hems::ha::test {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The EPCs whose keys appear in the JSON an entity sends to the set topic: every command template
// and command payload of every config discovery publishes for the device. Read from the
// published configs, independently of how appliance_controls() finds them.
std::set<std::uint8_t> written_by_discovery(const ApplianceDevice& device) {
  const std::regex json_key(R"re("([a-z][a-z0-9_]*)"\s*:)re");
  std::set<std::uint8_t> epcs;
  for (const auto& message : appliance_discovery(BridgeTopics{}, device, kVersion)) {
    const json config = json::parse(message.payload);
    for (const auto& [field, value] : config.items()) {
      const bool command = field.find("command") != std::string::npos ||
                           field.starts_with("payload_") || field == "command_on_template" ||
                           field == "command_off_template";
      if (!command || !value.is_string())
        continue;
      const std::string text = value.get<std::string>();
      for (std::sregex_iterator it(text.begin(), text.end(), json_key), end; it != end; ++it) {
        const auto* property =
            echonet::defs::find_property_by_name(device.class_code, (*it)[1].str());
        EXPECT_NE(property, nullptr) << message.topic << " writes an unknown key " << (*it)[1];
        if (property != nullptr)
          epcs.insert(property->epc);
      }
    }
  }
  return epcs;
}

TEST(ApplianceControls, AreWhatTheDiscoveredEntitiesWrite) {
  for (const auto& [name, device] : reference_appliances()) {
    SCOPED_TRACE(name);
    const auto controls = appliance_controls(device);
    EXPECT_EQ(std::set<std::uint8_t>(controls.begin(), controls.end()),
              written_by_discovery(device));
    EXPECT_TRUE(std::is_sorted(controls.begin(), controls.end()));
  }
}

TEST(ApplianceControls, AirConditionerLeavesOutIdentityAndMakerProperties) {
  // Set map: 0x80 0x81 0x8F 0xA0 0xA3 0xB0 0xB3 0xF0. The climate writes power, mode, target
  // temperature and fan speed; power saving and swing are a switch and a select. The
  // installation location (0x81) has no entity, and 0xF0 is the maker's.
  EXPECT_THAT(appliance_controls(air_conditioner()),
              ElementsAre(0x80, 0x8F, 0xA0, 0xA3, 0xB0, 0xB3));
}

TEST(ApplianceControls, MainEntitiesWriteOnlyWhatTheDeviceAccepts) {
  // The water heater's entity covers power (0x80) too, which this one does not accept.
  EXPECT_THAT(appliance_controls(water_heater()), ElementsAre(0xB0, 0xB3, 0xB6, 0xC0));
  EXPECT_THAT(appliance_controls(general_light()), ElementsAre(0x80, 0xB0, 0xB6));
}

TEST(ApplianceControls, ButtonsNumbersAndSelectsCount) {
  EXPECT_THAT(appliance_controls(storage_battery()), ElementsAre(0xDA, 0xEB));
  EXPECT_THAT(appliance_controls(solar_inverter()), ElementsAre(0xE2));
  EXPECT_THAT(appliance_controls(ev_charger()), ElementsAre(0xCD, 0xDA, 0xEB));
}

TEST(ApplianceControls, AnAirConditionerWithOnlyItsFanSettableGetsASelectForIt) {
  // Without power, mode or temperature to set there is no climate; the fan speed is a select.
  auto device = air_conditioner();
  device.set_map = {0xA0};
  EXPECT_THAT(appliance_controls(device), ElementsAre(0xA0));
}

TEST(ApplianceControls, NothingForReadOnlyDevicesOrUnknownClasses) {
  auto device = air_conditioner();
  device.set_map.clear();
  EXPECT_THAT(appliance_controls(device), IsEmpty());
  EXPECT_THAT(appliance_controls(unknown_device()), IsEmpty());
}

}  // namespace
}  // namespace hems::ha::test
