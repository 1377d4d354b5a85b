#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "hems/echonet/frame.hpp"

namespace hems::app {

// The reply every request gets: {"transaction":…,"status":"ok"|"error","data":{…},"error":"…"}.
nlohmann::json response_envelope(const nlohmann::json& transaction, bool ok,
                                 const nlohmann::json& data, const std::string& error);

// The ECHONET Lite frame a raw request asks for ("eoj", "esv", "properties"), from the
// controller object; the error says which field is wrong. The target (device or address) is
// the caller's business.
std::expected<echonet::Frame, std::string> parse_raw_frame(const nlohmann::json& request);

}  // namespace hems::app
