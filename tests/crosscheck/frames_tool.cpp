// Shows our ECHONET Lite codec to an outside checker as JSON lines.
//
//   echonet_frames_tool frames   one line per sample frame: {"name", "hex" (our encoding),
//                                "fields" (what the frame is meant to say)}
//   echonet_frames_tool decode   reads one hex frame per line on stdin and prints our decoder's
//                                view: {"hex", "ok": true, "fields"} or {"hex", "ok": false,
//                                "error"}; property maps get a "map" (or "map_error") entry
//
// Exit status 0, or 2 on a usage error.

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "frame_json.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/echonet/property_map.hpp"
#include "sample_frames.hpp"

namespace {

using hems::crosscheck::frame_json;
using hems::crosscheck::is_property_map_epc;
using hems::crosscheck::lower_hex;
using hems::crosscheck::property_map_json;

void print_samples() {
  for (const auto& sample : hems::crosscheck::sample_frames()) {
    nlohmann::json fields = frame_json(sample.frame);
    const auto& properties = sample.frame.properties;
    for (std::size_t i = 0; i < properties.size(); ++i) {
      if (auto intended = sample.maps.find(properties[i].epc); intended != sample.maps.end())
        fields["properties"][i]["map"] = property_map_json(intended->second);
    }
    const nlohmann::json line = {{"name", sample.name},
                                 {"hex", lower_hex(hems::echonet::encode(sample.frame))},
                                 {"fields", fields}};
    std::cout << line.dump() << '\n';
  }
}

// Adds our property-map reading to every non-empty 0x9D/0x9E/0x9F entry of `list`.
void add_maps(nlohmann::json& list, const std::vector<hems::echonet::Property>& properties) {
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const auto& property = properties[i];
    if (!is_property_map_epc(property.epc) || property.edt.empty())
      continue;
    if (auto epcs = hems::echonet::decode_property_map(property.edt))
      list[i]["map"] = property_map_json(*epcs);
    else
      list[i]["map_error"] = epcs.error().message;
  }
}

nlohmann::json decode_line(std::string_view hex) {
  nlohmann::json out = {{"hex", hex}};
  const auto bytes = hems::from_hex(hex);
  if (!bytes) {
    out["ok"] = false;
    out["error"] = "not an even-length hex string";
    return out;
  }
  const auto frame = hems::echonet::decode(*bytes);
  if (!frame) {
    out["ok"] = false;
    out["error"] = frame.error().message;
    return out;
  }
  nlohmann::json fields = frame_json(*frame);
  add_maps(fields["properties"], frame->properties);
  if (fields.contains("get_properties"))
    add_maps(fields["get_properties"], frame->get_properties);
  out["ok"] = true;
  out["fields"] = fields;
  return out;
}

void decode_stdin() {
  std::string line;
  while (std::getline(std::cin, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (line.empty())
      continue;
    std::cout << decode_line(line).dump() << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc == 2 ? argv[1] : "";
  if (mode == "frames") {
    print_samples();
  } else if (mode == "decode") {
    decode_stdin();
  } else {
    std::fputs("usage: echonet_frames_tool frames|decode\n", stderr);
    return 2;
  }
  return 0;
}
