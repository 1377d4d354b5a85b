#include "frame_json.hpp"

#include <algorithm>
#include <cctype>

namespace hems::crosscheck {
namespace {

std::string byte_hex(std::uint8_t value) {
  const std::uint8_t one[] = {value};
  return lower_hex(one);
}

nlohmann::json list_json(const std::vector<echonet::Property>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const echonet::Property& property : list) {
    out.push_back({{"epc", byte_hex(property.epc)},
                   {"pdc", property.edt.size()},
                   {"edt", lower_hex(property.edt)}});
  }
  return out;
}

std::string eoj_hex(const echonet::Eoj& eoj) {
  const std::uint8_t bytes[] = {eoj.group, eoj.cls, eoj.instance};
  return lower_hex(bytes);
}

}  // namespace

std::string lower_hex(ByteView bytes) {
  std::string hex = to_hex(bytes);
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return hex;
}

bool is_property_map_epc(std::uint8_t epc) {
  return epc == 0x9D || epc == 0x9E || epc == 0x9F;
}

nlohmann::json property_map_json(const std::vector<std::uint8_t>& epcs) {
  nlohmann::json list = nlohmann::json::array();
  for (std::uint8_t epc : epcs)
    list.push_back(byte_hex(epc));
  return {{"n", epcs.size()}, {"epcs", list}};
}

nlohmann::json frame_json(const echonet::Frame& frame) {
  const std::uint8_t tid[] = {static_cast<std::uint8_t>(frame.tid >> 8),
                              static_cast<std::uint8_t>(frame.tid & 0xFF)};
  nlohmann::json out = {{"ehd", "1081"},
                        {"tid", lower_hex(tid)},
                        {"seoj", eoj_hex(frame.seoj)},
                        {"deoj", eoj_hex(frame.deoj)},
                        {"esv", byte_hex(frame.esv)},
                        {"opc", frame.properties.size()},
                        {"properties", list_json(frame.properties)}};
  if (echonet::has_two_lists(frame.esv)) {
    out["opc_get"] = frame.get_properties.size();
    out["get_properties"] = list_json(frame.get_properties);
  }
  return out;
}

}  // namespace hems::crosscheck
