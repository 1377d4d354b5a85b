#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/meter/history_backfill.hpp"
#include "hems/meter/plausibility.hpp"
#include "hems/meter/values.hpp"

namespace hems::meter {

struct ReaderConfig {
  Duration instant_interval{10000};    // E7 + E8
  Duration energy_interval{60000};     // E0 + E3
  Duration fixed_interval{1800000};    // EA + EB when no notification came
  Duration response_timeout{12000};    // per try
  int tries = 3;                       // per request, same TID
  Duration min_gap{1000};              // between the end of one request and the next
  int misses_before_unresponsive = 2;  // requests that used up all their tries
  // Read back missed half-hours from the meter's memory (history_backfill.hpp), and the latest
  // complete day once a day.
  bool read_history = false;
};

// Actions for the owner, in order.
struct SendFrame {
  Bytes frame;
};
struct ValuesUpdated {
  MeterValues values;  // only values that passed every check
};
struct IdentityRead {
  MeterIdentity identity;
};
struct MeterUnresponsive {};
struct MeterAlive {};
struct RawReply {  // answer to submit_raw
  std::string request_id;
  std::optional<echonet::Frame> frame;  // nullopt: timed out
};
struct ReaderLog {
  LogLevel level;
  std::string text;
};
using ReaderAction = std::variant<SendFrame, ValuesUpdated, IdentityRead, MeterUnresponsive,
                                  MeterAlive, RawReply, ReaderLog, history::Recovered,
                                  history::LatestDay, history::DayAnswered, history::Progress>;

// How the requests to the meter ended, since the reader was made: for the metrics.
struct RequestCounts {
  std::uint64_t answered = 0;    // with a success ESV
  std::uint64_t refused = 0;     // with a failure ESV (SNA): the meter lacks a property asked for
  std::uint64_t unanswered = 0;  // no answer after all tries
  std::uint64_t retries = 0;     // sends after a request's first
};

// Reads the smart meter (class 0x0288) over an established link: identity first, then a poll
// schedule with one request in flight, properties batched into one frame, a minimum gap between
// requests, INF/INFC handling (INFC answered) and the plausibility checks. No I/O: frames in,
// frames and values out.
//
// History reads (read_history) come last: one is sent only when nothing live is due, and at most
// one between two live requests, with a single try and a wait of one poll interval (3 s at
// least), so a poll is held up by one poll interval at most and the radio's transmit time grows
// by one request per poll at most.
class Reader {
 public:
  explicit Reader(ReaderConfig config);

  void on_link_up(TimePoint now);    // the session can send
  void on_link_down(TimePoint now);  // the session is being re-established
  void on_frame(ByteView payload, TimePoint now);
  void on_timer(TimePoint now);

  // On-demand reads: everything, or a set of EPCs.
  void request_all(TimePoint now);
  void request_epcs(std::vector<std::uint8_t> epcs, TimePoint now);
  // A raw request to the meter; the reply comes back as RawReply with the same id.
  void submit_raw(std::string request_id, echonet::Frame frame, TimePoint now);
  // Where the history stands from the last run (history::Progress); call before the link is up.
  void resume_history(std::optional<MeterTime> published_through);
  // One day of the meter's memory; answered with history::DayAnswered under the same id.
  void read_history_day(std::string request_id, MeterDate date, TimePoint now);

  std::optional<TimePoint> next_deadline() const;
  std::vector<ReaderAction> take_actions();

  const MeterIdentity& identity() const { return identity_; }
  const MeterValues& values() const { return values_; }
  bool link_up() const { return link_up_; }
  const RequestCounts& request_counts() const { return counts_; }

 private:
  struct Request {
    echonet::Frame frame;
    int tries_left = 0;
    TimePoint deadline;
    std::string raw_id;       // non-empty for submit_raw
    bool background = false;  // a history read
  };
  struct Queued {
    echonet::Frame frame;
    std::string raw_id;
  };

  void schedule(TimePoint now);
  void send_next(TimePoint now);
  bool history_may_send() const;
  void send_history(TimePoint now);
  void take_history_events();
  void transmit(TimePoint now);
  void complete(const echonet::Frame& reply, TimePoint now);
  void apply_properties(const echonet::Frame& frame, bool from_request, TimePoint now);
  void apply_identity(const echonet::Frame& frame);
  void log(LogLevel level, std::string text);
  std::uint16_t next_tid();
  std::vector<std::uint8_t> supported(std::initializer_list<std::uint8_t> epcs) const;

  ReaderConfig config_;
  MeterIdentity identity_;
  bool identity_read_ = false;
  MeterValues values_;
  Plausibility plausibility_;
  bool link_up_ = false;
  std::uint16_t tid_ = 0;

  // Notifications from the meter that came while its identity was being read (after each join):
  // their energy values need the unit and digits, so they wait for them instead of being lost.
  std::vector<echonet::Frame> held_;
  std::optional<Request> in_flight_;
  std::vector<Queued> queue_;
  std::optional<TimePoint> earliest_send_;
  std::optional<TimePoint> instant_due_;
  std::optional<TimePoint> energy_due_;
  std::optional<TimePoint> fixed_due_;
  int misses_ = 0;
  RequestCounts counts_;
  std::optional<HistoryBackfill> history_;
  bool history_turn_ = false;  // a live request has been answered since the last history read
  std::vector<ReaderAction> actions_;
};

}  // namespace hems::meter
