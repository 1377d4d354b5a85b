#pragma once

#include <cstdint>
#include <vector>

namespace hems::wisun {

// SKSCAN's DURATION is one hex digit: 0 to 0xE.
inline constexpr int kMaxScanDuration = 14;
// The largest DURATION tried unless configured otherwise (meter.scan_duration_max): about 69 s
// for one scan over the 28 B-route channels.
inline constexpr int kDefaultScanDurationMax = 8;

// The DURATIONs of the active scans run one after another while no meter answers, before the
// session counts the scan as failed and climbs its recovery ladder. One scan listens on each of
// the 28 channels for 9.6 ms x (2^DURATION + 1) (scan_time()): 4 takes about 4.6 s, 6 about
// 17.5 s, 8 about 69 s, and every step above doubles that, up to 73 minutes at 14.
//
// The ladder for a max_duration of 8 is 4, 5, 6, 6, 7, 8, 8:
//  - it starts at 4 because a meter near the dongle (the usual case) answers a short scan, so
//    the first start and every rescan take seconds, not minutes;
//  - it tries 6 twice because 6 is what B-route clients in the field use (REFERENCE.md §2.2),
//    and a beacon missed once at 6 is usually heard the second time;
//  - it tries its top rung twice: the last chance before the pause of the recovery ladder.
// A smaller max_duration cuts the ladder off there (7: 4, 5, 6, 6, 7); under 4 it is a single
// scan at max_duration. Above 8 each further DURATION is tried once (max 10: ... 8, 8, 9, 10):
// those scans take minutes to over an hour each, so a repeat would double a very long wait,
// and the next DURATION listens twice as long per channel anyway. Values outside 0..14 are
// clamped into it.
std::vector<std::uint8_t> scan_ladder(int max_duration);

}  // namespace hems::wisun
