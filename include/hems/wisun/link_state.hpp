#pragma once

#include <span>
#include <string_view>

namespace hems::wisun {

// Where the B-route link is, as the bridge reports it. docs/session-states.md draws the states
// and the transitions between them; a test keeps that drawing and allowed_transitions() equal.
enum class LinkState {
  closed,            // transport not open (waiting to open or reopen it)
  initialising,      // talking to the dongle: version, info, credentials
  scanning,          // active scan for the meter's PAN
  joining,           // PANA authentication running
  joined,            // session up: ECHONET frames can be sent
  reauthenticating,  // the dongle renews the PANA session (EVENT 29); sends are held
  waiting,           // pause before the next recovery step
};
std::string_view to_string(LinkState state);  // "unknown" for a value outside the enum

// A change from one state to another. Entering the state the link is already in (a new detail
// for the same state) is not a transition and needs no entry.
struct Transition {
  LinkState from;
  LinkState to;
  auto operator<=>(const Transition&) const = default;
};

// Every transition the session may make. The session refuses (and logs as an error) any other.
std::span<const Transition> allowed_transitions();
bool is_allowed(LinkState from, LinkState to);

}  // namespace hems::wisun
