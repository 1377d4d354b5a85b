// Fuzzes the B-route session (wisun::Session) with random sequences of events: lines from the
// dongle (well-formed ones from a table, or raw bytes), time passing, the transport opening or
// failing, frames queued and the meter layer's verdicts.
//
// Byte 0 picks the configuration (dialect, a cached PAN). Then each step is an operation (the low
// three bits of its first byte) and an argument byte:
//   0  a line from kLines;          1  up to `arg` raw bytes;
//   2  time passes, arg x 250 ms;   3  the next deadline passes;
//   4  the transport opens;         5  the transport fails;
//   6  a frame is queued;           7  the meter answers (arg even) or stays silent (odd).
// Invariants: no secret in any log text, no state change docs/session-states.md does not draw, a
// bounded number of actions per event (beyond those the bytes fed so far pay for), and no spinning
// (a deadline already passed right after on_timer). At the end the dongle goes silent and time
// passes, with the meter layer reporting the silence: the session must keep writing commands (a
// stuck session would wait forever).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_input.hpp"
#include "hems/wisun/session.hpp"

namespace {

using namespace hems::wisun;
using hems::Bytes;
using hems::ByteView;
using hems::Duration;
using hems::TimePoint;
using hems::fuzz::fail;
using hems::fuzz::FuzzInput;

constexpr std::string_view kRouteBId = "0123456789ABCDEF0123456789ABCDEF";
constexpr std::string_view kPassword = "SECRETPASS12";
constexpr std::size_t kMaxActionsPerEvent = 200;
// The parser holds lines back behind a length-framed header (an ERXUDP payload or a SKSENDTO
// echo: up to 0x04D0 bytes, twice that in hex) and lets them all out in one go when the payload
// proves false. Lines can be three bytes ("OK\r"), and one line can cost a few actions (the
// received line logged, the next command written and logged, a state change), so one event may
// carry hundreds of actions that the bytes fed before it paid for. Each byte fed buys this many
// actions above kMaxActionsPerEvent; an event that goes over spends them.
constexpr std::size_t kActionsPerFedByte = 2;

#define DONGLE "FE80:0000:0000:0000:021D:1290:1234:5678"
#define METER "FE80:0000:0000:0000:1034:5678:ABCD:EF01"
#define METER_MAC "12345678ABCDEF01"

// What a dongle says, one complete line (or record) each.
constexpr std::array<std::string_view, 40> kLines = {
    "OK\r\n",
    "OK 01\r\n",
    "OK 00\r\n",
    "FAIL ER04\r\n",
    "FAIL ER05\r\n",
    "FAIL ER06\r\n",
    "FAIL ER09\r\n",
    "FAIL ER10\r\n",
    "EVER 1.2.10\r\n",
    "EAPPVER rev26e\r\n",
    "EINFO " DONGLE " 001D129012345678 21 8888 FFFE\r\n",
    "EINFO FE80:0000:0000:0000:021D:1291:0004:FFFF 001D12910004FFFF 39 9E08 0\r\n",
    "EVENT 20 " DONGLE "\r\n",
    "EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:" METER_MAC
    "\r\n  LQI:E1\r\n  PairID:AABBCCDD\r\n",
    "EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:" METER_MAC
    "\r\n  LQI:E1\r\n  Side:0\r\n  PairID:AABBCCDD\r\n",
    "EVENT 22 " DONGLE "\r\n",
    "EVENT 22 " DONGLE " 0\r\n",
    METER "\r\n",
    "EVENT 21 " METER " 02\r\n",
    "EVENT 21 " METER " 00\r\n",
    "EVENT 21 " METER " 01\r\n",
    "EVENT 21 " METER " 0 00\r\n",
    "EVENT 02 " METER "\r\n",
    "EVENT 24 " METER "\r\n",
    "EVENT 25 " METER "\r\n",
    "EVENT 25 " METER " 0\r\n",
    "EVENT 26 " METER "\r\n",
    "EVENT 27 " METER "\r\n",
    "EVENT 28 " METER "\r\n",
    "EVENT 29 " METER "\r\n",
    "EVENT 32 " METER "\r\n",
    "EVENT 33 " METER "\r\n",
    "ERXUDP " METER " " DONGLE " 02CC 02CC " METER_MAC " 0 0004 00000058\r\n",
    "ERXUDP " METER " " DONGLE " 0E1A 0E1A " METER_MAC
    " 1 0012 1081000102880105FF017201E70400000278\r\n",
    "ERXUDP " METER " " DONGLE " 0E1A 0E1A " METER_MAC
    " 1 0 0012 1081000102880105FF017201E70400000278\r\n",
    "SKSREG SFE 0\r\n",
    "EVENT 01 " DONGLE "\r\n",
    "EVENT 1F " DONGLE "\r\n",
    "ESREG 0\r\n",
    "\r\n",
};

const Bytes kGetE7{0x10, 0x81, 0x00, 0x01, 0x05, 0xFF, 0x01,
                   0x02, 0x88, 0x01, 0x62, 0x01, 0xE7, 0x00};

// HEMS_FUZZ_VERBOSE=1 when replaying: the commands and states on stderr.
bool verbose() {
  static const bool on = std::getenv("HEMS_FUZZ_VERBOSE") != nullptr;
  return on;
}

bool contains_secret(std::string_view text) {
  return text.find(kRouteBId) != std::string_view::npos ||
         text.find(kPassword) != std::string_view::npos;
}

struct Driver {
  explicit Driver(SessionConfig config) : session(std::move(config)) {}

  Session session;
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  bool open_asked = false;
  std::size_t writes = 0;
  std::size_t action_budget = 0;  // actions above kMaxActionsPerEvent that fed bytes paid for

