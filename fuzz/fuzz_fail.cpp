#include <cstdio>
#include <cstdlib>

#include "fuzz_input.hpp"

namespace hems::fuzz {

void fail(const std::string& invariant) {
  std::fprintf(stderr, "invariant broken: %s\n", invariant.c_str());
  std::abort();
}

}  // namespace hems::fuzz
