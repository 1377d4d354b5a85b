#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"

namespace hems::wisun {

// One unit of what a SKSTACK IP dongle sends, already split out of the byte stream.
// Every dialect maps onto these; fields a dialect lacks are nullopt.

struct OkRecord {  // "OK" or "OK <value>" (ROPT, RUART answer on the same line)
  std::string value;
};

struct FailRecord {  // "FAIL ERnn"
  int code = 0;
};

struct EventRecord {  // "EVENT <num> <addr> [<side>] [<param>]"
  std::uint8_t number = 0;
  std::string sender;                 // IPv6 as sent (may be empty for EVENT C0)
  std::optional<int> side;            // dual-stack dialect only
  std::optional<std::uint8_t> param;  // e.g. EVENT 21 result
};

struct PanDescriptorRecord {  // "EPANDESC" block
  std::uint8_t channel = 0;
  std::uint8_t channel_page = 0;
  std::uint16_t pan_id = 0;
  std::string address;  // 16 hex digits, the meter's MAC
  std::uint8_t lqi = 0;
  std::optional<int> side;
  std::string pair_id;  // empty when the scan mode gives none
};

struct UdpRecord {  // "ERXUDP ..." with its payload read by DATALEN
  std::string sender;
  std::string destination;
  std::uint16_t remote_port = 0;
  std::uint16_t local_port = 0;
  std::string sender_mac;   // 16 hex digits
  std::optional<int> rssi;  // dual-stack with SA2=1: the extra field, raw value
  bool secured = false;
  std::optional<int> side;  // dual-stack only
  Bytes data;
};

struct VersionRecord {  // "EVER <ver>"
  std::string version;
};

struct AppVersionRecord {  // "EAPPVER <ver>"
  std::string version;
};

struct InfoRecord {  // "EINFO <ipv6> <addr64> <channel> <panid> <addr16-or-side>"
  std::string ipv6;
  std::string mac;
  std::uint8_t channel = 0;
  std::uint16_t pan_id = 0;
  std::string fifth;  // "FFFE" (ADDR16, single-hop) or "0"/"1" (SIDE, dual-stack)
};

struct RegisterRecord {  // "ESREG <value>"
  std::string value;
};

struct Ipv6Record {  // a bare IPv6 address line: the answer to SKLL64
  std::string address;
};

struct EchoRecord {  // our own command echoed back (register SFE = 1)
  std::string text;
};

struct UnknownRecord {  // any other line, kept for logging; never acted on
  std::string text;
};

using Record = std::variant<OkRecord, FailRecord, EventRecord, PanDescriptorRecord, UdpRecord,
                            VersionRecord, AppVersionRecord, InfoRecord, RegisterRecord, Ipv6Record,
                            EchoRecord, UnknownRecord>;

}  // namespace hems::wisun