  void collect() {
    auto actions = session.take_actions();
    if (actions.size() > kMaxActionsPerEvent) {
      const std::size_t over = actions.size() - kMaxActionsPerEvent;
      if (over > action_budget) {
        fail(std::to_string(actions.size()) + " actions for one event, more than " +
             std::to_string(kMaxActionsPerEvent + action_budget) + " allowed");
      }
      action_budget -= over;
    }
    for (const auto& action : actions) {
      if (auto* w = std::get_if<WriteBytes>(&action)) {
        ++writes;
        if (verbose())
          std::fprintf(stderr, "> %s\n", w->log_text.c_str());
        if (contains_secret(w->log_text))
          fail("a secret in a write's log text: " + w->log_text);
      } else if (auto* l = std::get_if<LogMessage>(&action)) {
        if (contains_secret(l->text))
          fail("a secret in the log: " + l->text);
        if (l->text.find("undeclared state change") != std::string::npos)
          fail(l->text);
      } else if (auto* e = std::get_if<LinkEvent>(&action)) {
        if (contains_secret(e->detail))
          fail("a secret in an event: " + e->detail);
      } else if (auto* s = std::get_if<StateChanged>(&action)) {
        if (verbose())
          std::fprintf(stderr, "= %s %s\n", std::string(to_string(s->state)).c_str(),
                       s->detail.c_str());
        if (contains_secret(s->detail))
          fail("a secret in a state: " + s->detail);
      } else if (std::holds_alternative<OpenTransport>(action)) {
        open_asked = true;
      }
    }
    if (contains_secret(session.status().last_error))
      fail("a secret in last_error");
  }

  // Fires the deadline if it has passed; a deadline still in the past afterwards, again and
  // again, is a session that spins.
  void fire() {
    for (int again = 0;; ++again) {
      auto deadline = session.next_deadline();
      if (!deadline || *deadline > now)
        return;
      if (again > 50)
        fail("the deadline stays in the past: the session spins");
      session.on_timer(now);
      collect();
    }
  }

  void advance(Duration by) {
    const TimePoint until = now + by;
    for (int guard = 0; guard < 10000; ++guard) {
      auto deadline = session.next_deadline();
      if (!deadline || *deadline > until)
        break;
      now = std::max(now, *deadline);
      fire();
    }
    now = until;
    fire();
  }

  void feed(ByteView bytes) {
    action_budget += kActionsPerFedByte * bytes.size();
    session.on_bytes(bytes, now);
    collect();
  }
  void feed(std::string_view text) {
    feed(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
};

SessionConfig config_from(std::uint8_t control) {
  SessionConfig config;
  config.route_b_id = std::string(kRouteBId);
  config.password = std::string(kPassword);
  if ((control & 0x03U) == 1)
    config.dialect = Dialect::single_hop;
  else if ((control & 0x03U) == 2)
    config.dialect = Dialect::dual_stack;
  if (control & 0x04U)
    config.cached_pan = PanInfo{0x21, 0x8888, METER_MAC, (control & 0x08U) ? METER : "", 0xE1};
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  Driver d(config_from(in.byte()));
  d.session.start(d.now);
  d.collect();
  for (int step = 0; step < 512 && !in.empty(); ++step) {
    const std::uint8_t op = in.byte();
    const std::uint8_t arg = in.byte();
    switch (op & 0x07U) {
      case 0:
        d.feed(kLines[arg % kLines.size()]);
        break;
      case 1:
        d.feed(in.take(arg));
        break;
      case 2:
        d.advance(hems::milliseconds(arg * 250));
        break;
      case 3:
        if (auto deadline = d.session.next_deadline())
          d.advance(std::max(Duration(0), std::chrono::ceil<Duration>(*deadline - d.now)));
        break;
      case 4:
        d.open_asked = false;
        d.session.on_transport_opened(d.now);
        d.collect();
        break;
      case 5:
        d.open_asked = false;
        d.session.on_transport_failed(d.now, "gone");
        d.collect();
        break;
      case 6:
        d.session.send_frame(kGetE7, d.now);
        d.collect();
        break;
      case 7:
        if (arg & 1U)
          d.session.report_meter_unresponsive(d.now);
        else
          d.session.report_meter_alive(d.now);
        d.collect();
        break;
    }
    d.fire();
  }

  // The input is over. The dongle says nothing more, the owner opens the port whenever asked,
  // and the meter layer, hearing no answers, says so once a minute while the link is up (as the
  // reader does when its requests go unanswered). Every wait of the session ends in a timeout, a
  // pause, a reopen or that verdict, so it keeps writing commands; within a few hours of
  // simulated time, since the transmit-time limit may hold sends for up to one.
  d.session.send_frame(kGetE7, d.now);
  d.collect();
  const std::size_t before = d.writes;
  const TimePoint give_up = d.now + std::chrono::hours(3);
  while (d.writes < before + 3 && d.now < give_up) {
    if (d.open_asked) {
      d.open_asked = false;
      d.session.on_transport_opened(d.now);
      d.collect();
      continue;
    }
    auto deadline = d.session.next_deadline();
    if (!deadline && d.session.status().state != LinkState::joined) {
      fail(std::string("stuck in ") + std::string(to_string(d.session.status().state)) +
           " with no deadline");
    }
    if (!deadline || *deadline > d.now + std::chrono::minutes(1)) {
      d.advance(std::chrono::minutes(1));
      d.session.report_meter_unresponsive(d.now);
      d.collect();
      continue;
    }
    d.advance(std::max(Duration(1), std::chrono::ceil<Duration>(*deadline - d.now)));
  }
  if (d.writes < before + 3) {
    fail("fewer than three commands in the three hours after the input ended (" +
         std::string(to_string(d.session.status().state)) + ")");
  }
  return 0;
}
