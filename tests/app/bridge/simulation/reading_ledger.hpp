#pragma once

// The books of a simulated run: what the meter's frames brought to the bridge (MeterTap) against
// what the bridge published on the meter's state topic.
//
// - 30-minute values (EA): every boundary whose value reached the bridge must be published once,
//   in order, with the value the meter sent. A "publication" is a state message whose
//   (energy_import_fixed_at, energy_import_fixed_kwh) differs from the previous state message's:
//   the state topic repeats the last value in every message, and again after each reconnect.
// - Power (E7) and cumulative energy (E0): the values published, each run of equal values taken
//   as one, must be the values the meter sent, in the same order: none made up or reordered
//   (readings_not_sent). Values the meter sent and the bridge left out are counted
//   (readings_skipped, with the first few among the notes) but are not problems: the
//   plausibility checks may drop a value, and a late answer to a request already given up is
//   not taken.

#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hems/common/time.hpp"
#include "meter_tap.hpp"

namespace hems::test {

class ReadingLedger {
 public:
  // kWh per count of the simulated meter (E1 = 0x01, coefficient 1).
  static constexpr double kKwhPerCount = 0.1;

  struct Figures {
    std::size_t fixed_delivered = 0;  // boundaries whose value reached the bridge
    std::size_t fixed_published = 0;
    std::size_t fixed_duplicated = 0;
    std::size_t fixed_out_of_order = 0;
    std::size_t fixed_not_sent = 0;  // published, but not what the meter sent for that time
    std::size_t readings_published = 0;
    std::size_t readings_not_sent = 0;  // power or energy published that the meter did not send
    std::size_t readings_skipped = 0;   // power or energy the meter sent that was not published
  };

  // Times in problems are counted from here.
  void set_origin(TimePoint origin) { origin_ = origin; }

  void delivered(const MeterFrameSeen& frame, TimePoint now) {
    if (frame.power_w)
      power_.push_back({*frame.power_w, now});
    if (frame.import_raw)
      energy_.push_back({*frame.import_raw, now});
    if (frame.fixed_at && frame.fixed_import_raw) {
      auto [it, added] = fixed_sent_.emplace(*frame.fixed_at, *frame.fixed_import_raw);
      if (added)
        ++figures_.fixed_delivered;
      else if (it->second != *frame.fixed_import_raw)
        problem("the meter sent two values for " + *frame.fixed_at);
    }
  }

  // One state message; returns when the reading in it reached the bridge if it brings a new
  // power reading (not a repeat of the last one).
  std::optional<TimePoint> published(const nlohmann::json& state) {
    std::optional<TimePoint> new_reading;
    if (state.contains("power_w")) {
      const auto power = state["power_w"].get<std::int64_t>();
      if (power != last_power_) {
        new_reading = match(power_, power, "power_w " + std::to_string(power));
        last_power_ = power;
        if (new_reading)
          ++figures_.readings_published;
      }
    }
    if (state.contains("energy_import_kwh")) {
      const auto raw = std::llround(state["energy_import_kwh"].get<double>() / kKwhPerCount);
      if (raw != last_energy_) {
        match(energy_, raw, "energy_import_kwh " + state["energy_import_kwh"].dump());
        last_energy_ = raw;
      }
    }
    if (state.contains("energy_import_fixed_at") && state.contains("energy_import_fixed_kwh")) {
      const auto at = state["energy_import_fixed_at"].get<std::string>();
      const auto raw = std::llround(state["energy_import_fixed_kwh"].get<double>() / kKwhPerCount);
      if (!last_fixed_ || last_fixed_->first != at || last_fixed_->second != raw)
        fixed_published(at, raw);
    }
    return new_reading;
  }

  // Boundaries that reached the bridge and were never published.
  std::vector<std::string> lost() const {
    std::vector<std::string> out;
    for (const auto& [at, raw] : fixed_sent_) {
      if (!fixed_told_.contains(at))
        out.push_back(at);
    }
    return out;
  }
  const std::map<std::string, std::uint32_t>& fixed_sent() const { return fixed_sent_; }
  const Figures& figures() const { return figures_; }
  // The first problems found (all are counted in figures()).
  const std::vector<std::string>& problems() const { return problems_; }
  // The first readings left out, for a look at why.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  struct Sent {
    std::int64_t value;
    TimePoint at;
  };

  // Finds `value` among what was sent and not yet used, in order; what comes before it was never
  // published and is passed over.
  std::optional<TimePoint> match(std::deque<Sent>& sent, std::int64_t value,
                                 const std::string& what) {
    while (!sent.empty()) {
      const Sent front = sent.front();
      sent.pop_front();
      if (front.value == value)
        return front.at;
      // A repeat of what was published last is not a reading left out.
      const auto& last = &sent == &power_ ? last_power_ : last_energy_;
      if (!last || *last != front.value) {
        ++figures_.readings_skipped;
        note(std::string(&sent == &power_ ? "power_w " : "energy (counts) ") +
             std::to_string(front.value) + " reached the bridge " +
             std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(front.at - origin_).count()) +
             " s into the run and was never published");
      }
    }
    ++figures_.readings_not_sent;
    problem(what + " was published, but the meter did not send it (or not in this order)");
    return std::nullopt;
  }

  void fixed_published(const std::string& at, std::int64_t raw) {
    auto sent = fixed_sent_.find(at);
    if (sent == fixed_sent_.end() || static_cast<std::int64_t>(sent->second) != raw) {
      ++figures_.fixed_not_sent;
      problem("published the 30-minute value " + std::to_string(raw) + " at " + at +
              ", which the meter did not send");
    } else if (fixed_told_.contains(at)) {
      ++figures_.fixed_duplicated;
      problem("published the 30-minute value at " + at + " again");
    } else if (last_fixed_ && at < last_fixed_->first) {
      ++figures_.fixed_out_of_order;
      problem("published the 30-minute value at " + at + " after the one at " + last_fixed_->first);
    } else {
      ++figures_.fixed_published;
    }
    fixed_told_.insert(at);
    last_fixed_ = std::pair{at, raw};
  }

  void problem(std::string text) {
    if (problems_.size() < 20)
      problems_.push_back(std::move(text));
  }
  void note(std::string text) {
    if (notes_.size() < 20)
      notes_.push_back(std::move(text));
  }

  TimePoint origin_;
  std::deque<Sent> power_;
  std::deque<Sent> energy_;
  std::optional<std::int64_t> last_power_;
  std::optional<std::int64_t> last_energy_;
  std::map<std::string, std::uint32_t> fixed_sent_;
  std::set<std::string> fixed_told_;
  std::optional<std::pair<std::string, std::int64_t>> last_fixed_;
  Figures figures_;
  std::vector<std::string> problems_;
  std::vector<std::string> notes_;
};

}  // namespace hems::test
