#include "hems/wisun/link_state.hpp"

#include <algorithm>
#include <array>

namespace hems::wisun {
namespace {

using enum LinkState;

// Kept in the order of docs/session-states.md, which says why each one happens.
constexpr std::array kAllowed{
    Transition{closed, initialising},

    Transition{initialising, scanning},
    Transition{initialising, joining},
    Transition{initialising, waiting},
    Transition{initialising, closed},

    Transition{scanning, joining},
    Transition{scanning, waiting},
    Transition{scanning, initialising},
    Transition{scanning, closed},

    Transition{joining, joined},
    Transition{joining, waiting},
    Transition{joining, initialising},
    Transition{joining, closed},

    Transition{joined, reauthenticating},
    Transition{joined, joining},
    Transition{joined, waiting},
    Transition{joined, initialising},
    Transition{joined, closed},

    Transition{reauthenticating, joined},
    Transition{reauthenticating, joining},
    Transition{reauthenticating, waiting},
    Transition{reauthenticating, initialising},
    Transition{reauthenticating, closed},

    Transition{waiting, joining},
    Transition{waiting, scanning},
    Transition{waiting, initialising},
    Transition{waiting, closed},
};

}  // namespace

std::string_view to_string(LinkState state) {
  switch (state) {
    case LinkState::closed:
      return "closed";
    case LinkState::initialising:
      return "initialising";
    case LinkState::scanning:
      return "scanning";
    case LinkState::joining:
      return "joining";
    case LinkState::joined:
      return "joined";
    case LinkState::reauthenticating:
      return "reauthenticating";
    case LinkState::waiting:
      return "waiting";
  }
  return "unknown";
}

std::span<const Transition> allowed_transitions() {
  return kAllowed;
}

bool is_allowed(LinkState from, LinkState to) {
  return std::ranges::find(kAllowed, Transition{from, to}) != kAllowed.end();
}

}  // namespace hems::wisun
