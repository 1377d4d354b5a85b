#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "hems/common/bytes.hpp"
#include "hems/common/time.hpp"

// --drop-copies: a link that loses the first tries of every request, so that a controller must
// retransmit to be answered. Deterministic, unlike --lossy: the (N+1)th copy always gets through.
namespace hems::sim {

class LanCopyFilter {
 public:
  // A copy not seen again for this long is forgotten: the next one starts a new count.
  static constexpr auto kForgetAfter = std::chrono::seconds(60);

  // `drops`: copies dropped before one is let through. `any_tid`: copies are compared without
  // their TID (bytes 2-3), so a retransmission with a new TID, or the next poll of the same
  // properties, counts as a copy too.
  LanCopyFilter(unsigned drops, bool any_tid) : drops_(drops), any_tid_(any_tid) {}

  struct Verdict {
    bool drop = false;
    unsigned copy = 0;  // which copy this was, from 1
  };
  // Counts this datagram from `peer`. The (drops + 1)th copy passes and its count starts over.
  Verdict count(std::string_view peer, ByteView payload, TimePoint now);

  std::size_t remembered() const { return seen_.size(); }

 private:
  struct Seen {
    unsigned copies = 0;
    TimePoint last;
  };
  void forget_old(TimePoint now);

  unsigned drops_;
  bool any_tid_;
  std::map<std::pair<std::string, Bytes>, Seen> seen_;
};

}  // namespace hems::sim
