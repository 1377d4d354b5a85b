#pragma once

// The meter's side of the bridge, without I/O: the B-route session and the meter reader wired
// to each other, plus the on-demand gets and raw requests waiting for their answers. Bytes, the
// time and requests go in; commands for the transport and domain events come out, in order.
// The bridge carries out the commands and hands the events to the presenters.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/app/timed.hpp"
#include "hems/common/bytes.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/meter/reader.hpp"
#include "hems/wisun/session.hpp"

namespace hems::app {

namespace meter_link {
// Commands for the shell: the serial transport and the state dir.
struct WriteBytes {
  Bytes bytes;
};
struct OpenTransport {};
struct CloseTransport {};
struct SavePan {
  wisun::PanInfo pan;
};
struct ForgetPan {};
// Domain events.
struct LinkChanged {};  // the link's state or details changed: status() is new
struct AvailabilityChanged {
  bool online = false;
};
struct ValuesRead {  // values that passed every check, already merged into values()
  meter::MeterValues update;
  // Everything known once this reading was in. Several readings can come in one batch of
  // events, and by the time the shell presents the first, values() holds the last: each is
  // presented with its own.
  meter::MeterValues values;
};
struct IdentityRead {};  // identity() was read (after each join)
// The entities the meter has may have changed (identity read, single phase found): sent once
// after a batch of readings, so nothing is announced and then removed again.
struct DiscoveryDue {};
struct LinkEvent {  // "joined", "reauthenticated", "rescan", ...
  std::string type;
  std::string detail;
};
// A get that was waiting: answered from values() (`keys` empty: all of them), or failed.
struct GetAnswered {
  nlohmann::json transaction;
  std::vector<std::string> keys;
};
struct GetFailed {
  nlohmann::json transaction;
  std::string error;
};
// A raw request to the meter: the answer frame, nullopt when it timed out; `sent_only` for a
// SetI, which gets no answer when it works.
struct RawAnswered {
  nlohmann::json transaction;
  std::optional<echonet::Frame> frame;
  bool sent_only = false;
};
// Missed half-hours read back from the meter's memory, oldest first, each once.
struct HistoryRecovered {
  std::vector<meter::HistoryRecord> records;
};
// The meter's latest complete day.
struct HistoryLatestDay {
  meter::MeterDate date;
  std::vector<meter::HistoryRecord> records;
};
// Every half-hour up to this one is published or given up: kept in the state dir.
struct HistoryProgress {
  meter::MeterTime published_through;
};
// The answer to history_day().
struct HistoryAnswered {
  nlohmann::json transaction;
  Result<std::vector<meter::HistoryRecord>> records;
};
struct Log {
  LogLevel level = LogLevel::debug;
  std::string text;
};
}  // namespace meter_link

using MeterEvent =
    std::variant<meter_link::WriteBytes, meter_link::OpenTransport, meter_link::CloseTransport,
                 meter_link::SavePan, meter_link::ForgetPan, meter_link::LinkChanged,
                 meter_link::AvailabilityChanged, meter_link::ValuesRead, meter_link::IdentityRead,
                 meter_link::DiscoveryDue, meter_link::LinkEvent, meter_link::GetAnswered,
                 meter_link::GetFailed, meter_link::RawAnswered, meter_link::HistoryRecovered,
                 meter_link::HistoryLatestDay, meter_link::HistoryProgress,
                 meter_link::HistoryAnswered, meter_link::Log>;

// A get request from MQTT: the state keys wanted (empty: all) and the EPCs that carry them.
struct MeterGet {
  nlohmann::json transaction;  // null: nobody waits for an answer
  std::vector<std::string> keys;
  std::vector<std::uint8_t> epcs;
};

class MeterLink final : public Timed {
 public:
  // How long a get waits for the meter before it is answered with an error.
  static constexpr Duration kGetTimeout = std::chrono::seconds(60);

  MeterLink(wisun::SessionConfig session, meter::ReaderConfig reader);

  void start(TimePoint now);  // asks for the transport to be opened
  void stop(TimePoint now);   // ends the PANA session politely
  void on_transport_opened(TimePoint now);
  void on_transport_failed(TimePoint now, const std::string& reason);
  void on_bytes(ByteView bytes, TimePoint now);
  void on_timer(TimePoint now) override;
  std::optional<TimePoint> next_deadline() const override;

  void get(MeterGet request, TimePoint now);
  void raw(nlohmann::json transaction, echonet::Frame frame, TimePoint now);
  // Where the history stood when the bridge last ran (HistoryProgress); before start().
  void resume_history(std::optional<meter::MeterTime> published_through);
  // One day of the meter's 30-minute values; answered with HistoryAnswered.
  void history_day(nlohmann::json transaction, meter::MeterDate date, TimePoint now);

  std::vector<MeterEvent> take_events();

  const wisun::LinkStatus& status() const { return session_.status(); }
  const meter::MeterIdentity& identity() const { return reader_.identity(); }
  const meter::MeterValues& values() const { return values_; }
  bool link_up() const { return link_up_; }
  bool online() const { return online_; }
  bool single_phase() const { return single_phase_; }
  std::optional<TimePoint> last_reading_at() const { return last_reading_at_; }
  const meter::RequestCounts& request_counts() const { return reader_.request_counts(); }

 private:
  struct PendingGet {
    nlohmann::json transaction;
    std::vector<std::string> keys;      // empty: everything
    std::vector<std::uint8_t> waiting;  // EPCs asked for that have not come back yet
    TimePoint deadline;
  };
  struct PendingRaw {
    std::string id;
    nlohmann::json transaction;
  };

  // Runs the session and the reader until neither has anything left for the other.
  void pump(TimePoint now);
  void on_session_action(wisun::Action& action, TimePoint now);
  void on_reader_action(meter::ReaderAction& action, TimePoint now, bool& discovery_due);
  void set_online(bool online);
  void answer_pending_gets(const meter::MeterValues& update);
  void expire_pending_gets(TimePoint now);
  template <typename Event>
  void emit(Event event) {
    events_.emplace_back(std::move(event));
  }

  wisun::Session session_;
  meter::Reader reader_;
  meter::MeterValues values_;
  bool link_up_ = false;
  bool online_ = false;
  bool single_phase_ = false;
  std::optional<TimePoint> last_reading_at_;
  std::vector<PendingGet> pending_gets_;
  std::vector<PendingRaw> pending_raw_;
  std::vector<PendingRaw> pending_history_;  // history_day() requests, by the reader's id
  std::uint64_t raw_counter_ = 0;
  std::vector<MeterEvent> events_;
};

}  // namespace hems::app
