#include "hems/sim/write_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hems/sim/options.hpp"

namespace hems::sim {
namespace {

using std::chrono::nanoseconds;
using std::chrono::system_clock;

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

TEST(SimWriteLog, StampsAnAnswerWithNanosecondsAndTheChunkAsHex) {
  const system_clock::time_point at{nanoseconds{1'765'000'000'000'000'042}};
  Bytes chunk = bytes_of("ERXUDP FE80 ");
  chunk.push_back(0x0D);  // a binary payload may hold CR LF; hex keeps the entry on one line
  chunk.push_back(0x0A);
  const auto entry = write_log_entry(chunk, at);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(*entry, "1765000000.000000042 " + to_hex(chunk));
}

TEST(SimWriteLog, IgnoresChunksWithoutAMeterAnswer) {
  const system_clock::time_point at{nanoseconds{1}};
  EXPECT_FALSE(write_log_entry(bytes_of("EVENT 21 FE80 00\r\nOK\r\n"), at).has_value());
  EXPECT_FALSE(write_log_entry(Bytes{}, at).has_value());
  EXPECT_TRUE(write_log_entry(bytes_of("OK\r\nERXUDP FE80\r\n"), at).has_value());
}

TEST(SimWriteLog, IsAnOptionThatNeedsAPath) {
  auto o = parse_options(std::vector<std::string>{"--tcp", "0", "--write-log", "answers.log"});
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->write_log, "answers.log");
  EXPECT_FALSE(parse_options(std::vector<std::string>{"--tcp", "0", "--write-log"}).has_value());
  EXPECT_FALSE(parse_options(std::vector<std::string>{"--tcp", "0"})->write_log.has_value());
}

}  // namespace
}  // namespace hems::sim
