#pragma once

// The origin block every discovery config ends with (internal to the ha module).

#include <nlohmann/json.hpp>
#include <string_view>

namespace hems::ha::detail {

// {"name":"hems2mqtt","sw_version":<version>,"support_url":<the project's URL>}; Home Assistant
// names the origin in its log when a config is wrong, so people know whom to ask.
nlohmann::ordered_json origin_block(std::string_view version);

}  // namespace hems::ha::detail
