#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/time.hpp"
#include "hems/sim/el_frame.hpp"
#include "hems/sim/lan_catalog.hpp"
#include "hems/sim/lan_copies.hpp"
#include "hems/sim/lan_model.hpp"
#include "hems/sim/lan_object.hpp"
#include "hems/sim/lan_options.hpp"
#include "hems/sim/lan_setget.hpp"

namespace hems::sim {

// A datagram the shell received on UDP 3610. `peer` is the sender as the shell names it (the
// core only hands it back); `multicast` is true when it was addressed to a multicast group.
struct LanDatagram {
  std::string peer;
  Bytes payload;
  bool multicast = false;
};

// A datagram to send: to `to`, or to the multicast groups when `to` is empty.
struct LanSend {
  std::string to;
  Bytes payload;
  friend bool operator==(const LanSend&, const LanSend&) = default;
};

// The simulated ECHONET Lite node: a node profile and the device objects from the options.
// Sans-I/O: the shell passes in datagrams, stdin lines and the time, and takes out the
// datagrams that are due, with log lines. Protocol delays (--slow, --late-join, the random
// delay before answering multicast) are in real time; --speed only makes values move faster.
// While vanished (stdin `vanish`) the node is off the network: it hears nothing and sends
// nothing, answers due included, but its values go on moving.
class LanNode {
 public:
  LanNode(const LanOptions& options, TimePoint start);

  void receive(const LanDatagram& datagram, TimePoint now);
  // One stdin line: "set EOJ EPC HEX", "announce", "vanish", "return", "quit".
  void console(std::string_view line, TimePoint now);
  // Moves the values along and releases what is due.
  void tick(TimePoint now);

  // Datagrams due by `now`, in order.
  std::vector<LanSend> take_sends(TimePoint now);
  std::optional<TimePoint> next_wakeup() const;
  std::vector<std::string> take_log();
  bool quit_requested() const { return quit_; }
  bool vanished() const { return vanished_; }

  const LanObject& node_profile() const { return profile_; }
  std::span<const LanObject> devices() const { return devices_; }
  const LanObject* find_object(std::uint32_t eoj) const;

 private:
  // lan_node_services.cpp: one request to one object → the reply (if any).
  std::optional<ElFrame> serve(LanObject& target, const ElFrame& request,
                               std::vector<std::uint8_t>& changed);
  std::optional<ElFrame> serve_get(const LanObject& target, const ElFrame& request,
                                   std::uint8_t ok_esv, std::uint8_t sna_esv) const;
  std::optional<ElFrame> serve_set(LanObject& target, const ElFrame& request, bool reply_wanted,
                                   std::vector<std::uint8_t>& changed);
  LanSetGetFrame serve_setget(LanObject& target, const LanSetGetFrame& request,
                              std::vector<std::uint8_t>& changed);

  // lan_node.cpp
  // The common gate for requests: late join, --drop-copies, --lossy, the target objects and
  // when to answer.
  struct Admitted {
    std::vector<LanObject*> objects;
    TimePoint due;
  };
  std::optional<Admitted> admit(const LanDatagram& datagram, std::uint32_t deoj, TimePoint now);
  void receive_setget(const LanDatagram& datagram, TimePoint now);
  void after_set(const LanObject& object, const std::vector<std::uint8_t>& changed, TimePoint due);
  std::vector<LanObject*> targets(std::uint32_t deoj);
  LanObject* find_mutable(std::uint32_t eoj);
  LanModelState* model_state(std::uint32_t eoj);
  void schedule(TimePoint due, LanSend send);
  void announce_instances(TimePoint due);
  void announce_changes(const LanObject& object, const std::vector<std::uint8_t>& epcs,
                        TimePoint due);
  void step_model(TimePoint now);
  bool silent(TimePoint now) const { return now < silent_until_; }
  void log(std::string text);

  LanOptions options_;
  LanIdentity identity_;
  TimePoint start_;
  TimePoint silent_until_;
  std::vector<LanObject> devices_;
  LanObject profile_;
  std::vector<LanModelState> model_;  // parallel to devices_
  TimePoint last_model_step_;
  double sim_elapsed_s_ = 0;
  std::mt19937_64 rng_;
  LanCopyFilter copies_;
  bool vanished_ = false;
  std::uint16_t next_tid_ = 0;
  std::multimap<TimePoint, LanSend> pending_;
  std::vector<std::string> log_;
  bool quit_ = false;
};

// One-line description of a frame for the log: "Get 05FF01>0EF001 tid=0001 D6".
std::string describe_lan_frame(ByteView payload);

}  // namespace hems::sim
