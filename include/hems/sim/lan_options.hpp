#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/error.hpp"

// Options of `hems2mqtt-sim lan`: one simulated ECHONET Lite node on the LAN.
namespace hems::sim {

// The appliance kinds the LAN simulator can host (`--object NAME`).
enum class LanObjectKind {
  aircon,
  water_heater,
  battery,
  solar,
  ev_charger,
  floor_heater,
  light,
  maker_specific,
};

std::optional<LanObjectKind> lan_object_kind_from_name(std::string_view name);
std::string_view lan_object_kind_name(LanObjectKind kind);

inline constexpr std::uint16_t kEchonetPort = 3610;

struct LanOptions {
  std::string bind = "0.0.0.0";
  std::uint16_t port = kEchonetPort;
  bool ipv6 = false;
  std::string interface_name;          // empty: every multicast-capable interface
  std::vector<LanObjectKind> objects;  // in order; repeated kinds get instances 01, 02 ...
  Bytes node_id{0x01};                 // the maker-defined part of the node's 0x83
  Bytes maker{0xFF, 0xFF, 0xFF};       // 0x8A manufacturer code (3 bytes)
  double late_join_s = 0;              // silent for this long, then announces
  unsigned slow_ms = 0;                // every answer goes out this much later
  double lossy_percent = 0;            // share of requests dropped
  // A lossy link that always loses the first tries: each request is dropped until its
  // (drop_copies + 1)th copy arrives, which is answered; then its count starts over. A copy has
  // the same bytes from the same sender (a retransmission with the same TID). With
  // `copies_any_tid` the TID is not compared (a retransmission with a new TID, or the next poll
  // of the same properties, is a copy too).
  unsigned drop_copies = 0;
  bool copies_any_tid = false;
  Bytes location{0x00};  // 0x81 of every device object: 1 byte, or 0x01 + 16 bytes
  std::uint64_t seed = 1;
  bool partial = false;   // multi-EPC Gets are answered with some EPCs left out (Get_SNA)
  bool no_multi = false;  // multi-EPC Gets are not answered at all
  double speed = 1.0;     // simulated time runs this much faster (drift, solar day curve)
  std::optional<double> start_hour;  // local time of day at start (0..24); the shell fills it
};

// Parses the arguments after `lan`.
Result<LanOptions> parse_lan_options(std::span<const std::string> args);

std::string lan_usage_text();

}  // namespace hems::sim
