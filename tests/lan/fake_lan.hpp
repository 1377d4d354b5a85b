#pragma once

// A hand-written fake LAN for the controller tests: ECHONET Lite nodes that answer what the
// controller sends (with delays, silence, partial answers, single-EPC-only behaviour), a fake
// clock, and a record of every action the controller produced.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "hems/echonet/frame.hpp"
#include "hems/echonet/property_map.hpp"
#include "hems/lan/controller.hpp"

namespace hems::lan::testing {

inline TimePoint t0() {
  return TimePoint{} + std::chrono::hours(1);
}

struct FakeObject {
  echonet::Eoj eoj;
  std::map<std::uint8_t, Bytes> values;
  std::vector<std::uint8_t> set_map;
  std::set<std::uint8_t> refuse;  // Get answered with PDC 0, Set refused
};

struct FakeNode {
  std::string address;
  Bytes node_id;  // empty: 0x83 not supported
  std::vector<FakeObject> objects;
  bool answers_multicast = true;
  bool mute = false;             // answers nothing at all
  bool single_epc_only = false;  // device objects ignore Gets of several EPCs
  Duration delay{10};
  int drop_copies = 0;         // unicast requests: the first copies of each TID are lost
  bool one_at_a_time = false;  // a request arriving while one is handled is ignored
  std::vector<echonet::Frame> received;
  std::map<std::uint16_t, int> copies_seen;
  TimePoint busy_until{};

  FakeObject* object(echonet::Eoj eoj) {
    for (auto& o : objects) {
      if (o.eoj == eoj)
        return &o;
    }
    return nullptr;
  }

  Bytes instance_list() const {
    Bytes edt{static_cast<std::uint8_t>(objects.size())};
    for (const auto& o : objects) {
      edt.push_back(o.eoj.group);
      edt.push_back(o.eoj.cls);
      edt.push_back(o.eoj.instance);
    }
    return edt;
  }

  std::map<std::uint8_t, Bytes> profile_values() const {
    std::map<std::uint8_t, Bytes> values{
        {0x80, {0x30}}, {0x8A, {0x00, 0x00, 0x06}}, {0xD6, instance_list()}};
    if (!node_id.empty())
      values[0x83] = node_id;
    return values;
  }

  // The answer to `request`, if this node gives one.
  std::optional<echonet::Frame> handle(const echonet::Frame& request) {
    received.push_back(request);
    if (mute)
      return std::nullopt;
    echonet::Frame answer;
    answer.tid = request.tid;
    answer.seoj = request.deoj;
    answer.deoj = request.seoj;
    const bool profile = request.deoj.group == 0x0E && request.deoj.cls == 0xF0;
    FakeObject* target = profile ? nullptr : object(request.deoj);
    if (!profile && target == nullptr)
      return std::nullopt;
    std::map<std::uint8_t, Bytes> profile_map = profile_values();
    std::map<std::uint8_t, Bytes>& values = profile ? profile_map : target->values;
    const std::set<std::uint8_t> none;
    const std::set<std::uint8_t>& refuse = profile ? none : target->refuse;
    bool all_ok = true;
    if (request.esv == echonet::esv::get) {
      if (!profile && single_epc_only && request.properties.size() > 1)
        return std::nullopt;
      for (const auto& p : request.properties) {
        auto v = values.find(p.epc);
        if (v == values.end() || refuse.contains(p.epc)) {
          answer.properties.push_back({p.epc, {}});
          all_ok = false;
        } else {
          answer.properties.push_back({p.epc, v->second});
        }
      }
      answer.esv = all_ok ? echonet::esv::get_res : echonet::esv::get_sna;
      return answer;
    }
    if (request.esv == echonet::esv::set_c || request.esv == echonet::esv::set_i) {
      for (const auto& p : request.properties) {
        const bool settable = target != nullptr &&
                              std::find(target->set_map.begin(), target->set_map.end(), p.epc) !=
                                  target->set_map.end() &&
                              !refuse.contains(p.epc);
        if (settable) {
          values[p.epc] = p.edt;
          answer.properties.push_back({p.epc, {}});
        } else {
          answer.properties.push_back(p);
          all_ok = false;
        }
      }
      if (request.esv == echonet::esv::set_i) {
        if (all_ok)
          return std::nullopt;
        answer.esv = echonet::esv::set_i_sna;
        return answer;
      }
      answer.esv = all_ok ? echonet::esv::set_res : echonet::esv::set_c_sna;
      return answer;
    }
    return std::nullopt;
  }
};

// Builds the usual objects.
inline Bytes node_id_bytes(std::uint8_t last) {
  Bytes id{0xFE, 0x00, 0x00, 0x06};
  for (int i = 0; i < 12; ++i)
    id.push_back(static_cast<std::uint8_t>(0x10 + i));
  id.push_back(last);
  return id;
}

inline FakeObject air_conditioner(std::uint8_t instance = 1) {
  FakeObject ac;
  ac.eoj = {0x01, 0x30, instance};
  ac.values = {{0x80, {0x30}}, {0xB0, {0x42}}, {0xB3, {0x1A}}, {0xBB, {0x17}}, {0x8A, {0, 0, 6}}};
  ac.set_map = {0x80, 0xB0, 0xB3};
  ac.values[0x9F] = echonet::encode_property_map({0x80, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB3, 0xBB});
  ac.values[0x9E] = echonet::encode_property_map(ac.set_map);
  ac.values[0x9D] = echonet::encode_property_map({0x80, 0xB0});
  return ac;
}

struct Sent {
  TimePoint at;
  std::string to;
  bool multicast = false;
  echonet::Frame frame;
};

class FakeLan {
 public:
  explicit FakeLan(ControllerConfig config) : controller(std::move(config)) {}

