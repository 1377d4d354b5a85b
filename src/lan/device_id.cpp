#include "hems/lan/device_id.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace hems::lan {
namespace {

constexpr std::size_t kMakerCodeEnd = 4;  // 0xFE and the 3-byte maker code

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_bytes(ByteView bytes, std::uint8_t value) {
  return std::all_of(bytes.begin(), bytes.end(), [value](std::uint8_t b) { return b == value; });
}

}  // namespace

std::uint32_t fnv1a32(ByteView bytes) {
  std::uint32_t hash = 2166136261u;
  for (std::uint8_t b : bytes) {
    hash ^= b;
    hash *= 16777619u;
  }
  return hash;
}

std::string why_no_uid(ByteView node_id) {
  if (node_id.empty())
    return "no identification number (0x83)";
  if (node_id.size() <= kMakerCodeEnd)
    return "identification number too short (" + std::to_string(node_id.size()) + " bytes)";
  const ByteView unique = node_id.subspan(kMakerCodeEnd);
  if (all_bytes(unique, 0x00))
    return "identification number unset (all zeros)";
  if (all_bytes(unique, 0xFF))
    return "identification number unset (all 0xFF)";
  return "";
}

std::string node_uid(ByteView node_id) {
  if (!why_no_uid(node_id).empty())
    return "";
  char hash[16];
  std::snprintf(hash, sizeof hash, "_%08x",
                static_cast<unsigned>(fnv1a32(node_id.subspan(kMakerCodeEnd))));
  return lower(to_hex(node_id.subspan(1, 3))) + hash;
}

std::string last_six_bytes_uid(ByteView node_id) {
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
  std::string id = node_uid(node_id);
  if (id.empty())
    id = address_slug(address);
  id += '_';
  id += eoj_hex(eoj);
  return id;
}

std::optional<std::string> configured_name(const std::map<std::string, std::string>& names,
                                           ByteView node_id, std::string_view address,
                                           echonet::Eoj eoj) {
  const std::string suffix = "/0x" + eoj_hex(eoj);
  std::vector<std::string> wanted;
  if (const std::string uid = node_uid(node_id); !uid.empty())
    wanted.push_back(uid + suffix);
  if (!node_id.empty())
    wanted.push_back(last_six_bytes_uid(node_id) + suffix);
  wanted.push_back(lower(address) + suffix);
  for (const std::string& key : wanted) {
    for (const auto& [name_key, name] : names) {
      if (lower(name_key) == key)
        return name;
    }
  }
  return std::nullopt;
}

}  // namespace hems::lan
