#pragma once

// Home Assistant MQTT discovery for ECHONET Lite appliances on the LAN: one retained config per
// entity under <discovery_prefix>/<component>/hems2mqtt_<hardware_id>/<object>/config. Pure
// functions: no I/O. Units, ranges and enumerations come from the ECHONET definitions; entity
// and device names from appliance_names.hpp.
//
// Entities read the retained state object <base>/<id> (keys are property names in snake_case,
// numbers in their unit, enumerations by name, ON/OFF as true/false, "no value" as null) and write
// to <base>/<id>/set. The set payloads Home Assistant publishes are always one JSON object:
//
//   climate mode         {"operation_status": false}                      (mode "off")
//                        {"operation_status": true, "operation_mode": "cooling"}
//                        (auto→auto, cool→cooling, heat→heating, dry→dehumidification,
//                         fan_only→circulation; operation_status only when 0x80 is settable,
//                         operation_mode only when 0xB0 is)
//   climate power        {"operation_status": true} / {"operation_status": false}
//   climate temperature  {"target_temperature": 24}       (HA may send 24.0: also accepted)
//   climate fan mode     {"air_flow_level": "auto"} / {"air_flow_level": 3}
//   water heater         {"target_water_heating_temperature": 60}
//                        {"operation_status": false} (mode "off") / true (mode "electric")
//   light                {"operation_status": true}, with brightness
//                        {"operation_status": true, "light_level": 40} (0-100 %, at least 1)
//                        {"operation_status": false}
//   switch               {"<key>": true} / {"<key>": false}
//   select               {"<key>": "<enumeration name>"}
//   number               {"<key>": <number in the property's unit>}
//   button               {"<key>": "<the property's only enumeration name>"}  (write-only EPCs)
//
// Only properties in the device's get map get state, only those in its set map get commands.
// Classes without a definition and maker-specific EPCs (0xF0-0xFF) get no entities: their values
// stay available as hex on the state topic and through the raw request topic.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/ha/language.hpp"
#include "hems/ha/types.hpp"

namespace hems::ha {

// What the bridge knows about one ECHONET Lite device object on the LAN.
struct ApplianceDevice {
  std::string id;                // device id in topics: "<node uid>_013001" or a [lan.names] name
  std::uint16_t class_code = 0;  // class group and class, e.g. 0x0130
  std::uint8_t instance = 1;     // instance code of the EOJ
  std::string hardware_id;       // stable ([a-z0-9_]), from the node's 0x83 and the EOJ
  std::optional<std::uint32_t> manufacturer_code;  // 0x8A
  std::vector<std::uint8_t> get_map, set_map;      // what the device says it supports
  // The id is a friendly one from [lan.names]: it names the device in Home Assistant too.
  bool named = false;
  // 0x81 as the device answered it (empty when unknown): the place in the device's name.
  std::vector<std::uint8_t> installation_location;
};

// Every discovery config for the device, in a fixed order (main entity first, then the rest by
// EPC). Empty for a class without definition. `version` is the bridge's, for the origin block.
// `language` picks the entity names and the model (the ECHONET property and class names in that
// language); topics, unique ids, entity ids, states and options stay the same.
std::vector<DiscoveryMessage> appliance_discovery(const BridgeTopics& topics,
                                                  const ApplianceDevice& device,
                                                  std::string_view version,
                                                  Language language = Language::en);

}  // namespace hems::ha
