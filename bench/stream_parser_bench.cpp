// StreamParser throughput on what a dongle sends while the meter is polled, fed in chunks the
// size a serial read returns.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "hems/wisun/stream_parser.hpp"
#include "samples.hpp"

namespace hems::bench {
namespace {

using wisun::PayloadFormat;
using wisun::StreamParser;

// The same poll cycle repeated to about 64 KiB, so one iteration is long enough to time well.
std::string long_stream(bool binary) {
  const std::string cycle = poll_cycle_stream(binary);
  std::string out;
  while (out.size() < 64 * 1024)
    out += cycle;
  return out;
}

// Feeds `stream` in `chunk`-byte pieces, draining records as they complete; the record count.
std::size_t parse_all(StreamParser& parser, std::string_view stream, std::size_t chunk) {
  std::size_t records = 0;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    parser.feed(view_of(stream.substr(at, chunk)));
    while (auto record = parser.next()) {
      benchmark::DoNotOptimize(*record);
      ++records;
    }
  }
  return records;
}

void run(benchmark::State& state, bool binary, PayloadFormat format) {
  const std::string stream = long_stream(binary);
  const auto chunk = static_cast<std::size_t>(state.range(0));

  // One untimed pass checks that the stream parses cleanly (a benchmark of a parser that drops
  // everything as garbage would measure nothing useful).
  StreamParser check;
  check.set_payload_format(format);
  const std::size_t expected = parse_all(check, stream, chunk);
  if (!check.take_warnings().empty() || expected == 0) {
    state.SkipWithError("the sample stream does not parse cleanly");
    return;
  }

  std::size_t records = 0;
  for (auto _ : state) {
    StreamParser parser;
    parser.set_payload_format(format);
    records += parse_all(parser, stream, chunk);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void BM_StreamParser_Hex(benchmark::State& state) {
  run(state, false, PayloadFormat::hex);
}
void BM_StreamParser_Binary(benchmark::State& state) {
  run(state, true, PayloadFormat::binary);
}
// ROPT unsupported: the format of each payload is detected from its first byte.
void BM_StreamParser_DetectBinary(benchmark::State& state) {
  run(state, true, PayloadFormat::unknown);
}

// 1: a byte at a time (worst case); 32: a slow tty read; 4096: a burst after a stall.
BENCHMARK(BM_StreamParser_Hex)->Arg(1)->Arg(32)->Arg(4096);
BENCHMARK(BM_StreamParser_Binary)->Arg(1)->Arg(32)->Arg(4096);
BENCHMARK(BM_StreamParser_DetectBinary)->Arg(32);

}  // namespace
}  // namespace hems::bench
