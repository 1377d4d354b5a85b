#include "hems/mqtt/takeover_detector.hpp"

namespace hems::mqtt {

void TakeoverDetector::on_connected(TimePoint now) {
  connected_at_ = now;
}

bool TakeoverDetector::on_connection_lost(TimePoint now) {
  if (!connected_at_)
    return false;  // a failed connect attempt, not a connection that was closed
  const bool short_lived = now - *connected_at_ < kShortLived;
  connected_at_.reset();
  if (!short_lived) {
    short_lived_ = 0;
    return false;
  }
  ++short_lived_;
  return short_lived_ == kReportAfter;
}

}  // namespace hems::mqtt
