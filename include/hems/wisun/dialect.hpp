#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"
#include "hems/wisun/records.hpp"

namespace hems::wisun {

// The two SKSTACK IP command syntaxes in the field.
//  single_hop: BP35A1, Tessera RL7023 Stick-D/IPS, JORJIN WSR35A1 (no SIDE argument).
//  dual_stack: BP35C0/BP35C2, Ratoc RS-WSUHA-P, Tessera RL7023 Stick-D/DSS (SIDE argument).
enum class Dialect { single_hop, dual_stack };

std::string_view to_string(Dialect dialect);  // "bp35a1" / "bp35c0", as in the config

// "bp35a1" / "bp35c0"; anything else (including "auto") gives nullopt.
std::optional<Dialect> dialect_from_config(std::string_view name);

// SKINFO's fifth value is ADDR16 ("FFFE") on single-hop firmware and SIDE ("0"/"1") on
// dual-stack firmware.
std::optional<Dialect> dialect_from_info(const InfoRecord& info);

Dialect other(Dialect dialect);

// Command lines, each ending in CRLF.
std::string scan_command(Dialect dialect, std::uint8_t duration);
std::string sendto_header(Dialect dialect, std::string_view ipv6, std::size_t payload_size);

// SKSENDTO header followed by the raw payload; no line end after the data (the dongle reads
// exactly DATALEN bytes after the single space).
Bytes sendto_command(Dialect dialect, std::string_view ipv6, ByteView payload);

// Active-scan time for one run over the 28 B-route channels: 9.6 ms x (2^duration + 1) each.
std::chrono::milliseconds scan_time(std::uint8_t duration);

// RSSI in dBm estimated from an LQI byte (BP35A1 reference formula).
double lqi_to_rssi(std::uint8_t lqi);

}  // namespace hems::wisun
