// Fuzzes the LAN side: hostile datagrams from several addresses (among them the two simulated
// appliances' own) reach the ECHONET Lite controller of a bridge that already knows those
// appliances, interleaved with answers to what it asked and with the passing of time.
//
// Each step of the input is one operation (the low two bits of its first byte):
//   0  a datagram from address[b] with the next n bytes as its payload;
//   1  an answer to the last frame the link sent: its TID and objects swapped, a service code from
//      the input and the next n bytes as OPC and properties (so identification can be reached);
//   2  time passes, (b + 1) x 50 ms, with the simulated appliances answering as they do;
//   3  the same as 0 from an IPv6 address.
// After every step the published state must be whole: bounded, every device's state serialises
// (valid UTF-8 and all), every event names a known device, every datagram the link sends decodes.
// At the end time passes and the link must still be discovering.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_input.hpp"
#include "hems/echonet/frame.hpp"
#include "lan_world.hpp"

namespace {

using hems::Bytes;
using hems::fuzz::fail;
using hems::fuzz::FuzzInput;
using hems::fuzz::LanWorld;
namespace lan_link = hems::app::lan_link;

constexpr std::array<const char*, 6> kV4 = {
    LanWorld::kAirconAddress, LanWorld::kBatteryAddress, "192.0.2.66", "192.0.2.67", "224.0.23.0",
    LanWorld::kBridgeAddress};
constexpr std::array<const char*, 4> kV6 = {"fe80::66", "FE80::66", "fe80::1234:5678", "ff02::1"};
// Far more than two appliances and what six hostile addresses can make up, but finite: a node
// must not be able to make the controller hold ever more devices.
constexpr std::size_t kMaxDevices = 10 * 255;
constexpr std::size_t kMaxStateBytes = 256 * 1024;

const LanWorld& settled_world() {
  static const LanWorld world = LanWorld::settled();
  return world;
}

void check(LanWorld& world) {
  const auto& devices = world.link.devices();
  if (devices.size() > kMaxDevices)
    fail("too many devices: " + std::to_string(devices.size()));
  for (const auto& [id, device] : devices) {
    if (id != device.info.id)
      fail("device filed under another id: " + id);
    const std::string state = device.state.dump();  // throws on a half-decoded string
    if (state.size() > kMaxStateBytes)
      fail("state of " + id + " is " + std::to_string(state.size()) + " bytes");
  }
  for (const auto& event : world.events) {
    const std::string* id = nullptr;
    if (auto* found = std::get_if<lan_link::DeviceFound>(&event))
      id = &found->id;
    else if (auto* changed = std::get_if<lan_link::StateChanged>(&event))
      id = &changed->id;
    else if (auto* availability = std::get_if<lan_link::AvailabilityChanged>(&event))
      id = &availability->id;
    if (id && !devices.contains(*id))
      fail("event for unknown device " + *id);
    if (auto* answered = std::get_if<lan_link::Answered>(&event))
      (void)answered->data.dump();
  }
  world.events.clear();
  for (const auto& datagram : world.sent) {
    if (!hems::echonet::decode(datagram.payload))
      fail("the link sent a frame it cannot decode");
  }
}

// An answer to `request`: same TID, objects swapped, the given ESV, `body` from OPC on.
Bytes answer_to(const hems::echonet::Frame& request, std::uint8_t esv, hems::ByteView body) {
  Bytes out{0x10, 0x81, static_cast<std::uint8_t>(request.tid >> 8),
            static_cast<std::uint8_t>(request.tid & 0xFF)};
  const auto seoj = request.deoj;
  const auto deoj = request.seoj;
  out.insert(out.end(), {seoj.group, seoj.cls, seoj.instance == 0 ? std::uint8_t{1} : seoj.instance,
                         deoj.group, deoj.cls, deoj.instance, esv});
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

constexpr std::array<std::uint8_t, 8> kAnswerEsvs = {0x72, 0x52, 0x71, 0x51,
                                                     0x7A, 0x73, 0x7E, 0x50};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  LanWorld world = settled_world();
  FuzzInput in(data, size);
  for (int step = 0; step < 256 && !in.empty(); ++step) {
    const std::uint8_t op = in.byte();
    const std::uint8_t arg = in.byte();
    switch (op & 0x03U) {
      case 0:
      case 3: {
        const std::string from = (op & 0x03U) == 0 ? kV4[arg % kV4.size()] : kV6[arg % kV6.size()];
        const auto payload = in.take(in.byte());
        world.link.on_datagram(from, payload, world.now);
        world.exchange();
        break;
      }
      case 1: {
        const auto length = in.byte();
        const std::uint8_t esv = kAnswerEsvs[(op >> 2) % kAnswerEsvs.size()];
        if (world.sent.empty())
          break;
        const auto last = world.sent.back();
        auto request = hems::echonet::decode(last.payload);
        if (!request)
          fail("the link sent a frame it cannot decode");
        const std::string from = last.multicast ? kV4[arg % kV4.size()] : last.to;
        world.link.on_datagram(from, answer_to(*request, esv, in.take(length)), world.now);
        world.exchange();
        break;
      }
      case 2:
        world.advance(hems::milliseconds((arg + 1) * 50));
        break;
    }
    check(world);
    // Only the newest few sends matter for answers; keep the copy small.
    if (world.sent.size() > 64)
      world.sent.erase(world.sent.begin(), world.sent.end() - 8);
  }
  // Whatever happened, the controller goes on: it still has a deadline, and within a discovery
  // interval it sends something.
  world.sent.clear();
  for (int minute = 0; minute < 6 && world.sent.empty(); ++minute)
    world.advance(hems::seconds(60));
  check(world);
  if (!world.link.next_deadline())
    fail("the link has no deadline left");
  if (world.sent.empty())
    fail("the link sent nothing for six minutes");
  return 0;
}
