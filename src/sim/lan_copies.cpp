#include "hems/sim/lan_copies.hpp"

#include <iterator>

namespace hems::sim {

LanCopyFilter::Verdict LanCopyFilter::count(std::string_view peer, ByteView payload,
                                            TimePoint now) {
  forget_old(now);
  Bytes key(payload.begin(), payload.end());
  if (any_tid_ && key.size() >= 4) {
    key[2] = 0;
    key[3] = 0;
  }
  const auto it = seen_.try_emplace({std::string(peer), std::move(key)}).first;
  Seen& seen = it->second;
  seen.last = now;
  const unsigned copy = ++seen.copies;
  if (copy <= drops_)
    return {true, copy};
  seen_.erase(it);
  return {false, copy};
}

void LanCopyFilter::forget_old(TimePoint now) {
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = now - it->second.last >= kForgetAfter ? seen_.erase(it) : std::next(it);
  }
}

}  // namespace hems::sim
