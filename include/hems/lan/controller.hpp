#pragma once

// The ECHONET Lite controller for appliances on the LAN: discovery, per-node request queues,
// identification, property maps, polling, notifications and user requests. Sans-I/O: datagrams
// and the time go in, actions come out; the owner sends the datagrams and publishes the rest.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/splitmix64.hpp"
#include "hems/common/time.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/lan/round_trip.hpp"

namespace hems::lan {

inline constexpr const char* kMulticastV4 = "224.0.23.0";
inline constexpr const char* kMulticastV6 = "ff02::1";
inline constexpr std::uint16_t kPort = 3610;

struct ControllerConfig {
  // The first wait for an answer, before the node's round trip is measured; from then on the
  // wait follows the measured round trip (round_trip.hpp). Each retry waits twice as long.
  Duration timeout{1000};
  int retries = 3;                  // sends after the first one, same TID
  double jitter = 0.2;              // each wait is lengthened by a random share of up to this much
  std::uint64_t seed = 1;           // seeds the jitter, so a run can be replayed
  Duration request_lifetime{8000};  // a request is given up this long after its first send
  std::size_t max_in_flight = 4;    // Gets in flight to one node at once, once it has coped
  Duration poll_interval{60000};
  Duration discovery_interval{300000};
  int startup_discoveries = 3;               // discovery rounds right after start ...
  Duration startup_spacing{2000};            // ... this far apart, before the periodic ones
  bool ipv4 = true, ipv6 = true;             // multicast discovery on 224.0.23.0 / ff02::1
  std::vector<std::string> hosts;            // nodes probed by unicast as well
  std::map<std::string, std::string> names;  // "<uid or address>/<0xEOJ>" -> friendly id
                                             //  (device_id.hpp: the keys accepted)
  int failures_before_offline = 1;           // poll rounds that got no answer at all
  std::size_t max_epcs_per_frame = 8;        // a poll of more EPCs is sent as several frames
};

struct DeviceInfo {
  std::string id;           // in topics: the configured name, else hardware_id
  std::string hardware_id;  // from the identity alone, never a name; unique among the devices
  std::string address;
  echonet::Eoj eoj;
  Bytes node_id;  // the node profile's 0x83 identification number; empty when unavailable
  std::optional<std::uint32_t> manufacturer;            // 0x8A
  std::vector<std::uint8_t> get_map, set_map, inf_map;  // 0x9F, 0x9E, 0x9D
  // 0x81 as read with the maps: one byte, or 17 (0x01 and a position); empty when not answered.
  Bytes installation_location;
};

// Actions for the owner, in order.
struct SendDatagram {
  std::string to;  // an address; multicast for discovery
  bool multicast = false;
  Bytes payload;
};
struct DeviceFound {  // a new device, or a known one at a new address (same id)
  DeviceInfo device;
};
struct PropertiesUpdated {  // values read by a poll or a get, or notified by the device
  std::string device_id;
  std::vector<echonet::Property> properties;
};
struct AvailabilityChanged {
  std::string device_id;
  bool online = false;
};
enum class PropertyOutcome { accepted, rejected, timeout };
struct RequestDone {  // the answer to get(), set() or raw(), under the caller's request id
  std::string request_id;
  std::string device_id;  // empty for a raw request to an address with no known device
  std::uint8_t esv = 0;   // the answer's service code (an SNA if any frame got one); 0: none
  // get: the value read (accepted) or the requested EPC with no EDT; set: the requested value;
  // raw: the properties exactly as answered.
  std::vector<std::pair<echonet::Property, PropertyOutcome>> results;
};
struct DiscoverySettled {  // once: the startup rounds are over and every node found is interrogated
};
struct LanLog {
  LogLevel level = LogLevel::debug;
  std::string text;
};
using Action = std::variant<SendDatagram, DeviceFound, PropertiesUpdated, AvailabilityChanged,
                            RequestDone, DiscoverySettled, LanLog>;

std::string to_string(PropertyOutcome outcome);  // "accepted", "rejected", "timeout"

class Controller {
 public:
  explicit Controller(ControllerConfig config);

