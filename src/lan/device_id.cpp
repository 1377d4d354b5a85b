#include "hems/lan/device_id.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace hems::lan {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string node_uid(ByteView node_id) {
  const std::size_t keep = std::min<std::size_t>(node_id.size(), 6);
  return lower(to_hex(node_id.subspan(node_id.size() - keep)));
}

std::string address_slug(std::string_view address) {
  std::string out;
  out.reserve(address.size());
  for (char c : address)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return lower(out);
}

std::string eoj_hex(echonet::Eoj eoj) {
  const std::uint8_t bytes[] = {eoj.group, eoj.cls, eoj.instance};
  return lower(to_hex(bytes));
}

std::string default_device_id(ByteView node_id, std::string_view address, echonet::Eoj eoj) {
  const std::string uid = node_uid(node_id);
  return (uid.empty() ? address_slug(address) : uid) + "_" + eoj_hex(eoj);
}

std::optional<std::string> configured_name(const std::map<std::string, std::string>& names,
                                           ByteView node_id, std::string_view address,
                                           echonet::Eoj eoj) {
  const std::string suffix = "/0x" + eoj_hex(eoj);
  std::vector<std::string> wanted{lower(address) + suffix};
  if (!node_id.empty())
    wanted.insert(wanted.begin(), node_uid(node_id) + suffix);
  for (const std::string& key : wanted) {
    for (const auto& [name_key, name] : names) {
      if (lower(name_key) == key)
        return name;
    }
  }
  return std::nullopt;
}

}  // namespace hems::lan
