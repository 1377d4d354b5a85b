#pragma once

// The language of the names people read in Home Assistant: entity names and the device's model
// (and the meter's device name while it keeps its default id). Ids, topics, states and options
// never change with it, so switching languages renames entities without breaking automations.

#include <cstdint>
#include <optional>
#include <string_view>

namespace hems::ha {

enum class Language : std::uint8_t { en, ja };

// The language of a code as written in [mqtt] discovery_language ("en", "ja"); nullopt otherwise.
std::optional<Language> language_from(std::string_view code);

}  // namespace hems::ha