  // Multicast discovery (Get 0xD6, 0x83, 0x8A to 0x0EF001) plus unicast to every host, repeated
  // a few times and then every discovery_interval; and our own instance list (INF 0xD5) to the
  // groups once, since the bridge is a node too (a node profile and a controller object that
  // answer Get and INF_REQ from other controllers).
  void start(TimePoint now);
  void on_datagram(const std::string& from, ByteView payload, TimePoint now);
  void on_timer(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  // Reads EPCs of a known device (none: every readable one). Answered by RequestDone.
  void get(std::string request_id, const std::string& device_id, std::vector<std::uint8_t> epcs,
           TimePoint now);
  // Writes with SetC (need_reply) or SetI. A SetI is reported accepted unless a SetI_SNA comes
  // back within the timeout.
  void set(std::string request_id, const std::string& device_id,
           std::vector<echonet::Property> props, bool need_reply, TimePoint now);
  // Sends `frame` (its TID replaced) to any address, known node or not.
  void raw(std::string request_id, const std::string& address, echonet::Frame frame, TimePoint now);

  std::vector<Action> take_actions();
  const std::map<std::string, DeviceInfo>& devices() const { return devices_; }

 private:
  // probe: asks a node for its 0x83 again, to tell whether another address with the same number is
  // the same device moved (no answer) or a second device (the same answer).
  enum class Purpose { identify, maps, poll, user_get, user_set, raw, probe };
  struct Request {
    Purpose purpose = Purpose::poll;
    echonet::Frame frame;  // TID assigned when first sent
    int sends = 0;
    TimePoint first_sent{}, last_sent{};
    TimePoint deadline{};
    std::optional<std::uint64_t> operation;    // user get/set/raw
    std::optional<std::uint64_t> split_group;  // a single-EPC part of a split Get
  };
  struct Operation {
    std::string request_id, device_id;
    std::uint8_t esv = 0;
    bool raw = false;
    int pending = 0;  // frames not finished yet
    std::vector<std::pair<echonet::Property, PropertyOutcome>> results;
  };
  struct SplitGroup {
    int pending = 0;
    bool answered = false;
  };
  struct ObjectState {
    DeviceInfo info;
    bool announced = false;
    bool online = false;
    int failures = 0;
    int outstanding = 0;         // maps or poll frames queued or in flight
    bool maps_answered = false;  // some maps frame of this round got an answer
    bool poll_answered = false;  // some poll frame of this round got an answer
    bool poll_failed = false;    // some poll frame of this round used up its retries
    TimePoint next_due{};
    TimePoint round_started{};  // for the debug line on the round's timing
    int round_frames = 0, round_retries = 0;
  };
  struct Node {
    std::string address;
    bool discovered = false;       // found by discovery or an instance list (not only a raw target)
    bool identified = false;       // identification finished: objects exist
    bool retired = false;          // its device moved to another address; erased at the next pump
    int identify_outstanding = 0;  // node-profile Get frames queued or in flight
    bool single_epc = false;       // answers only one EPC per Get
    bool split_futile = false;     // the last split got no answer at all; cleared by any answer
    bool multi_epc_answered = false;       // a device object answered a Get of several EPCs
    std::optional<TimePoint> last_heard;   // any datagram from this address
    std::optional<TimePoint> last_answer;  // the last answer to one of our requests
    std::vector<std::uint8_t> asked;       // node-profile EPCs already asked for
    Bytes node_id;
    std::optional<std::uint32_t> manufacturer;
    std::vector<echonet::Eoj> instances;
    std::map<echonet::Eoj, ObjectState> objects;
    // Another identified node with the same 0x83, probed before this one's objects are made.
    std::optional<std::string> held_by;
    std::vector<std::string> live_twins;  // nodes that answered that probe: distinct devices
    // Requests are taken from the first non-empty queue: user requests, then polls of known
    // devices, then interrogation of new objects (which may not answer). Up to `window` Gets
    // are in flight at once; a write goes alone, so it lands between what was asked before and
    // after it.
    std::deque<Request> urgent, polls, interrogation;
    std::vector<Request> in_flight;
    // Gets in flight at once: one more with each answer up to `ceiling`, halved (and the ceiling
    // with it) when a request goes unanswered while the node answers others; the ceiling creeps
    // back up by one after 4 x ceiling answers.
    std::size_t window = 1;
    std::size_t ceiling = 1;  // max_in_flight for a new node (node_for)
    int answers_at_ceiling = 0;
    RoundTrip round_trip;
  };

  // our own node: answers to other controllers, and what we multicast
  void on_request(const std::string& from, const echonet::Frame& frame);
  void send_multicast(const char* group, const Bytes& payload);
  bool is_own_multicast(ByteView payload) const;

  // discovery
  void discovery_round(TimePoint now);
  std::optional<TimePoint> discovery_sent_at(std::uint16_t tid) const;
  void on_discovery_answer(const std::string& from, const echonet::Frame& frame, TimePoint now);
  void on_notification(const std::string& from, const echonet::Frame& frame, TimePoint now);

  // identification
  Node& node_for(const std::string& address);
  void apply_node_profile(Node& node, const std::vector<echonet::Property>& props);
  void advance_identity(Node& node, TimePoint now);
  void resolve_identity(Node& node, TimePoint now);
  void probe_answered(const std::string& address, bool same_identity, TimePoint now);
  void take_over(Node& node, Node& previous, TimePoint now);
  void adopt(Node& node, Node& previous);
  void release_held_by(const std::string& address, TimePoint now);
  bool is_quiet(const Node& node) const;
  void create_objects(Node& node, TimePoint now);
  std::string device_id_for(const Node& node, echonet::Eoj eoj) const;
  void announce(Node& node, ObjectState& object, TimePoint now);
  void make_ids_unique(const Node& node, ObjectState& object);
  bool interrogating() const;
  void check_settled(TimePoint now);
  ObjectState* object_for(Node& node, echonet::Eoj eoj);

  // queue
  void pump(TimePoint now);
  void schedule_object(Node& node, ObjectState& object, TimePoint now);
  int enqueue_gets(Node& node, Purpose purpose, echonet::Eoj eoj,
                   const std::vector<std::uint8_t>& epcs, std::optional<std::uint64_t> operation,
                   std::deque<Request>& queue);
  void fill(Node& node, TimePoint now);
  void send(Node& node, Request& request, TimePoint now);
  Duration wait_for_try(const Node& node, int sends);
  bool gives_up(const Request& request, TimePoint now) const;
  void expire(Node& node, TimePoint now);
  bool may_split(const Node& node, const Request& request) const;
  void note_answer(Node& node, const Request& request, TimePoint now);
  void narrow_window(Node& node, std::uint16_t keep_tid);
  void grow_window(Node& node);
  void heard_from(Node& node, TimePoint now);
  static bool heard_since(const Node& node, TimePoint when);
  void give_up_poll_round(Node& node, TimePoint now);
  void split(Node& node, Request request);
  std::deque<Request>& queue_for(Node& node, Purpose purpose);
  void complete(Node& node, Request request, const echonet::Frame& reply, TimePoint now);
  void fail(Node& node, Request request, TimePoint now);
  void handle_failure(Node& node, const Request& request, TimePoint now);
  void leave_group(const Request& request, bool answered);
  void maps_round_done(Node& node, ObjectState& object, TimePoint now);
  void poll_round_done(Node& node, ObjectState& object, TimePoint now);
  std::vector<std::uint8_t> poll_epcs(const ObjectState& object) const;
  bool locate(const std::string& device_id, Node*& node, ObjectState*& object);
  void reject_at_once(std::string request_id, std::string device_id,
                      std::vector<echonet::Property> props);
  void finish_part(std::uint64_t operation, bool force = false);
  void mark_alive(ObjectState& object);

  void log(LogLevel level, std::string text);
  std::uint16_t next_tid();

  ControllerConfig config_;
  std::map<std::string, Node> nodes_;  // by address
  std::map<std::string, DeviceInfo> devices_;
  std::map<std::uint64_t, Operation> operations_;
  std::map<std::uint64_t, SplitGroup> split_groups_;
  std::uint64_t next_operation_ = 1, next_split_group_ = 1;
  std::deque<std::pair<std::uint16_t, TimePoint>> discovery_rounds_;  // TID, when sent
  std::deque<Bytes> own_multicasts_;  // the last few, to know them if they come back to us
  std::optional<TimePoint> next_discovery_;
  int startup_rounds_left_ = 0;
  std::optional<TimePoint> settle_at_;  // after the last startup round, answers included
  bool settle_due_ = false;             // settle_at_ has passed: checked at every pump
  bool settled_ = false;
  std::uint16_t tid_ = 0;
  SplitMix64 rng_;            // the jitter of retry waits
  RetryBounds retry_bounds_;  // from the config: timeout, floor, ceiling
  std::vector<Action> actions_;
};

}  // namespace hems::lan
