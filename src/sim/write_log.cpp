#include "hems/sim/write_log.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace hems::sim {

std::optional<std::string> write_log_entry(ByteView chunk,
                                           std::chrono::system_clock::time_point written) {
  constexpr std::string_view kAnswer = "ERXUDP ";
  if (std::search(chunk.begin(), chunk.end(), kAnswer.begin(), kAnswer.end()) == chunk.end())
    return std::nullopt;
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(written.time_since_epoch()).count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%lld.%09lld ",
                static_cast<long long>(since_epoch / 1'000'000'000),
                static_cast<long long>(since_epoch % 1'000'000'000));
  return std::string(stamp) + to_hex(chunk);
}

}  // namespace hems::sim
