#include "origin.hpp"

#include <string>

#include "hems/version.hpp"

namespace hems::ha::detail {

nlohmann::ordered_json origin_block(std::string_view version) {
  nlohmann::ordered_json origin{{"name", "hems2mqtt"}};
  if (!version.empty())
    origin["sw_version"] = version;
  const std::string_view url = kSupportUrl;
  if (!url.empty())
    origin["support_url"] = url;
  return origin;
}

}  // namespace hems::ha::detail
