#include "hems/echonet/frame.hpp"

namespace hems::echonet {
namespace {

Frame make_header(std::uint16_t tid, Eoj seoj, Eoj deoj, std::uint8_t service) {
  Frame frame;
  frame.tid = tid;
  frame.seoj = seoj;
  frame.deoj = deoj;
  frame.esv = service;
  return frame;
}

}  // namespace

Frame make_get(std::uint16_t tid, Eoj seoj, Eoj deoj, std::span<const std::uint8_t> epcs) {
  Frame frame = make_header(tid, seoj, deoj, esv::get);
  frame.properties.reserve(epcs.size());
  for (std::uint8_t epc : epcs)
    frame.properties.push_back(Property{epc, {}});
  return frame;
}

Frame make_set_c(std::uint16_t tid, Eoj seoj, Eoj deoj, std::vector<Property> properties) {
  Frame frame = make_header(tid, seoj, deoj, esv::set_c);
  frame.properties = std::move(properties);
  return frame;
}

Frame make_infc_response(const Frame& infc) {
  // The responder echoes the EPCs without data (PDC 0), as the INFC_Res rule requires.
  Frame response = make_header(infc.tid, infc.deoj, infc.seoj, esv::infc_res);
  response.properties.reserve(infc.properties.size());
  for (const Property& property : infc.properties) {
    response.properties.push_back(Property{property.epc, {}});
  }
  return response;
}

bool is_instance_list_notification(const Frame& frame) {
  constexpr std::uint8_t kInstanceList = 0xD5;
  return frame.esv == esv::inf && frame.seoj.group == kNodeProfile.group &&
         frame.seoj.cls == kNodeProfile.cls && frame.find(kInstanceList) != nullptr;
}

}  // namespace hems::echonet
