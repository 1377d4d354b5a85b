#include "sample_frames.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <utility>

#include "hems/echonet/property_map.hpp"

namespace hems::crosscheck {
namespace {

using echonet::Eoj;
using echonet::Frame;
using echonet::Property;
namespace esv = echonet::esv;

Frame frame_of(std::uint8_t service, std::uint16_t tid, Eoj seoj, Eoj deoj,
               std::vector<Property> properties, std::vector<Property> get_properties = {}) {
  Frame frame;
  frame.tid = tid;
  frame.seoj = seoj;
  frame.deoj = deoj;
  frame.esv = service;
  frame.properties = std::move(properties);
  frame.get_properties = std::move(get_properties);
  return frame;
}

Property data(std::uint8_t epc, Bytes edt) {
  return Property{epc, std::move(edt)};
}

Property empty(std::uint8_t epc) {
  return Property{epc, {}};
}

Bytes counting_bytes(std::size_t size) {
  Bytes bytes(size);
  std::iota(bytes.begin(), bytes.end(), std::uint8_t{0});
  return bytes;
}

// A Get_Res from the meter carrying the given property maps, each encoded by our encoder; the
// intended EPC lists are recorded beside the frame.
SampleFrame maps_response(std::string name, std::uint16_t tid,
                          std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> maps) {
  SampleFrame sample{std::move(name), {}, {}};
  std::vector<Property> properties;
  for (auto& [epc, epcs] : maps) {
    properties.push_back(data(epc, echonet::encode_property_map(epcs)));
    std::sort(epcs.begin(), epcs.end());
    sample.maps[epc] = epcs;
  }
  sample.frame = frame_of(esv::get_res, tid, echonet::kSmartMeter, echonet::kController,
                          std::move(properties));
  return sample;
}

std::vector<std::uint8_t> epc_range(unsigned first, unsigned count) {
  std::vector<std::uint8_t> epcs;
  for (unsigned i = 0; i < count; ++i)
    epcs.push_back(static_cast<std::uint8_t>(first + i));
  return epcs;
}

}  // namespace

std::vector<SampleFrame> sample_frames() {
  const Eoj meter = echonet::kSmartMeter;
  const Eoj controller = echonet::kController;
  const Eoj profile = echonet::kNodeProfile;
  const Eoj aircon{0x01, 0x30, 0x01};

  std::vector<SampleFrame> samples;
  auto add = [&samples](std::string name, Frame frame) {
    samples.push_back(SampleFrame{std::move(name), std::move(frame), {}});
  };

  const std::array<std::uint8_t, 4> four{0x80, 0xE0, 0xE7, 0xD3};
  add("get_four_epcs", echonet::make_get(0x0001, controller, meter, four));
  // Ten or more EPCs: one older parser miscounted at OPC >= 10.
  const std::array<std::uint8_t, 12> twelve{0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D,
                                            0x97, 0x98, 0xD3, 0xD7, 0xE0, 0xE7};
  add("get_twelve_epcs", echonet::make_get(0xFFFF, controller, meter, twelve));
  add("set_c",
      echonet::make_set_c(0x1234, controller, meter,
                          {data(0x80, {0x30}), data(0x97, {0x0C, 0x1E}), data(0xE5, {0x01})}));
  add("set_i", frame_of(esv::set_i, 0x00FF, controller, aircon, {data(0x81, {0x08})}));
  add("inf_req", frame_of(esv::inf_req, 0x0100, controller, meter, {empty(0xE7)}));
  add("inf_instance_list",
      frame_of(esv::inf, 0x0000, profile, profile, {data(0xD5, {0x01, 0x02, 0x88, 0x01})}));
  const Frame infc =
      frame_of(esv::infc, 0x0002, meter, controller,
               {data(0xEA, {0x07, 0xE8, 0x0B, 0x1A, 0x0F, 0x1E, 0x00, 0x00, 0x01, 0x86, 0xA0}),
                data(0xEB, {0x07, 0xE8, 0x0B, 0x1A, 0x0F, 0x1E, 0x00, 0x00, 0x00, 0x00, 0x0C})});
  add("infc", infc);
  add("infc_res", echonet::make_infc_response(infc));
  add("get_res", frame_of(esv::get_res, 0x0001, meter, controller,
                          {data(0x80, {0x30}), data(0x8A, {0x00, 0x00, 0x16}),
                           data(0xE7, {0x00, 0x00, 0x01, 0xF4}),
                           data(0x83, {0xFE, 0x00, 0x00, 0x16, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                       0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D})}));
  add("get_res_edt_255",
      frame_of(esv::get_res, 0x7FFF, meter, controller, {data(0xE2, counting_bytes(255))}));
  add("get_sna_all_pdc0",
      frame_of(esv::get_sna, 0x0003, meter, controller, {empty(0xE0), empty(0xE7)}));
  add("get_sna_partial",
      frame_of(esv::get_sna, 0x0004, meter, controller, {data(0x80, {0x30}), empty(0xF0)}));
  add("set_res", frame_of(esv::set_res, 0x1234, meter, controller, {empty(0x80), empty(0x97)}));
  add("set_c_sna", frame_of(esv::set_c_sna, 0x1235, meter, controller, {data(0xE5, {0x09})}));
  add("setget", frame_of(esv::set_get, 0x0010, controller, aircon, {data(0x80, {0x30})},
                         {empty(0x80), empty(0xB0)}));
  add("setget_res", frame_of(esv::set_get_res, 0x0010, aircon, controller, {empty(0x80)},
                             {data(0x80, {0x30}), data(0xB3, {0x1A})}));
  add("setget_sna_set_list_empty",
      frame_of(esv::set_get_sna, 0x0011, aircon, controller, {}, {empty(0xB3)}));

  // Property maps: the real Toshiba 0x9F (25 EPCs, bitmap) next to its list-form 0x9D/0x9E.
  samples.push_back(maps_response(
      "get_res_maps_meter", 0x0020,
      {{0x9D, {0x80, 0x81, 0x88}},
       {0x9E, {0x81, 0xE5, 0xED}},
       {0x9F, {0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D, 0x9E, 0x9F, 0xD3, 0xD7,
               0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED}}}));
  // The largest list form (N = 15, PDC 16) and the smallest bitmap (N = 16, PDC 17).
  samples.push_back(maps_response("get_res_map_list_15", 0x0021, {{0x9F, epc_range(0xE0, 15)}}));
  samples.push_back(maps_response("get_res_map_bitmap_16", 0x0022, {{0x9F, epc_range(0xF0, 16)}}));
  // Every corner of the bitmap (bytes 0 and 15, bits 0 and 7) plus a spread in between.
  samples.push_back(maps_response("get_res_map_bitmap_corners", 0x0023,
                                  {{0x9F,
                                    {0xFF, 0x80, 0x8F, 0xF0, 0x91, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6,
                                     0xF7, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD}}}));
  samples.push_back(maps_response("get_res_map_all_128", 0x0024, {{0x9F, epc_range(0x80, 128)}}));
  samples.push_back(maps_response("get_res_map_empty_list", 0x0025, {{0x9D, {}}}));
  return samples;
}

}  // namespace hems::crosscheck
