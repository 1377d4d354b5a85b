#pragma once

// The meter's Home Assistant entities as data (internal to the ha module): what each one reads,
// how Home Assistant should treat it, and when the meter lacks it.

#include <span>
#include <string_view>

namespace hems::ha::detail {

enum class Source {
  kMeterState,  // a key of the retained <base>/<meter> state object
  kBridgeInfo,  // a key of the "meter" object in the retained <base>/bridge/info
  kGetCommand,  // a button that publishes {} to <base>/<meter>/get
};

enum class Availability {
  kBridgeAndMeter,  // needs the bridge running and the meter reachable
  kBridgeOnly,      // stays visible while the meter is unreachable: it explains why
};

enum class Needs { kNothing, kCurrentT, kExport };

struct MeterEntity {
  std::string_view component;
  std::string_view object;   // object id in the topic and suffix of unique_id
  std::string_view name;     // English
  std::string_view name_ja;  // Japanese (UTF-8)
  Source source;
  std::string_view key;  // state / info key, or "" for the button
  std::string_view device_class = {};
  std::string_view state_class = {};
  std::string_view unit = {};
  std::string_view entity_category = {};
  std::string_view icon = {};
  std::string_view attribute_key = {};  // exposed as the attribute "measured_at"
  Availability availability = Availability::kBridgeAndMeter;
  Needs needs = Needs::kNothing;
  bool enabled_by_default = true;
  bool free_text = false;  // may exceed the 255 characters Home Assistant keeps of a state
};

std::span<const MeterEntity> meter_entities();

}  // namespace hems::ha::detail
