// docs/session-states.md draws the B-route session's states and transitions; the session
// refuses any transition that is not in wisun::allowed_transitions(). This test keeps the two
// equal, so neither a diagram edit nor a code change can leave them telling different stories.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hems/wisun/link_state.hpp"

namespace hems::wisun {
namespace {

// Every LinkState value: to_string() has a case for each (the compiler insists) and says
// "unknown" past the last.
std::vector<LinkState> all_states() {
  std::vector<LinkState> states;
  for (int i = 0; i < 64; ++i) {
    const auto state = static_cast<LinkState>(i);
    if (to_string(state) == "unknown")
      break;
    states.push_back(state);
  }
  return states;
}

std::optional<LinkState> state_named(std::string_view name) {
  for (LinkState state : all_states()) {
    if (to_string(state) == name)
      return state;
  }
  return std::nullopt;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

std::string describe(const Transition& t) {
  return std::string(to_string(t.from)) + " -> " + std::string(to_string(t.to));
}

struct Diagram {
  std::vector<Transition> transitions;  // in the order drawn
  std::set<std::string> state_names;    // every name a line uses
  std::vector<std::string> problems;    // lines that do not parse, unknown states, repeats
};

// Reads the ```transitions block: "from -> to : why" per line; blank lines and lines starting
// with '#' are skipped.
Diagram read_diagram(const std::string& path) {
  Diagram diagram;
  std::ifstream in(path);
  if (!in) {
    diagram.problems.push_back("cannot read " + path);
    return diagram;
  }
  std::string line;
  int number = 0;
  bool inside = false;
  int blocks = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (!inside) {
      if (text == "```transitions") {
        inside = true;
        ++blocks;
      }
      continue;
    }
    if (text.starts_with("```")) {
      inside = false;
      continue;
    }
    if (text.empty() || text.starts_with("#"))
      continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    const auto arrow = text.find("->");
    const auto colon = text.find(':', arrow == std::string::npos ? 0 : arrow);
    if (arrow == std::string::npos || colon == std::string::npos) {
      diagram.problems.push_back(where + "not 'from -> to : why': " + text);
      continue;
    }
    const std::string from = trim(std::string_view(text).substr(0, arrow));
    const std::string to = trim(std::string_view(text).substr(arrow + 2, colon - arrow - 2));
    const std::string why = trim(std::string_view(text).substr(colon + 1));
    diagram.state_names.insert(from);
    diagram.state_names.insert(to);
    const auto from_state = state_named(from);
    const auto to_state = state_named(to);
    if (!from_state || !to_state) {
      diagram.problems.push_back(where + "names a state LinkState does not have: " + text);
      continue;
    }
    if (why.empty())
      diagram.problems.push_back(where + "says not why: " + text);
    if (*from_state == *to_state)
      diagram.problems.push_back(where + "staying in a state is not a transition: " + text);
    const Transition transition{*from_state, *to_state};
    for (const auto& seen : diagram.transitions) {
      if (seen == transition)
        diagram.problems.push_back(where + "drawn twice: " + text);
    }
    diagram.transitions.push_back(transition);
  }
  if (blocks != 1)
    diagram.problems.push_back("expected one ```transitions block, found " +
                               std::to_string(blocks));
  if (inside)
    diagram.problems.push_back("the ```transitions block is not closed");
  return diagram;
}

const Diagram& diagram() {
  static const Diagram read = read_diagram(HEMS_SESSION_STATES_DOC);
  return read;
}

TEST(StateDiagram, IsWellFormed) {
  EXPECT_TRUE(diagram().problems.empty()) << ::testing::PrintToString(diagram().problems);
  EXPECT_FALSE(diagram().transitions.empty());
}

TEST(StateDiagram, NamesEveryStateAndNoOther) {
  std::set<std::string> states;
  for (LinkState state : all_states())
    states.insert(std::string(to_string(state)));
  ASSERT_EQ(states.size(), 7u) << "a new LinkState: draw it in docs/session-states.md";
  EXPECT_EQ(diagram().state_names, states);
}

TEST(StateDiagram, DrawsEveryTransitionTheCodeAllows) {
  for (const Transition& allowed : allowed_transitions()) {
    bool drawn = false;
    for (const auto& t : diagram().transitions)
      drawn = drawn || t == allowed;
    EXPECT_TRUE(drawn) << describe(allowed) << " is allowed in src/wisun/link_state.cpp "
                       << "but not drawn in docs/session-states.md";
  }
}

TEST(StateDiagram, AllowsEveryTransitionItDraws) {
  for (const Transition& drawn : diagram().transitions) {
    EXPECT_TRUE(is_allowed(drawn.from, drawn.to))
        << describe(drawn) << " is drawn in docs/session-states.md but not allowed in "
        << "src/wisun/link_state.cpp";
  }
  EXPECT_EQ(diagram().transitions.size(), allowed_transitions().size());
}

TEST(StateDiagram, TheCodesTableHasNoRepeatsAndNoSelfTransitions) {
  const auto table = allowed_transitions();
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_NE(table[i].from, table[i].to) << describe(table[i]);
    for (std::size_t j = i + 1; j < table.size(); ++j)
      EXPECT_FALSE(table[i] == table[j]) << describe(table[i]) << " twice";
  }
}

TEST(StateDiagram, IsAllowedFollowsTheTable) {
  for (LinkState from : all_states()) {
    for (LinkState to : all_states()) {
      bool listed = false;
      for (const auto& t : allowed_transitions())
        listed = listed || t == Transition{from, to};
      EXPECT_EQ(is_allowed(from, to), listed) << describe({from, to});
    }
  }
}

}  // namespace
}  // namespace hems::wisun
