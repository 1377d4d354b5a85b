#pragma once

// How long to wait for a node's answer before sending the request again: from the round trips
// measured to that node, smoothed as TCP does (RFC 6298), within bounds. Pure: the controller
// feeds it samples and asks it for waits.

#include <optional>

#include "hems/common/time.hpp"

namespace hems::lan {

struct RetryBounds {
  Duration initial{1000};  // the first wait, before any round trip is measured
  Duration floor{250};     // never retry sooner: devices take a moment, and LAN loss is rare
  Duration ceiling{3000};  // never wait longer for the first copy, however slow the node was
};

class RoundTrip {
 public:
  // One round trip, measured only where the answer cannot belong to another copy (Karn's rule):
  // a request answered at its first send, or a discovery round (each has its own TID).
  void sample(Duration rtt);

  // The wait after the first send of a request: initial until measured, then srtt + 4 rttvar.
  Duration first_wait(const RetryBounds& bounds) const;

  bool measured() const { return smoothed_.has_value(); }
  std::optional<Duration> smoothed() const { return smoothed_; }

 private:
  std::optional<Duration> smoothed_;
  Duration variation_{0};
};

}  // namespace hems::lan
