#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hems/common/error.hpp"

namespace hems::sim {

// bp35a1: single-hop syntax (BP35A1, RL7023 Stick-D/IPS).
// bp35c0: dual-stack syntax with the SIDE field (BP35C0/C2, RS-WSUHA-P, RL7023 Stick-D/DSS).
enum class Dialect { bp35a1, bp35c0 };

enum class FaultKind {
  no_beacon,
  silent_meter,
  reauth,
  reauth_fail,
  terminate,
  tx_limit,
  garbage,
  split,
  crlf_binary,
  unplug,
  meter_reboot,
};

std::optional<FaultKind> fault_kind_from_name(std::string_view name);
std::string_view fault_kind_name(FaultKind kind);
// Whether a fault lasts for its SECONDS; the others (terminate, crlf-binary) happen once.
bool fault_lasts(FaultKind kind);

// One entry of the --fault timeline; times are in simulated seconds.
struct FaultSpec {
  double at_s = 0;
  FaultKind kind = FaultKind::garbage;
  double seconds = 0;
};

// Fault windows without an explicit length last this long (simulated seconds).
inline constexpr double kDefaultFaultSeconds = 30.0;

struct SimOptions {
  std::optional<std::string> pty_link;
  std::optional<std::uint16_t> tcp_port;

  Dialect dialect = Dialect::bp35a1;
  bool payload_hex = false;  // WOPT value in "flash" at start: false = binary (factory default)
  bool payload_explicit = false;
  // ROPT/WOPT answer FAIL ER04 and payloads are always hex, whatever payload_hex says.
  bool ropt_unsupported = false;
  bool echo = true;
  std::string rbid = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E";
  std::string password = "SIMULATORPW1";
  std::uint8_t channel = 0x21;
  std::uint16_t pan_id = 0x8888;
  std::string meter_mac = "001C6400601421A3";
  double speed = 1.0;
  std::uint64_t seed = 1;

  std::uint8_t unit = 0x01;                      // E1 code
  std::uint8_t digits = 6;                       // D7
  std::optional<std::uint32_t> coefficient = 1;  // nullopt: D3 answered with Get_SNA
  std::uint32_t energy_start = 65139;
  bool pv = false;
  bool single_phase = false;
  bool infc = false;
  // Days E2/E4 hold: E5 takes 0 (today) to history_days - 1; an older day is refused.
  std::uint8_t history_days = 100;
  // The meter's local wall clock at start (local time written as if it were UTC).
  std::optional<std::chrono::sys_seconds> clock_start;
  std::vector<FaultSpec> faults;
  std::optional<std::string> state_file;
  // Appends when each meter answer was written to the client (sim/write_log.hpp), for latency
  // benchmarks.
  std::optional<std::string> write_log;
};

// Parses the command line arguments (without the program name).
Result<SimOptions> parse_options(std::span<const std::string> args);

// Parses "2026-05-20T13:59:00".
std::optional<std::chrono::sys_seconds> parse_local_datetime(std::string_view text);

// Parses "T:KIND[:SECONDS]".
Result<FaultSpec> parse_fault_spec(std::string_view text);

std::string usage_text();

}  // namespace hems::sim
