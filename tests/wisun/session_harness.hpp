#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hems/wisun/session.hpp"

namespace hems::wisun::testing {

inline constexpr const char* kRouteBId = "00112233445566778899AABBCCDDEEFF";
inline constexpr const char* kPassword = "0123456789AB";
inline constexpr const char* kDongleA1 = "FE80:0000:0000:0000:021D:1290:1234:5678";
inline constexpr const char* kMeterIp = "FE80:0000:0000:0000:1034:5678:ABCD:EF01";
inline constexpr const char* kMeterMac = "12345678ABCDEF01";

inline SessionConfig test_config() {
  SessionConfig c;
  c.route_b_id = kRouteBId;
  c.password = kPassword;
  return c;
}

// Drives a Session like the event loop would, with a fake clock, and records what it asks for.
struct Harness {
  explicit Harness(SessionConfig config = test_config()) : session(std::move(config)) {}

  Session session;
  TimePoint now{};
  std::vector<std::string> writes;     // every WriteBytes, as text
  std::vector<std::string> log_texts;  // every LogMessage and WriteBytes log text
  std::vector<Action> actions;         // everything, in order

  void collect() {
    for (auto& a : session.take_actions()) {
      if (auto* w = std::get_if<WriteBytes>(&a)) {
        writes.emplace_back(w->bytes.begin(), w->bytes.end());
        log_texts.push_back(w->log_text);
      } else if (auto* l = std::get_if<LogMessage>(&a)) {
        log_texts.push_back(l->text);
        // Every state change a test drives must be one docs/session-states.md draws.
        EXPECT_EQ(l->text.find("undeclared state change"), std::string::npos) << l->text;
      }
      actions.push_back(std::move(a));
    }
  }
  void feed(const std::string& text) {
    session.on_bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                     now);
    collect();
  }
  void advance(Duration d) {
    const TimePoint until = now + d;
    // Fire every deadline on the way, as the loop's timer would.
    for (int guard = 0; guard < 1000; ++guard) {
      auto next = session.next_deadline();
      if (!next || *next > until)
        break;
      now = std::max(now, *next);
      session.on_timer(now);
      collect();
    }
    now = until;
    session.on_timer(now);
    collect();
  }
  // Fires deadlines one by one until the session writes something (or `limit` passes), as a
  // dongle that answers promptly would see it.
  bool advance_until_write(Duration limit) {
    const std::size_t before = writes.size();
    const TimePoint until = now + limit;
    for (int guard = 0; guard < 1000 && writes.size() == before; ++guard) {
      auto next = session.next_deadline();
      if (!next || *next > until) {
        now = until;
        break;
      }
      now = std::max(now, *next);
      session.on_timer(now);
      collect();
    }
    return writes.size() > before;
  }
  std::string last_write() const { return writes.empty() ? std::string{} : writes.back(); }

  template <typename T>
  int count() const {
    int n = 0;
    for (const auto& a : actions)
      n += std::holds_alternative<T>(a) ? 1 : 0;
    return n;
  }
  template <typename T>
  const T* last() const {
    for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
      if (auto* p = std::get_if<T>(&*it))
        return p;
    }
    return nullptr;
  }
  bool has_event(const std::string& type) const {
    for (const auto& a : actions) {
      if (auto* e = std::get_if<LinkEvent>(&a); e && e->type == type)
        return true;
    }
    return false;
  }

  // The dongle side of the start-up, up to and including the credentials.
  void init_single_hop() {
    session.start(now);
    collect();
    session.on_transport_opened(now);
    collect();
    EXPECT_EQ(last_write(), "SKSREG SFE 0\r\n");
    feed("OK\r\n");
    EXPECT_EQ(last_write(), "SKVER\r\n");
    feed("EVER 1.2.10\r\nOK\r\n");
    EXPECT_EQ(last_write(), "SKAPPVER\r\n");
    feed("EAPPVER rev26e\r\nOK\r\n");
    EXPECT_EQ(last_write(), "SKINFO\r\n");
    feed(std::string("EINFO ") + kDongleA1 + " 001D129012345678 21 8888 FFFE\r\nOK\r\n");
    EXPECT_EQ(last_write(), "ROPT\r\n");
    feed("OK 01\r");
    EXPECT_EQ(last_write(), std::string("SKSETPWD C ") + kPassword + "\r\n");
    feed("OK\r\n");
    EXPECT_EQ(last_write(), std::string("SKSETRBID ") + kRouteBId + "\r\n");
    feed("OK\r\n");
  }

  void scan_finds_meter_single_hop() {
    feed("OK\r\n");  // SKSCAN accepted
    feed(std::string("EVENT 20 ") + kDongleA1 +
         "\r\nEPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:" +
         kMeterMac + "\r\n  LQI:E1\r\n  PairID:AABBCCDD\r\n");
    feed(std::string("EVENT 22 ") + kDongleA1 + "\r\n");
  }

  void join_single_hop() {
    EXPECT_EQ(last_write(), "SKSREG S2 21\r\n");
    feed("OK\r\n");
    EXPECT_EQ(last_write(), "SKSREG S3 8888\r\n");
    feed("OK\r\n");
    EXPECT_EQ(last_write(), std::string("SKLL64 ") + kMeterMac + "\r\n");
    feed(std::string(kMeterIp) + "\r\n");
    EXPECT_EQ(last_write(), std::string("SKJOIN ") + kMeterIp + "\r\n");
    feed("OK\r\n");
    feed(std::string("EVENT 21 ") + kMeterIp + " 02\r\nEVENT 02 " + kMeterIp + "\r\n");
    feed(std::string("ERXUDP ") + kMeterIp + " " + kDongleA1 + " 02CC 02CC " + kMeterMac +
         " 0 0004 00000058\r\n");
    feed(std::string("EVENT 21 ") + kMeterIp + " 00\r\nEVENT 25 " + kMeterIp + "\r\n");
  }
};

}  // namespace hems::wisun::testing
