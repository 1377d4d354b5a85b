#pragma once

// The LAN appliances the ha tests describe, with get and set maps shaped like real devices of
// each class (the mandatory properties plus common optional ones), some with an installation
// location, and helpers to look at what discovery made of them. None has a [lan.names] id
// (`named`), so their devices are named by class and place.

#include <string>
#include <utility>
#include <vector>

#include "hems/ha/appliance_discovery.hpp"

namespace hems::ha::test {

inline ApplianceDevice appliance(std::string id, std::uint16_t class_code, std::string hardware_id,
                                 std::vector<std::uint8_t> get, std::vector<std::uint8_t> set) {
  ApplianceDevice device;
  device.id = std::move(id);
  device.class_code = class_code;
  device.hardware_id = std::move(hardware_id);
  device.manufacturer_code = 0x000006;
  device.get_map = std::move(get);
  device.set_map = std::move(set);
  return device;
}

// Installation locations (0x81): the kind of place in the upper five bits.
inline constexpr std::uint8_t kLivingRoom = 0x08;
inline constexpr std::uint8_t kHallway = 0x38;
inline constexpr std::uint8_t kGarage = 0x68;

inline ApplianceDevice air_conditioner() {
  ApplianceDevice device =
      appliance("living_ac", 0x0130, "fe00000600a1b2c3d4e5f6000000000001_013001",
                {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x88, 0x8A, 0x8F, 0x9D,
                 0x9E, 0x9F, 0xA0, 0xA3, 0xB0, 0xB3, 0xBA, 0xBB, 0xBE, 0xF0},
                {0x80, 0x81, 0x8F, 0xA0, 0xA3, 0xB0, 0xB3, 0xF0});
  device.installation_location = {kLivingRoom};
  return device;
}

inline ApplianceDevice water_heater() {
  return appliance(
      "ecocute", 0x026B, "fe00000600a1b2c3d4e5f6000000000002_026b01",
      {0x80, 0x88, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB3, 0xB6, 0xC0, 0xC1, 0xC3, 0xE1, 0xE2},
      {0xB0, 0xB3, 0xB6, 0xC0});
}

inline ApplianceDevice storage_battery() {
  return appliance(
      "battery", 0x027D, "fe00000600a1b2c3d4e5f6000000000003_027d01",
      {0x80, 0x88, 0x89, 0x8A, 0x9D, 0x9E, 0x9F, 0xA8, 0xA9, 0xCF, 0xD3, 0xDA, 0xE4, 0xE5, 0xEB},
      {0xDA, 0xEB});
}

inline ApplianceDevice solar_inverter() {
  return appliance("solar", 0x0279, "fe00000600a1b2c3d4e5f6000000000004_027901",
                   {0x80, 0x88, 0x8A, 0x9D, 0x9E, 0x9F, 0xD0, 0xD1, 0xE0, 0xE1, 0xE3}, {0xE2});
}

inline ApplianceDevice general_light() {
  ApplianceDevice device =
      appliance("hall_light", 0x0290, "fe00000600a1b2c3d4e5f6000000000005_029001",
                {0x80, 0x88, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB6}, {0x80, 0xB0, 0xB6});
  device.installation_location = {kHallway};
  return device;
}

inline ApplianceDevice ev_charger() {
  ApplianceDevice device = appliance(
      "ev_charger", 0x02A1, "fe00000600a1b2c3d4e5f6000000000006_02a101",
      {0x80, 0x88, 0x8A, 0x9D, 0x9E, 0x9F, 0xC7, 0xD3, 0xD8, 0xDA, 0xE4, 0xEB}, {0xCD, 0xDA, 0xEB});
  device.installation_location = {kGarage | 2};  // "garage 2"
  return device;
}

// A class the ECHONET definitions do not have (0x0601), with maker-specific EPCs only.
inline ApplianceDevice unknown_device() {
  return appliance("gadget", 0x0601, "fe00000600a1b2c3d4e5f6000000000007_060101",
                   {0x80, 0x8A, 0x9D, 0x9E, 0x9F, 0xF0, 0xF1}, {0x80, 0xF1});
}

// Every reference device with the short name its golden files start with.
inline std::vector<std::pair<std::string, ApplianceDevice>> reference_appliances() {
  return {{"aircon", air_conditioner()},  {"water_heater", water_heater()},
          {"battery", storage_battery()}, {"solar", solar_inverter()},
          {"light", general_light()},     {"ev_charger", ev_charger()},
          {"unknown", unknown_device()}};
}

}  // namespace hems::ha::test
