#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/time.hpp"
#include "hems/sim/simulator.hpp"

namespace hems::sim::test {

// One ERXUDP record cut out of the dongle's output.
struct Erxudp {
  std::string sender;
  std::string dest;
  std::string port;
  std::string secured;
  Bytes payload;
};

// Reads every complete ERXUDP in `out`: the header by fields, the payload by DATALEN (hex or raw).
inline std::vector<Erxudp> parse_erxudps(const std::string& out, Dialect dialect, bool hex,
                                         bool rssi = false) {
  std::vector<Erxudp> result;
  const std::size_t fields = dialect == Dialect::bp35a1 ? 7 : (rssi ? 9 : 8);
  std::size_t at = 0;
  while ((at = out.find("ERXUDP ", at)) != std::string::npos) {
    std::size_t pos = at + 7;
    std::vector<std::string> tokens;
    while (tokens.size() < fields) {
      const std::size_t space = out.find(' ', pos);
      if (space == std::string::npos)
        return result;
      tokens.push_back(out.substr(pos, space - pos));
      pos = space + 1;
    }
    const auto len_bytes = from_hex(tokens.back());
    if (!len_bytes || len_bytes->size() != 2) {
      at = pos;
      continue;
    }
    const std::size_t len = (static_cast<std::size_t>((*len_bytes)[0]) << 8) | (*len_bytes)[1];
    Erxudp rec{
        tokens[0], tokens[1], tokens[2], tokens[dialect == Dialect::bp35a1 ? 5 : fields - 3], {}};
    if (hex) {
      if (pos + 2 * len > out.size())
        return result;
      rec.payload = from_hex(out.substr(pos, 2 * len)).value_or(Bytes{});
      pos += 2 * len;
    } else {
      if (pos + len > out.size())
        return result;
      rec.payload.assign(out.begin() + static_cast<std::ptrdiff_t>(pos),
                         out.begin() + static_cast<std::ptrdiff_t>(pos + len));
      pos += len;
    }
    result.push_back(std::move(rec));
    at = pos;
  }
  return result;
}

// Drives a Simulator with a fake clock. With speed 1, simulated and fake real time are equal.
class SimHarness {
 public:
  explicit SimHarness(SimOptions options) : options_(std::move(options)), sim_(options_, now_) {}

  void send(std::string_view text) {
    sim_.receive(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), now_);
    collect();
  }
  void send_bytes(const Bytes& bytes) {
    sim_.receive(bytes, now_);
    collect();
  }
  void console(std::string_view text) {
    sim_.console(text, now_);
    collect();
  }

  // Advances the fake clock by `span`, waking the simulator at every deadline on the way.
  void run_for(Duration span) {
    const TimePoint end = now_ + span;
    while (now_ < end) {
      TimePoint next = end;
      if (auto wake = sim_.next_wakeup())
        next = std::min(next, std::max(*wake, now_ + Duration{1}));
      now_ = next;
      sim_.tick(now_);
      collect();
    }
  }

  // Advances until `needle` appears in the output after `from` (or `limit` passes).
  bool run_until_output(std::string_view needle, Duration limit, std::size_t from = 0) {
    const TimePoint end = now_ + limit;
    while (out_.find(needle, from) == std::string::npos) {
      if (now_ >= end)
        return false;
      TimePoint next = end;
      if (auto wake = sim_.next_wakeup())
        next = std::min(next, std::max(*wake, now_ + Duration{1}));
      now_ = next;
      sim_.tick(now_);
      collect();
    }
    return true;
  }

  bool log_contains(std::string_view needle) const {
    return std::any_of(log_.begin(), log_.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }

  // Scan, join and wait for EVENT 25; returns false if any step fails.
  bool join() {
    const bool a1 = options_.dialect == Dialect::bp35a1;
    send("SKSETPWD C " + options_.password + "\r\n");
    send("SKSETRBID " + options_.rbid + "\r\n");
    const std::size_t mark = out_.size();
    send(a1 ? "SKSCAN 2 FFFFFFFF 6\r\n" : "SKSCAN 2 FFFFFFFF 6 0\r\n");
    if (!run_until_output("EVENT 22", seconds{30}, mark))
      return false;
    if (out_.find("EPANDESC", mark) == std::string::npos)
      return false;
    send("SKSREG S2 21\r\nSKSREG S3 8888\r\n");
    send("SKJOIN " + sim_.meter_address() + "\r\n");
    return run_until_output("EVENT 25", seconds{60}, mark);
  }

  // Sends one ECHONET Lite frame to the meter with the dialect's SKSENDTO.
  void send_frame(const Bytes& frame) {
    const bool a1 = options_.dialect == Dialect::bp35a1;
    std::string header = "SKSENDTO 1 " + sim_.meter_address() + " 0E1A 1 " + (a1 ? "" : "0 ") +
                         to_hex(Bytes{static_cast<std::uint8_t>(frame.size() >> 8),
                                      static_cast<std::uint8_t>(frame.size())}) +
                         " ";
    Bytes bytes(header.begin(), header.end());
    bytes.insert(bytes.end(), frame.begin(), frame.end());
    send_bytes(bytes);
  }

  // ECHONET payloads received from the meter on port 0E1A after output offset `from`.
  std::vector<Bytes> echonet_payloads(std::size_t from = 0) const {
    std::vector<Bytes> frames;
    for (auto& rec : parse_erxudps(out_.substr(from), options_.dialect, sim_.payload_hex())) {
      if (rec.port == "0E1A")
        frames.push_back(rec.payload);
    }
    return frames;
  }

  Simulator& sim() { return sim_; }
  const std::string& out() const { return out_; }
  const std::vector<std::string>& log() const { return log_; }
  TimePoint now() const { return now_; }
  const SimOptions& options() const { return options_; }

 private:
  void collect() {
    auto bytes = sim_.take_output(now_);
    out_.append(bytes.begin(), bytes.end());
    for (auto& l : sim_.take_log())
      log_.push_back(std::move(l));
  }

  SimOptions options_;
  TimePoint now_ = TimePoint{} + std::chrono::hours{1};
  Simulator sim_;
  std::string out_;
  std::vector<std::string> log_;
};

// Names parameterised tests after the dialect.
inline std::string dialect_name(const ::testing::TestParamInfo<Dialect>& param) {
  return param.param == Dialect::bp35a1 ? "bp35a1" : "bp35c0";
}

inline SimOptions options_for(Dialect dialect) {
  SimOptions o;
  o.dialect = dialect;
  o.echo = false;
  return o;
}

}  // namespace hems::sim::test
