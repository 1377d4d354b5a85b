#pragma once

// Test helper: bytes from a hex string that may contain spaces, as the reference documents
// print them ("10 81 00 01 ...").

#include <stdexcept>
#include <string>
#include <string_view>

#include "hems/common/bytes.hpp"

namespace hems::echonet::testing {

inline Bytes hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ')
      digits.push_back(c);
  }
  auto bytes = from_hex(digits);
  if (!bytes)
    throw std::invalid_argument("bad hex literal in test: " + std::string(text));
  return *bytes;
}

}  // namespace hems::echonet::testing
