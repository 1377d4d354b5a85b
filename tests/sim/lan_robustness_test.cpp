// Random and damaged datagrams never crash the LAN node, and whatever it sends is well-formed.
#include <gtest/gtest.h>

#include <random>

#include "hems/sim/lan_node.hpp"

namespace hems::sim {
namespace {

bool well_formed(const Bytes& payload) {
  return decode_frame(payload).has_value() || decode_lan_setget(payload).has_value();
}

TEST(LanRobustness, RandomAndMutatedDatagramsAreHandledSafely) {
  LanOptions options;
  options.objects = {LanObjectKind::aircon, LanObjectKind::battery, LanObjectKind::maker_specific,
                     LanObjectKind::light};
  options.start_hour = 12.0;
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  LanNode node(options, now);
  std::mt19937 rng(20260520);
  auto byte = [&] { return static_cast<std::uint8_t>(rng() & 0xFF); };
  const std::vector<Bytes> seeds{
      *from_hex("1081000105FF010EF0016201D600"),
      *from_hex("1081000205FF010130016103B30118B00143F50201FF"),
      *from_hex("1081000305FF010F00016203F000F100FF00"),
      *from_hex("1081000405FF01027D016E01DA014201E400"),
      *from_hex("1081000505FF01029000600180013163"),
  };
  std::size_t answered = 0;
  for (int round = 0; round < 5000; ++round) {
    Bytes datagram;
    if (round % 3 == 0) {
      datagram.resize(rng() % 40);
      for (auto& b : datagram)
        b = byte();
    } else {
      datagram = seeds[rng() % seeds.size()];
      const unsigned edits = 1 + rng() % 4;
      for (unsigned e = 0; e < edits && !datagram.empty(); ++e) {
        switch (rng() % 3) {
          case 0:
            datagram[rng() % datagram.size()] = byte();
            break;
          case 1:
            datagram.resize(rng() % (datagram.size() + 1));
            break;
          default:
            datagram.push_back(byte());
            break;
        }
      }
    }
    node.receive(LanDatagram{"203.0.113.9:3610", datagram, round % 2 == 0}, now);
    now += std::chrono::milliseconds(50);
    for (const auto& send : node.take_sends(now)) {
      ASSERT_TRUE(well_formed(send.payload))
          << to_hex(send.payload) << " after " << to_hex(datagram);
      ++answered;
    }
    node.take_log();
  }
  EXPECT_GT(answered, 100u) << "mutations of valid requests are partly answered";
}

}  // namespace
}  // namespace hems::sim
