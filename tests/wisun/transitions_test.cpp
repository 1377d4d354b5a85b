// Every transition the session may make (wisun::allowed_transitions(), drawn in
// docs/session-states.md) happens when the session is driven through what causes it, and
// driving it makes no other: a transition in the table that the code can no longer make fails
// here, as does one the code makes without the table.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "session_harness.hpp"

namespace hems::wisun {
namespace {

using testing::Harness;
using testing::kMeterIp;

std::string describe(const Transition& t) {
  return std::string(to_string(t.from)) + " -> " + std::string(to_string(t.to));
}

// The transitions in a harness's actions, in order; the session starts closed.
std::vector<Transition> transitions_of(const Harness& h) {
  std::vector<Transition> out;
  LinkState state = LinkState::closed;
  for (const auto& action : h.actions) {
    if (const auto* changed = std::get_if<StateChanged>(&action)) {
      if (changed->state != state)
        out.push_back({state, changed->state});
      state = changed->state;
    }
  }
  return out;
}

bool made(const Harness& h, LinkState from, LinkState to) {
  for (const auto& t : transitions_of(h)) {
    if (t == Transition{from, to})
      return true;
  }
  return false;
}

SessionConfig with_cached_pan() {
  SessionConfig config = testing::test_config();
  PanInfo pan;
  pan.channel = 0x21;
  pan.pan_id = 0x8888;
  pan.mac = testing::kMeterMac;
  config.cached_pan = pan;
  return config;
}

void join(Harness& h) {
  h.init_single_hop();
  h.scan_finds_meter_single_hop();
  h.join_single_hop();
  h.advance(seconds(2));
  ASSERT_EQ(h.session.status().state, LinkState::joined);
}

void event(Harness& h, const char* number) {
  h.feed(std::string("EVENT ") + number + " " + kMeterIp + "\r\n");
}

void lose_the_port(Harness& h) {
  h.session.on_transport_failed(h.now, "read: Input/output error");
  h.collect();
}

void stop(Harness& h) {
  h.session.stop(h.now);
  h.collect();
}

using enum LinkState;

struct Scenario {
  std::string name;
  std::function<void(Harness&)> run;
  std::vector<Transition> shows;  // what it is there for
  SessionConfig config = testing::test_config();
};

std::vector<Scenario> scenarios() {
  return {
      {"scan, join, renew, break and recover",
       [](Harness& h) {
         join(h);
         event(h, "29");
         event(h, "25");  // renewed
         event(h, "29");
         event(h, "24");  // renewal failed: join again at once
         h.join_single_hop();
         event(h, "24");  // the session broke
         h.join_single_hop();
         h.session.report_meter_unresponsive(h.now);
         h.collect();
         ASSERT_TRUE(h.advance_until_write(seconds(60)));  // SKTERM
         h.feed("FAIL ER10\r\n");                          // no session to end: join
         h.join_single_hop();
         lose_the_port(h);
       },
       {{closed, initialising},
        {initialising, scanning},
        {scanning, joining},
        {joining, joined},
        {joined, reauthenticating},
        {reauthenticating, joined},
        {reauthenticating, joining},
        {joined, joining},
        {joined, waiting},
        {waiting, joining},
        {joined, closed}}},
      {"a cached PAN, a join command unanswered, the port lost",
       [](Harness& h) {
         h.init_single_hop();  // straight to SKSREG S2
         h.advance(seconds(6));
         ASSERT_EQ(h.last_write(), "SKSREG SFE 0\r\n");
         lose_the_port(h);
       },
       {{initialising, joining}, {joining, initialising}, {initialising, closed}},
       with_cached_pan()},
      {"credentials refused, then a reset",
       [](Harness& h) {
         h.session.start(h.now);
         h.session.on_transport_opened(h.now);
         h.collect();
         h.feed("OK\r\nEVER 1.2.10\r\nOK\r\nOK\r\n");
         h.feed(std::string("EINFO ") + testing::kDongleA1 + " 001D129012345678 21 8888 FFFE\r\n");
         h.feed("OK\r\nOK 01\rFAIL ER10\r\n");  // SKSETPWD refused
         ASSERT_TRUE(h.advance_until_write(std::chrono::minutes(11)));
         ASSERT_EQ(h.last_write(), "SKRESET\r\n");
       },
       {{initialising, waiting}, {waiting, initialising}}},
      {"SKSCAN unanswered",
       [](Harness& h) {
         h.init_single_hop();
         h.advance(seconds(6));
         ASSERT_EQ(h.last_write(), "SKSREG SFE 0\r\n");
       },
       {{scanning, initialising}}},
      {"SKSCAN failed, scanned again, the port lost",
       [](Harness& h) {
         h.init_single_hop();
         h.feed("FAIL ER04\r\n");
         ASSERT_TRUE(h.advance_until_write(seconds(60)));
         ASSERT_TRUE(h.last_write().starts_with("SKSCAN"));
         lose_the_port(h);
       },
       {{scanning, waiting}, {waiting, scanning}, {scanning, closed}}},
      {"PANA refused",
       [](Harness& h) {
         h.init_single_hop();
         h.scan_finds_meter_single_hop();
         h.feed("OK\r\nOK\r\n" + std::string(kMeterIp) + "\r\nOK\r\n");
         event(h, "24");
       },
       {{joining, waiting}}},
      {"the port lost while joining",
       [](Harness& h) {
         h.init_single_hop();
         lose_the_port(h);
       },
       {{joining, closed}},
       with_cached_pan()},
      {"stopping, SKTERM unanswered",
       [](Harness& h) {
         join(h);
         stop(h);
         h.advance(seconds(6));
       },
       {{joined, initialising}}},
      {"a renewal that never ends",
       [](Harness& h) {
         join(h);
         event(h, "29");
         h.advance(seconds(50));
       },
       {{reauthenticating, waiting}}},
      {"stopping while renewing, SKTERM unanswered",
       [](Harness& h) {
         join(h);
         event(h, "29");
         stop(h);
         h.advance(seconds(6));
       },
       {{reauthenticating, initialising}}},
      {"the port lost while renewing",
       [](Harness& h) {
         join(h);
         event(h, "29");
         lose_the_port(h);
       },
       {{reauthenticating, closed}}},
      {"the port lost while waiting",
       [](Harness& h) {
         join(h);
         h.session.report_meter_unresponsive(h.now);
         h.collect();
         lose_the_port(h);
       },
       {{waiting, closed}}},
  };
}

TEST(Transitions, EachScenarioMakesTheTransitionsItIsFor) {
  for (auto& scenario : scenarios()) {
    Harness h(scenario.config);
    scenario.run(h);
    for (const auto& t : scenario.shows)
      EXPECT_TRUE(made(h, t.from, t.to)) << scenario.name << ": " << describe(t);
  }
}

TEST(Transitions, TogetherTheScenariosMakeExactlyTheAllowedOnes) {
  std::set<Transition> seen;
  for (auto& scenario : scenarios()) {
    Harness h(scenario.config);
    scenario.run(h);
    for (const auto& t : transitions_of(h)) {
      EXPECT_TRUE(is_allowed(t.from, t.to)) << scenario.name << ": " << describe(t);
      seen.insert(t);
    }
  }
  for (const auto& allowed : allowed_transitions())
    EXPECT_TRUE(seen.contains(allowed)) << describe(allowed) << " is allowed but never happens";
}

}  // namespace
}  // namespace hems::wisun
