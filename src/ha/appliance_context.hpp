#pragma once

// What the appliance entity builders share (internal to the ha module): the device seen through
// its class definition, its topics and blocks, and the shape of one entity before publishing.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hems/echonet/definitions.hpp"
#include "hems/ha/appliance_discovery.hpp"

namespace hems::ha::detail {

using Json = nlohmann::ordered_json;
using echonet::defs::PropertyDef;

struct ApplianceContext {
  const ApplianceDevice& device;
  const echonet::defs::ClassDef& cls;
  Language language;          // of entity names and the model
  std::string hw_id;          // unique_id prefix
  std::string node_id;        // hems2mqtt_<hw_id>: topic level and device identifier
  std::string entity_prefix;  // entity ids follow the device id, like the topics do
  std::string state_topic;    // <base>/<id>
  std::string set_topic;      // <base>/<id>/set
  std::string availability_topic;
  std::string bridge_state_topic;
  Json device_block;
  Json origin_block;

  bool readable(std::uint8_t epc) const;
  bool writable(std::uint8_t epc) const;
  // The definition of a standard property the device lists in either map; nullptr otherwise
  // (maker-specific EPCs included).
  const PropertyDef* property(std::uint8_t epc) const;
};

// nullopt when the class has no definition (its entities would all be hex blobs).
std::optional<ApplianceContext> make_context(const BridgeTopics& topics,
                                             const ApplianceDevice& device,
                                             std::string_view version, Language language);

struct Entity {
  std::string component;
  std::string object;
  Json config;
};

// name, unique_id and entity ids, in the order every config starts with. A null `name` makes
// Home Assistant call the entity by the device's name (for the device's main entity).
Json base_config(const ApplianceContext& ctx, std::string_view component, std::string_view object,
                 const Json& name);

// Appends availability, device and origin, in the order every config ends with.
Entity finish(const ApplianceContext& ctx, std::string_view component, std::string_view object,
              Json config);

// The device's main entity, if its class has one and the device supports it. Every EPC the entity
// covers goes into `covered` so it does not get a second, generic entity.
std::optional<Entity> climate_entity(const ApplianceContext& ctx, std::set<std::uint8_t>& covered);
std::optional<Entity> water_heater_entity(const ApplianceContext& ctx,
                                          std::set<std::uint8_t>& covered);
std::optional<Entity> light_entity(const ApplianceContext& ctx, std::set<std::uint8_t>& covered);

// The entity for one property by its type: switch / binary_sensor for yes-no values, number /
// sensor for numbers, select / sensor / button for enumerations; nullopt for the rest.
std::optional<Entity> property_entity(const ApplianceContext& ctx, const PropertyDef& property);

// One entity of the device and the properties its commands write (EPCs, ascending).
struct DeviceEntity {
  Entity entity;
  std::vector<std::uint8_t> writes;
};

// Every entity of the device in discovery order: its main entity first, then one per property it
// lists that the main entity does not cover, by EPC.
std::vector<DeviceEntity> appliance_entities(const ApplianceContext& ctx);

}  // namespace hems::ha::detail
