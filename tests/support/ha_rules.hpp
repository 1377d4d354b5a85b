#pragma once

// A checker for Home Assistant MQTT discovery configs, written from Home Assistant's discovery
// rules (topic layout, per-component required options, sensor device_class / state_class / unit
// tables, device and origin blocks, availability). Tests run every payload the bridge publishes
// through it, so a config Home Assistant would reject or silently mangle fails a test here first.
//
// Each problem is one string starting with the rule it breaks ("topic:", "required:", "unit:",
// "state_class:", "device_class:", "entity_category:", "unique_id:", "availability:", "device:",
// "origin:", "default_entity_id:", "json_attributes:", "options:", "range:", "config:").

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hems::test {

// Every rule `config`, published on `topic`, breaks; empty when Home Assistant would accept it.
// The topic must have the form <prefix>/<component>/<node_id>/<object_id>/config.
std::vector<std::string> check_discovery(const std::string& topic, const nlohmann::json& config);

// One problem per unique_id used by more than one config (and per config without one).
std::vector<std::string> check_unique_ids(const std::vector<nlohmann::json>& configs);

}  // namespace hems::test
