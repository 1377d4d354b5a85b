#pragma once

// Small helpers shared by the controller's source files.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::lan::detail {

inline constexpr std::uint8_t kIdentification = 0x83;
inline constexpr std::uint8_t kManufacturer = 0x8A;
inline constexpr std::uint8_t kInstanceNotice = 0xD5;
inline constexpr std::uint8_t kInstanceList = 0xD6;
inline constexpr std::uint8_t kOperatingStatus = 0x80;
inline constexpr std::uint8_t kInstallationLocation = 0x81;
inline constexpr std::uint8_t kInfMap = 0x9D;
inline constexpr std::uint8_t kSetMap = 0x9E;
inline constexpr std::uint8_t kGetMap = 0x9F;
// An instance list holds at most 84 EOJs (253 bytes); no node has more objects than that.
inline constexpr std::size_t kMaxInstances = 84;

inline bool is_node_profile(echonet::Eoj eoj) {
  return eoj.group == 0x0E && eoj.cls == 0xF0;
}

// A request to instance 0 addresses every instance of the class, so any instance may answer.
inline bool answers_for(echonet::Eoj asked, echonet::Eoj answering) {
  return asked.group == answering.group && asked.cls == answering.cls &&
         (asked.instance == 0 || asked.instance == answering.instance);
}

// 0x60..0x6F: a request from another controller (Set, Get, INF_REQ, SetGet), never an answer.
inline bool is_request(std::uint8_t esv) {
  return (esv & 0xF0) == 0x60;
}

// Whether `reply_esv` is a possible answer to a request with `request_esv`.
inline bool is_answer_to(std::uint8_t request_esv, std::uint8_t reply_esv) {
  namespace esv = echonet::esv;
  switch (request_esv) {
    case esv::get:
      return reply_esv == esv::get_res || reply_esv == esv::get_sna;
    case esv::set_c:
      return reply_esv == esv::set_res || reply_esv == esv::set_c_sna;
    case esv::set_i:
      return reply_esv == esv::set_i_sna;
    case esv::inf_req:
      return reply_esv == esv::inf || reply_esv == esv::inf_sna;
    case esv::set_get:
      return reply_esv == esv::set_get_res || reply_esv == esv::set_get_sna;
    default:
      return false;
  }
}

// In answers to writes a property with no EDT was accepted; in every other answer a property
// with no EDT is one the device could not process.
inline bool is_write_answer(std::uint8_t esv) {
  namespace e = echonet::esv;
  return esv == e::set_res || esv == e::set_c_sna || esv == e::set_i_sna;
}

inline std::string hex8(std::uint8_t value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", value);
  return buf;
}

inline std::string hex16(std::uint16_t value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", value);
  return buf;
}

// An instance list (0xD5 / 0xD6): count, then three bytes per EOJ. A count larger than the EDT
// holds is cut to what is there; node profiles in the list are skipped.
inline std::vector<echonet::Eoj> parse_instance_list(ByteView edt) {
  std::vector<echonet::Eoj> out;
  if (edt.empty())
    return out;
  const std::size_t count = std::min<std::size_t>(edt[0], (edt.size() - 1) / 3);
  for (std::size_t i = 0; i < count; ++i) {
    echonet::Eoj eoj{edt[1 + 3 * i], edt[2 + 3 * i], edt[3 + 3 * i]};
    if (!is_node_profile(eoj))
      out.push_back(eoj);
  }
  return out;
}

}  // namespace hems::lan::detail
