#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "hems/common/bytes.hpp"
#include "hems/sim/el_frame.hpp"
#include "hems/sim/options.hpp"

namespace hems::sim {

// Simulated time: milliseconds since the simulator started, already multiplied by --speed.
using SimMs = std::chrono::milliseconds;

inline constexpr std::uint32_t kNoData = 0xFFFFFFFE;

struct MeterReply {
  std::optional<Bytes> frame;                 // what the meter sends back, if anything
  std::string note;                           // one line for the log
  std::optional<std::uint16_t> infc_res_tid;  // set when the controller acknowledged an INFC
};

// The low-voltage smart meter (EOJ 0x028801 plus its node profile): values that move with
// simulated time and answers to ECHONET Lite requests. No I/O, no clock.
class MeterModel {
 public:
  MeterModel(const SimOptions& options, std::chrono::sys_seconds clock_start);

  // Moves the meter to `now` (ignored if earlier). Returns how many 30-minute boundaries of the
  // meter clock were passed; EA/EB and the history hold the values at those boundaries.
  int advance_to(SimMs now);

  MeterReply handle(ByteView request);

  // EA+EB notification (INF 0x73, or INFC 0x74) for the latest 30-minute boundary.
  Bytes fixed_energy_push(std::uint16_t tid, bool infc) const;
  // Node-profile INF of the instance list (EPC D5), multicast after every join.
  static Bytes instance_list_announcement();

  // The next E7 read returns this value (the crlf-binary fault).
  void force_next_power(std::int32_t watts) { forced_power_ = watts; }
  bool power_forced() const { return forced_power_.has_value(); }

  std::int32_t power_w() const { return power_w_; }
  std::uint32_t import_raw() const;
  std::uint32_t export_raw() const;
  std::chrono::sys_seconds clock() const;
  std::int64_t last_boundary() const { return last_boundary_; }  // meter-clock epoch seconds
  // The import and export registers the meter fixed at a boundary it has passed (meter-clock
  // epoch seconds), as EA/EB and the history report them; nullopt for one it has not.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> fixed_at(std::int64_t boundary) const {
    if (auto it = history_.find(boundary); it != history_.end())
      return it->second;
    return std::nullopt;
  }
  SimMs next_boundary_time() const { return SimMs{(last_boundary_ + 1800 - clock_start_) * 1000}; }

 private:
  std::optional<Bytes> meter_property(std::uint8_t epc);
  std::optional<Bytes> node_profile_property(std::uint8_t epc) const;
  bool set_meter_property(std::uint8_t epc, const Bytes& edt);
  std::pair<std::uint32_t, std::uint32_t> history_value(std::int64_t boundary) const;
  Bytes history_day(std::uint8_t days_ago, bool reverse) const;
  Bytes fixed_value(bool reverse) const;
  Bytes history2() const;
  void walk_power();
  std::uint32_t wrap(double accumulated) const;

  SimOptions options_;
  std::int64_t clock_start_;  // meter-clock epoch seconds at sim time 0
  std::mt19937_64 rng_;
  SimMs now_{0};
  SimMs next_walk_{0};
  std::int32_t power_w_;
  std::optional<std::int32_t> forced_power_;
  double import_acc_;  // raw register units, not yet wrapped
  double export_acc_;
  double raw_per_kwh_;
  std::uint64_t modulus_;
  std::int64_t start_boundary_;
  std::int64_t last_boundary_;
  std::map<std::int64_t, std::pair<std::uint32_t, std::uint32_t>> history_;
  std::uint8_t location_ = 0x00;
  std::uint8_t history_day_ = 0;           // E5
  std::optional<Bytes> history2_request_;  // ED
};

}  // namespace hems::sim
