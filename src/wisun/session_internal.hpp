#pragma once

// What the session's source files share: SKSTACK numbers with names, the waits that are not
// configurable, and the small text helpers of its log lines.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "hems/common/time.hpp"
#include "hems/wisun/records.hpp"

namespace hems::wisun::session_detail {

// UDP ports on the B-route link.
inline constexpr std::uint16_t kEchonetPort = 0x0E1A;  // 3610
inline constexpr std::uint16_t kPanaPort = 0x02CC;     // 716

// The EVENT numbers the session acts on (REFERENCE.md §4); the others are only logged.
inline constexpr std::uint8_t kEventSendDone = 0x21;  // PARAM: the radio's result
inline constexpr std::uint8_t kEventScanDone = 0x22;
inline constexpr std::uint8_t kEventJoinFailed = 0x24;  // also: re-authentication failed
inline constexpr std::uint8_t kEventJoined = 0x25;      // also: re-authenticated
inline constexpr std::uint8_t kEventEndedByMeter = 0x26;
inline constexpr std::uint8_t kEventEnded = 0x27;         // the answer to SKTERM
inline constexpr std::uint8_t kEventEndTimedOut = 0x28;   // SKTERM unanswered: ended anyway
inline constexpr std::uint8_t kEventLifetimeOver = 0x29;  // the dongle re-authenticates
inline constexpr std::uint8_t kEventTransmitLimited = 0x32;
inline constexpr std::uint8_t kEventTransmitAllowed = 0x33;

// FAIL ERnn codes the session reacts to.
inline constexpr int kErrorArgumentCount = 5;  // ER05: e.g. SKSCAN without / with the SIDE
inline constexpr int kErrorArgumentValue = 6;  // ER06
inline constexpr int kErrorWrongState = 10;    // ER10: e.g. SKJOIN while a session is up

// How long past scan_time() the session waits for EVENT 22 before it ends the scan itself.
// REFERENCE.md §2.2 suggests 2-3 s; a slow serial link and a busy host get a little more.
inline constexpr Duration kScanEndMargin = std::chrono::seconds(5);
// SKTERM's EVENT 27/28 comes after PANA's own retransmissions; past this the session is taken
// as ended.
inline constexpr Duration kTerminateWait = std::chrono::seconds(10);
// After the meter (or the dongle) ends the session: join again soon, but not in the same breath.
inline constexpr Duration kRejoinAfterSessionEnd = std::chrono::seconds(1);
// ARIB STD-T108 limits the transmit time within any one hour, so the limit cannot hold longer.
// Past this a dongle that never said EVENT 33 is not believed any more.
inline constexpr Duration kTransmitLimitLongest = std::chrono::hours(1);

inline std::string hex2(unsigned value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", width, value);
  return buf;
}

inline std::string fail_text(const FailRecord& fail) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "FAIL ER%02d", fail.code);
  return buf;
}

// Whole seconds for log lines, rounded up: a wait of 4.5 s is announced as "5 s", not "4 s".
inline std::string seconds_up(Duration d) {
  return std::to_string(std::chrono::ceil<std::chrono::seconds>(d).count());
}
// Whole seconds for log lines, the fraction dropped.
inline std::string seconds_down(Duration d) {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(d).count());
}

}  // namespace hems::wisun::session_detail
