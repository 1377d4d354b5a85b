#include "self_node.hpp"

#include <algorithm>
#include <charconv>

#include "controller_internal.hpp"
#include "hems/echonet/property_map.hpp"

namespace hems::lan::detail {
namespace {

namespace esv = echonet::esv;

constexpr std::uint8_t kVersion = 0x82;
constexpr std::uint8_t kFaultStatus = 0x88;
constexpr std::uint8_t kInstanceCount = 0xD3;
constexpr std::uint8_t kClassCount = 0xD4;
constexpr std::uint8_t kClassList = 0xD7;

Bytes maker_code() {
  return Bytes(std::begin(kSelfMakerCode), std::end(kSelfMakerCode));
}

// 0x83: 0xFE, the maker code, then 13 bytes that should tell this node from every other one.
// The bridge has no per-install number to put there, and a made-up constant would make every
// bridge on a LAN look like one device that keeps moving; all zeros is what controllers,
// this one included (device_id.hpp), read as "unset", so they key us by address instead.
// Sized once and written in place: GCC 12 at -O3 reports a false -Wstringop-overread on the
// push_back + resize form.
Bytes identification_number() {
  Bytes id(17, 0x00);
  id[0] = 0xFE;
  std::copy(std::begin(kSelfMakerCode), std::end(kSelfMakerCode), id.begin() + 1);
  return id;
}

// Instance lists (0xD5, 0xD6): the controller object only; the node profile is never listed.
Bytes instance_list() {
  return Bytes{0x01, echonet::kController.group, echonet::kController.cls,
               echonet::kController.instance};
}

Bytes node_profile_value(std::uint8_t epc) {
  switch (epc) {
    case kOperatingStatus:
      return {0x30};  // booted
    case kVersion:
      // ECHONET Lite 1.13 (major 1, minor 0x0D); byte 3 bit 0: the specified message format
      // (EHD2 0x81), the only one we speak; byte 4 reserved.
      return {0x01, 0x0D, 0x01, 0x00};
    case kIdentification:
      return identification_number();
    case kManufacturer:
      return maker_code();
    case kInfMap:
      return echonet::encode_property_map({kOperatingStatus, kInstanceNotice});
    case kSetMap:
      return echonet::encode_property_map({});
    case kGetMap:
      return echonet::encode_property_map(
          {kOperatingStatus, kVersion, kIdentification, kManufacturer, kInfMap, kSetMap, kGetMap,
           kInstanceCount, kClassCount, kInstanceNotice, kInstanceList, kClassList});
    case kInstanceCount:
      return {0x00, 0x00, 0x01};  // the node profile is not counted
    case kClassCount:
      return {0x00, 0x02};  // the node profile class is counted: 0x0EF0 and 0x05FF
    case kInstanceNotice:
    case kInstanceList:
      return instance_list();
    case kClassList:
      return {0x01, echonet::kController.group, echonet::kController.cls};  // without 0x0EF0
    default:
      return {};
  }
}

Bytes controller_value(std::uint8_t epc) {
  switch (epc) {
    case kOperatingStatus:
      return {0x30};  // on
    case kVersion:
      return {0x00, 0x00, 'R', 0x00};  // Appendix Release R, the one our definitions follow
    case kFaultStatus:
      return {0x42};  // no fault
    case kManufacturer:
      return maker_code();
    case kInfMap:
      return echonet::encode_property_map({kOperatingStatus});
    case kSetMap:
      return echonet::encode_property_map({});
    case kGetMap:
      return echonet::encode_property_map(
          {kOperatingStatus, kVersion, kFaultStatus, kManufacturer, kInfMap, kSetMap, kGetMap});
    default:
      return {};
  }
}

std::optional<std::uint32_t> parse_octet(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data())
    return std::nullopt;
  return value;
}

}  // namespace

std::optional<echonet::Eoj> self_object_for(echonet::Eoj deoj) {
  for (echonet::Eoj ours : {echonet::kNodeProfile, echonet::kController}) {
    if (answers_for(deoj, ours))
      return ours;
  }
  return std::nullopt;
}

std::optional<Bytes> self_property(echonet::Eoj object, std::uint8_t epc) {
  Bytes value;
  if (object == echonet::kNodeProfile)
    value = node_profile_value(epc);
  else if (object == echonet::kController)
    value = controller_value(epc);
  if (value.empty())
    return std::nullopt;
  return value;
}

std::optional<echonet::Frame> answer_self_request(const echonet::Frame& request) {
  if (request.esv != esv::get && request.esv != esv::inf_req)
    return std::nullopt;
  if (request.properties.empty() || request.properties.size() > kMaxRequestProperties)
    return std::nullopt;
  const std::optional<echonet::Eoj> object = self_object_for(request.deoj);
  if (!object)
    return std::nullopt;
  const bool get = request.esv == esv::get;
  echonet::Frame answer;
  answer.tid = request.tid;
  answer.seoj = *object;
  answer.deoj = request.seoj;
  bool all_known = true;
  for (const echonet::Property& asked : request.properties) {
    std::optional<Bytes> value = self_property(*object, asked.epc);
    all_known = all_known && value.has_value();
    answer.properties.push_back({asked.epc, value.value_or(Bytes{})});
  }
  if (all_known)
    answer.esv = get ? esv::get_res : esv::inf;
  else
    answer.esv = get ? esv::get_sna : esv::inf_sna;
  return answer;
}

echonet::Frame self_instance_notice(std::uint16_t tid) {
  echonet::Frame inf;
  inf.tid = tid;
  inf.seoj = echonet::kNodeProfile;
  inf.deoj = echonet::kNodeProfile;
  inf.esv = esv::inf;
  inf.properties.push_back({kInstanceNotice, instance_list()});
  return inf;
}

bool is_group_or_unspecified(const std::string& address) {
  const std::string host = address.substr(0, address.find('%'));
  if (host.find(':') != std::string::npos) {
    const std::size_t dot = host.find('.');
    if (dot == std::string::npos) {
      // IPv6: ff00::/8 (a first group of four digits starting "ff") is multicast; "::" is the
      // unspecified address.
      auto is_f = [](char c) { return c == 'f' || c == 'F'; };
      const bool multicast = host.find(':') == 4 && is_f(host[0]) && is_f(host[1]);
      return multicast || host == "::";
    }
    // An IPv4 address written in IPv6 form (::ffff:224.0.23.0): judged as IPv4.
    return is_group_or_unspecified(host.substr(host.rfind(':') + 1));
  }
  const std::optional<std::uint32_t> first = parse_octet(host.substr(0, host.find('.')));
  if (!first)
    return true;  // not an address an answer could go to
  // 224.0.0.0/4 multicast, 240.0.0.0/4 reserved and 255.255.255.255 broadcast, 0.0.0.0/8.
  return *first >= 224 || *first == 0;
}

}  // namespace hems::lan::detail
