#pragma once

// The meter's memory of 30-minute values (E2/E4 for the day chosen with E5) read back for the
// half-hours the bridge missed: while it was stopped, while the link was down, while the meter
// did not answer. No I/O: the meter's latest 30-minute boundary and its answers go in; frames to
// send and recovered records come out.
//
// Which half-hours are missing, and which E5 day index holds each, is decided on the meter's
// clock (the boundary in EA/EB, the date in 0x98), never on the host's: a host without a
// real-time clock can be wrong for minutes after a boot, and the index counts from the meter's
// own today.

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "hems/common/error.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/meter/meter_time.hpp"
#include "hems/meter/values.hpp"

namespace hems::meter {

// The registers at one 30-minute boundary. A value the meter marks as missing (0xFFFFFFFE) is
// absent, never 0.
struct HistoryRecord {
  MeterTime at;
  std::optional<double> energy_import_kwh;
  std::optional<double> energy_export_kwh;
  bool operator==(const HistoryRecord&) const = default;
};

namespace history {
// Missed half-hours read back, oldest first; each is given once.
struct Recovered {
  std::vector<HistoryRecord> records;
};
// The latest complete day (the meter's yesterday), all its half-hours that have a value.
struct LatestDay {
  MeterDate date;
  std::vector<HistoryRecord> records;
};
// The answer to read_day.
struct DayAnswered {
  std::string request_id;
  Result<std::vector<HistoryRecord>> records;
};
// Every half-hour up to and including this one has been published (live or read back) or given
// up as lost: what the owner keeps for the next start.
struct Progress {
  MeterTime published_through;
};
struct Log {
  LogLevel level;
  std::string text;
};
}  // namespace history

using HistoryEvent = std::variant<history::Recovered, history::LatestDay, history::DayAnswered,
                                  history::Progress, history::Log>;

struct HistoryConfig {
  // Time between two history reads as the reader paces them (one between two polls); only used
  // to tell the user how long a backfill will take.
  Duration request_spacing{10000};
  // Reads in a row without an answer before a read is given up. A backfill then waits for the
  // meter's next 30-minute boundary before it tries again.
  int tries = 3;
};

class HistoryBackfill {
 public:
  // E2/E4 reach back 99 days before the meter's today.
  static constexpr int kMaxDayIndex = 99;

  // `published_through`: what Progress said last time; nullopt on the first start, when the
  // history begins at the first boundary the meter reports (no weeks of backfill).
  HistoryBackfill(HistoryConfig config, std::optional<MeterTime> published_through);

  // The meter's latest 30-minute boundary (EA/EB), published live by the owner. The half-hours
  // after published_through and before it are missing.
  void on_boundary(MeterTime boundary);
  // A read of one day of the meter's memory; answered with DayAnswered (at once when the meter
  // cannot hold that date).
  void read_day(std::string request_id, MeterDate date);
  // The link is gone: requests waiting are answered with `why`; the rest waits for the link.
  void on_link_down(const std::string& why);

  // Whether next_request() would give a frame now.
  bool wants_to_send() const;
  // The next frame (a SetC of E5, or a Get of E2 and E4) with TID 0: the owner numbers it.
  // nullopt while an answer is awaited or nothing is to be read.
  std::optional<echonet::Frame> next_request(const MeterIdentity& identity);
  // The meter's answer to the frame last given; nullopt when none came.
  void on_answer(const std::optional<echonet::Frame>& reply, const MeterIdentity& identity);

  std::optional<MeterTime> published_through() const { return through_; }
  std::vector<HistoryEvent> take_events();

 private:
  enum class Kind { backfill, request, latest_day };
  struct Job {
    Kind kind = Kind::backfill;
    MeterDate date;
    int day = 0;  // the E5 index
    std::string request_id;
    bool selected = false;  // E5 is set
    bool probe = false;     // read only to find how far back the meter's memory reaches
    int no_answers = 0;
  };

  bool backfill_pending() const;
  bool pick_job();
  // Steps past what needs no read: published live, or known to be gone (then lost).
  void settle_losses();
  void lose_until(MeterTime last);  // up to and including `last`
  void deliver(Job& job, const std::vector<HistoryRecord>& day);
  void not_held(Job& job, const std::string& why);
  void give_up(Job& job, const std::string& why);
  void set_through(MeterTime at);
  void finish_if_done();
  int live_between(MeterTime first, MeterTime last) const;  // both included
  std::optional<std::string> date_error(MeterDate date) const;
  template <typename Event>
  void emit(Event event) {
    events_.emplace_back(std::move(event));
  }
  void log(LogLevel level, std::string text);

  HistoryConfig config_;
  std::optional<MeterTime> through_;
  std::optional<MeterTime> latest_;
  std::optional<MeterDate> today_;
  std::optional<Job> job_;
  bool awaiting_ = false;
  std::deque<Job> requests_;
  std::optional<MeterDate> latest_day_due_;
  std::optional<MeterDate> latest_day_told_;  // told once per day, whichever read brought it
  bool paused_ = false;  // the meter stopped answering; wait for its next boundary

  // The backfill under way: what its last line reports.
  bool running_ = false;
  int recovered_ = 0;
  int lost_ = 0;
  std::optional<MeterTime> lost_first_;
  std::optional<MeterTime> lost_last_;
  int without_value_ = 0;
  // Boundaries the owner published live while the backfill ran: not missed, never read back.
  std::set<MeterTime> published_live_;
  // How far back the meter's memory reaches, as learnt during this backfill: it gave
  // `held_from_` and every day after it; it refused `gone_through_` and every day before it.
  std::optional<MeterDate> held_from_;
  std::optional<MeterDate> gone_through_;

  std::vector<HistoryEvent> events_;
};

}  // namespace hems::meter
