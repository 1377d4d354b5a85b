#include <gtest/gtest.h>

#include <random>

#include "sim_harness.hpp"

namespace hems::sim::test {
namespace {

// Random mixtures of real command fragments, binary bytes and line ends must never crash the
// simulator or wedge it: afterwards a plain SKVER still gets its OK.
class SimRobustness : public ::testing::TestWithParam<Dialect> {};

TEST_P(SimRobustness, RandomInputNeverWedgesTheDongle) {
  const std::vector<std::string> pieces{"SKSENDTO 1 ",
                                        "FE80:0000:0000:0000:021C:6400:6014:21A3 ",
                                        "0E1A ",
                                        "1 ",
                                        "0 ",
                                        "000E ",
                                        "04D1 ",
                                        "0000 ",
                                        "SKSCAN 2 FFFFFFFF 1 ",
                                        "SKJOIN ",
                                        "SKSREG S2 ",
                                        "SKSREG SFE 1",
                                        "WOPT 01",
                                        "SKTERM",
                                        "\r",
                                        "\n",
                                        "\r\n",
                                        " ",
                                        "SKLL64 ",
                                        "ZZ",
                                        "SKSETPWD C ",
                                        "SKREJOIN"};
  std::mt19937 rng(42);
  SimHarness h(options_for(GetParam()));
  ASSERT_TRUE(h.join());
  for (int round = 0; round < 400; ++round) {
    std::string chunk;
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < parts; ++i) {
      if (rng() % 4 == 0) {
        const int n = 1 + static_cast<int>(rng() % 20);
        for (int k = 0; k < n; ++k)
          chunk.push_back(static_cast<char>(rng() % 256));
      } else {
        chunk += pieces[rng() % pieces.size()];
      }
    }
    h.send(chunk);
    h.run_for(milliseconds{static_cast<int>(rng() % 300)});
  }
  // Whatever state the noise left: finish any pending SKSENDTO payload, end the line, reset.
  h.send(std::string(0x04D0, '\n'));
  h.send("\r\nSKRESET\r\n");
  h.run_for(seconds{60});
  h.send("SKSREG SFE 0\r\n");
  const auto mark = h.out().size();
  h.send("SKVER\r\n");
  EXPECT_NE(h.out().find("EVER ", mark), std::string::npos) << h.out().substr(mark);
  EXPECT_TRUE(h.out().ends_with("OK\r\n"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SimRobustness,
                         ::testing::Values(Dialect::bp35a1, Dialect::bp35c0), dialect_name);

}  // namespace
}  // namespace hems::sim::test
