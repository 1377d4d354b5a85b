#pragma once

// Notices when the broker keeps closing our connection right after accepting it. The usual cause
// is another client connecting with the same client id: MQTT brokers close the older connection
// of an id when a new one arrives, both clients reconnect, and they throw each other off every
// few seconds. Nothing in the protocol tells the client why, so we infer it from the pattern.

#include <cstdint>
#include <optional>

#include "hems/common/time.hpp"

namespace hems::mqtt {

class TakeoverDetector {
 public:
  // A connection that ends sooner than this after it was accepted counts as thrown off.
  static constexpr Duration kShortLived = seconds(30);
  // Thrown off this many times in a row (no longer connection in between) is reported.
  static constexpr int kReportAfter = 3;

  void on_connected(TimePoint now);
  // True when this loss completes a run of kReportAfter short-lived connections; reported once
  // per run, so a log is not flooded while it goes on.
  bool on_connection_lost(TimePoint now);

  int short_lived_in_a_row() const { return short_lived_; }

 private:
  std::optional<TimePoint> connected_at_;
  int short_lived_ = 0;
};

}  // namespace hems::mqtt
