#pragma once

// The command line that starts a program this build made (the simulator, a test's child). In a
// cross build the machine running the tests cannot start such a program by itself (an arm64
// binary on an x86-64 machine without binfmt_misc), so the emulator that CTest runs the tests
// with (CMAKE_CROSSCOMPILING_EMULATOR, e.g. `qemu-aarch64 -L /`) comes first, as
// HEMS_TEST_EMULATOR: its words separated by spaces. In a native build it is empty and the
// command stays as it is.

#include <string>
#include <string_view>
#include <vector>

#ifndef HEMS_TEST_EMULATOR
#define HEMS_TEST_EMULATOR ""
#endif

namespace hems::test {

inline std::vector<std::string> target_command(const std::vector<std::string>& command) {
  std::vector<std::string> words;
  std::string_view emulator = HEMS_TEST_EMULATOR;
  while (!emulator.empty()) {
    const auto space = emulator.find(' ');
    if (space != 0)
      words.emplace_back(emulator.substr(0, space));
    if (space == std::string_view::npos)
      break;
    emulator.remove_prefix(space + 1);
  }
  words.insert(words.end(), command.begin(), command.end());
  return words;
}

}  // namespace hems::test
