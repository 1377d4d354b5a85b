#pragma once

// Drives a LanNode in-process with a fake clock, for the LAN simulator's unit tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "hems/sim/lan_node.hpp"

namespace hems::sim::test {

inline Bytes hex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ')
      compact.push_back(c);
  }
  auto bytes = from_hex(compact);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes.value_or(Bytes{});
}

inline ElFrame decoded(const LanSend& send) {
  auto frame = decode_frame(send.payload);
  EXPECT_TRUE(frame.has_value()) << to_hex(send.payload);
  return frame.value_or(ElFrame{});
}

inline LanOptions with_objects(std::vector<LanObjectKind> kinds) {
  LanOptions options;
  options.objects = std::move(kinds);
  options.start_hour = 12.0;
  return options;
}

// Drives a LanNode with a fake clock.
class Harness {
 public:
  explicit Harness(const LanOptions& options) : now_(kStart), node_(options, kStart) {
    startup_ = node_.take_sends(now_);
  }

  // Sends one datagram and returns everything that goes out within `within`.
  std::vector<LanSend> request(std::string_view frame_hex, milliseconds within = milliseconds(0),
                               bool multicast = false) {
    node_.receive(LanDatagram{kPeer, hex(frame_hex), multicast}, now_);
    return advance(within);
  }

  std::vector<LanSend> advance(milliseconds by) {
    std::vector<LanSend> out;
    const TimePoint until = now_ + by;
    // Step in small slices, as the shell would when woken by next_wakeup().
    while (true) {
      auto sends = node_.take_sends(now_);
      out.insert(out.end(), sends.begin(), sends.end());
      if (now_ >= until)
        break;
      now_ = std::min(until, now_ + milliseconds(10));
    }
    return out;
  }

  LanNode& node() { return node_; }
  TimePoint now() const { return now_; }
  const std::vector<LanSend>& startup() const { return startup_; }

  static constexpr const char* kPeer = "192.0.2.10:3610";
  static inline const TimePoint kStart = TimePoint{} + std::chrono::hours(100);

 private:
  TimePoint now_;
  LanNode node_;
  std::vector<LanSend> startup_;
};

}  // namespace hems::sim::test
