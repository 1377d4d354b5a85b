#pragma once

// The bridge as an ECHONET Lite node in its own right: a node profile (0x0EF001) and one
// controller object (0x05FF01), read-only, answering Get and INF_REQ from other controllers.
// Pure functions; the controller decides where the answers go.

#include <cstdint>
#include <optional>
#include <string>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::lan::detail {

// 0x8A: 0xFFFFFF, no registered maker code (the simulator's default as well).
inline constexpr std::uint8_t kSelfMakerCode[3] = {0xFF, 0xFF, 0xFF};
// A request listing more properties than this is not a real one: ignored, not answered.
inline constexpr std::size_t kMaxRequestProperties = 32;

// Which of our objects `deoj` addresses (instance 0 means every instance of the class), if any.
std::optional<echonet::Eoj> self_object_for(echonet::Eoj deoj);

// The value of `epc` of our object `object`, or nullopt when it has no such property.
std::optional<Bytes> self_property(echonet::Eoj object, std::uint8_t epc);

// The answer to a Get or INF_REQ addressed to us: Get_Res / INF when every EPC is known, else
// Get_SNA / INF_SNA with the known ones filled and the rest empty. Nullopt: not ours to answer
// (another EOJ, another service, no properties or too many).
std::optional<echonet::Frame> answer_self_request(const echonet::Frame& request);

// The INF from the node profile listing our instances (0xD5), sent when we start.
echonet::Frame self_instance_notice(std::uint16_t tid);

// Whether `address` (as the transport writes it, optionally with a %zone) is one no answer can
// go to: a multicast or broadcast group, or the unspecified address.
bool is_group_or_unspecified(const std::string& address);

}  // namespace hems::lan::detail