  FakeNode& add(FakeNode node) {
    nodes.push_back(std::move(node));
    return nodes.back();
  }
  FakeNode* node(const std::string& address) {
    for (auto& n : nodes) {
      if (n.address == address)
        return &n;
    }
    return nullptr;
  }

  void start() {
    controller.start(now);
    flush();
  }

  // Feeds a datagram to the controller now.
  void inject(const std::string& from, const Bytes& payload) {
    controller.on_datagram(from, payload, now);
    flush();
  }

  // Moves the clock to `end`, delivering answers and firing timers on the way.
  void run_until(TimePoint end) {
    for (int guard = 0; guard < 100000; ++guard) {
      flush();
      std::optional<TimePoint> next = controller.next_deadline();
      for (const auto& a : in_air) {
        if (!next || a.at < *next)
          next = a.at;
      }
      if (!next || *next > end) {
        now = end;
        return;
      }
      now = std::max(now, *next);
      deliver_due();
      if (auto deadline = controller.next_deadline(); deadline && *deadline <= now)
        controller.on_timer(now);
    }
    ADD_FAILURE() << "fake LAN did not settle";
  }
  void run_for(Duration d) { run_until(now + d); }

  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& a : actions) {
      if (auto* x = std::get_if<T>(&a))
        out.push_back(*x);
    }
    return out;
  }
  std::vector<Sent> sent_to(const std::string& address) const {
    std::vector<Sent> out;
    for (const auto& s : sent) {
      if (s.to == address)
        out.push_back(s);
    }
    return out;
  }
  void clear() {
    actions.clear();
    sent.clear();
  }
  std::string id_of(const std::string& address) const {
    for (const auto& [id, info] : controller.devices()) {
      if (info.address == address)
        return id;
    }
    return "";
  }

  Controller controller;
  TimePoint now = t0();
  std::vector<FakeNode> nodes;
  std::vector<Action> actions;
  std::vector<Sent> sent;

 private:
  struct InAir {
    TimePoint at;
    std::string from;
    Bytes payload;
  };

  void flush() {
    for (Action& action : controller.take_actions()) {
      if (auto* send = std::get_if<SendDatagram>(&action)) {
        auto frame = echonet::decode(send->payload);
        EXPECT_TRUE(frame.has_value()) << "controller sent an undecodable datagram";
        if (frame) {
          sent.push_back(Sent{now, send->to, send->multicast, *frame});
          dispatch(*send, *frame);
        }
      }
      actions.push_back(std::move(action));
    }
  }

  void dispatch(const SendDatagram& send, const echonet::Frame& frame) {
    for (auto& n : nodes) {
      const bool reaches = send.multicast ? n.answers_multicast : n.address == send.to;
      if (!reaches)
        continue;
      if (!send.multicast && n.drop_copies > 0 && ++n.copies_seen[frame.tid] <= n.drop_copies)
        continue;
      if (n.one_at_a_time) {
        if (now < n.busy_until) {
          n.received.push_back(frame);
          continue;
        }
        n.busy_until = now + n.delay;
      }
      if (auto answer = n.handle(frame))
        in_air.push_back(InAir{now + n.delay, n.address, echonet::encode(*answer)});
    }
  }

  void deliver_due() {
    for (;;) {
      auto due = std::find_if(in_air.begin(), in_air.end(),
                              [this](const InAir& a) { return a.at <= now; });
      if (due == in_air.end())
        return;
      InAir a = std::move(*due);
      in_air.erase(due);
      controller.on_datagram(a.from, a.payload, now);
      flush();
    }
  }

  std::vector<InAir> in_air;
};

}  // namespace hems::lan::testing

namespace hems::lan::testing {

inline ControllerConfig test_config() {
  ControllerConfig config;
  config.timeout = Duration{1000};
  config.retries = 2;
  config.jitter = 0.0;
  config.poll_interval = Duration{60000};
  config.discovery_interval = Duration{300000};
  return config;
}

inline FakeNode ac_node(std::string address, std::uint8_t id_byte) {
  FakeNode node;
  node.address = std::move(address);
  node.node_id = node_id_bytes(id_byte);
  node.objects = {air_conditioner(1)};
  return node;
}

// A copy, not a pointer: the list is usually a temporary (FakeLan::all() builds it), and a pointer
// into it would dangle by the next statement.
inline std::optional<RequestDone> done_with_id(const std::vector<RequestDone>& all,
                                               const std::string& id) {
  for (const auto& d : all) {
    if (d.request_id == id)
      return d;
  }
  return std::nullopt;
}

}  // namespace hems::lan::testing
