#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/wisun/dialect.hpp"
#include "hems/wisun/pan.hpp"
#include "hems/wisun/records.hpp"
#include "hems/wisun/stream_parser.hpp"

namespace hems::wisun {

enum class LinkState {
  closed,            // transport not open (waiting to open or reopen it)
  initialising,      // talking to the dongle: version, info, credentials
  scanning,          // active scan for the meter's PAN
  joining,           // PANA authentication running
  joined,            // session up: ECHONET frames can be sent
  reauthenticating,  // the dongle renews the PANA session (EVENT 29); sends are held
  waiting,           // pause before the next recovery step
};
std::string_view to_string(LinkState state);

struct SessionConfig {
  std::string route_b_id;             // 32 characters; never logged
  std::string password;               // 12 characters; never logged
  std::optional<Dialect> dialect;     // nullopt: detect from SKINFO
  std::optional<PanInfo> cached_pan;  // join directly, scan only when that fails
  std::vector<std::uint8_t> scan_durations{4, 5, 6, 6, 7, 8};  // increasing, one per attempt
  Duration command_timeout{5000};                              // OK/FAIL after a command
  Duration join_timeout{45000};      // EVENT 25/24 after SKJOIN (PANA retransmits ~38 s)
  Duration send_timeout{15000};      // EVENT 21 after SKSENDTO
  Duration settle_after_join{1000};  // quiet time before the first request
  Duration retry_pause{5000};        // between attempts of the same step
  Duration max_pause{600000};        // cap for the growing pause between ladder rounds
  int joins_before_rescan = 3;       // SKJOIN failures before the PAN is scanned again
  int rescans_before_reopen = 2;     // failed rescans before the serial port is reopened
  int command_timeouts_before_reopen = 2;
  int send_failures_before_rejoin = 3;  // EVENT 21 failures in a row before a rejoin
};

// What the session asks its owner to do, in order.
struct WriteBytes {
  Bytes bytes;
  std::string log_text;  // printable, secrets replaced; for trace logging only
};
struct OpenTransport {};
struct CloseTransport {};
struct FrameReceived {
  Bytes payload;       // the UDP payload from port 3610: an ECHONET Lite frame
  std::string sender;  // IPv6 of the sender
  bool multicast = false;
};
struct StateChanged {
  LinkState state;
  std::string detail;
};
struct SavePan {
  PanInfo pan;
};
struct ForgetPan {};
struct LinkEvent {  // worth a bridge/event message: "joined", "reauthenticated", "rescan", ...
  std::string type;
  std::string detail;
};
using LogLevel = hems::LogLevel;
struct LogMessage {
  LogLevel level;
  std::string text;
};
using Action = std::variant<WriteBytes, OpenTransport, CloseTransport, FrameReceived, StateChanged,
                            SavePan, ForgetPan, LinkEvent, LogMessage>;

// What the bridge shows as diagnostics.
struct LinkStatus {
  LinkState state = LinkState::closed;
  std::optional<Dialect> dialect;
  std::string firmware;  // EVER
  std::string app_firmware;
  std::optional<PanInfo> pan;
  std::optional<double> rssi_dbm;  // from the last EPANDESC LQI or ERXUDP RSSI field
  std::string last_error;
  bool transmit_limited = false;  // EVENT 32 until EVENT 33
};

// The SKSTACK IP session with the smart meter, as a state machine: bytes and time in, actions
// out. It keeps the PANA session up for months: scan, join, re-authentication, transmit-limit
// gating and an escalating recovery ladder (retry, join again, rescan, reopen the port, reset
// the dongle), each step after a pause that grows, so it never spins.
class Session {
 public:
  explicit Session(SessionConfig config);

  void start(TimePoint now);  // asks for the transport to be opened
  void on_transport_opened(TimePoint now);
  void on_transport_failed(TimePoint now, const std::string& reason);  // open failed or link lost
  void on_bytes(ByteView bytes, TimePoint now);
  void on_timer(TimePoint now);  // call when next_deadline() has passed (calling early is fine)

  // Queues an ECHONET Lite frame for the meter. Frames wait while the link is not joined, is
  // re-authenticating or under the transmit limit; the queue keeps only the newest few.
  void send_frame(Bytes frame, TimePoint now);
  bool ready_to_send() const;

  // The meter layer's verdicts: responses keep arriving / requests go unanswered.
  void report_meter_alive(TimePoint now);
  void report_meter_unresponsive(TimePoint now);

  // Orderly shutdown: SKTERM when joined.
  void stop(TimePoint now);

  std::optional<TimePoint> next_deadline() const;
  std::vector<Action> take_actions();
  const LinkStatus& status() const { return status_; }

 private:
  enum class Step {
    none,
    flush,
    echo_off,
    version,
    app_version,
    info,
    read_option,
    set_password,
    set_route_b_id,
    rssi_on,
    reset,
    scan,
    scan_wait,
    set_channel,
    set_pan_id,
    link_local,
    join,
    join_wait,
    terminate,
    terminate_wait,
    idle,
    sendto,
    pause,
  };
  enum class Recovery { rejoin, rescan, reopen, reset };

  void handle(const Record& record, TimePoint now);
  void handle_ok(const OkRecord& ok, TimePoint now);
  void handle_fail(const FailRecord& fail, TimePoint now);
  void handle_event(const EventRecord& event, TimePoint now);
  void handle_udp(const UdpRecord& udp, TimePoint now);

  void command(Step step, std::string line, TimePoint now, std::string log_text = {});
  void begin_init(TimePoint now);
  void after_credentials(TimePoint now);
  void begin_scan(TimePoint now);
  void finish_scan(TimePoint now);
  void begin_join(TimePoint now);
  void joined(TimePoint now);
  void pump_sends(TimePoint now);
  void pause_then(Recovery next, Duration pause, TimePoint now, std::string why);
  void escalate(TimePoint now, std::string why);
  void run_recovery(Recovery step, TimePoint now);
  void set_state(LinkState state, std::string detail,
                 LogLevel level_if_unchanged = LogLevel::debug);
  void log(LogLevel level, std::string text);
  Dialect dialect() const { return status_.dialect.value_or(Dialect::single_hop); }

  SessionConfig config_;
  StreamParser parser_;
  LinkStatus status_;
  std::vector<Action> actions_;

  Step step_ = Step::none;
  std::optional<TimePoint> deadline_;
  Recovery after_pause_ = Recovery::rejoin;
  bool dialect_fixed_ = false;     // from the config: never switched
  bool dialect_switched_ = false;  // auto: one fallback after ER05 on SKSCAN
  bool stopping_ = false;
  bool first_open_ = true;
  bool reset_on_init_ = false;  // the next initialisation starts with SKRESET

  std::size_t scan_attempt_ = 0;
  std::vector<PanDescriptorRecord> scan_results_;
  std::optional<PanInfo> target_;  // the PAN being joined
  bool target_from_cache_ = false;

  int join_failures_ = 0;
  int rescan_failures_ = 0;
  int command_timeouts_ = 0;
  int send_failures_ = 0;
  int unresponsive_reports_ = 0;
  int trouble_ = 0;        // position on the recovery ladder since the meter last answered
  int ladder_rounds_ = 0;  // full rounds of the ladder without success: grows the pause

  std::deque<Bytes> outbox_;
  std::optional<Bytes> in_flight_;  // sent, waiting for EVENT 21 + OK
  bool event21_seen_ = false;
  bool ok_seen_ = false;
  std::optional<TimePoint> settle_until_;
};

}  // namespace hems::wisun
