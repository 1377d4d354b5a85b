#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/wisun/dialect.hpp"
#include "hems/wisun/link_state.hpp"
#include "hems/wisun/pan.hpp"
#include "hems/wisun/records.hpp"
#include "hems/wisun/recovery_ladder.hpp"
#include "hems/wisun/scan_ladder.hpp"
#include "hems/wisun/send_gate.hpp"
#include "hems/wisun/stream_parser.hpp"

namespace hems::wisun {

struct SessionConfig {
  std::string route_b_id;             // 32 characters; never logged
  std::string password;               // 12 characters; never logged
  std::optional<Dialect> dialect;     // nullopt: detect from SKINFO
  std::optional<PanInfo> cached_pan;  // join directly, scan only when that fails
  // One active scan per DURATION, in order, until the meter answers (see scan_ladder()).
  std::vector<std::uint8_t> scan_durations = scan_ladder(kDefaultScanDurationMax);
  Duration command_timeout = seconds(5);    // OK/FAIL after a command
  Duration join_timeout = seconds(45);      // EVENT 25/24 after SKJOIN (PANA retransmits ~38 s)
  Duration send_timeout = seconds(15);      // EVENT 21 after SKSENDTO
  Duration settle_after_join = seconds(1);  // quiet time before the first request
  Duration retry_pause = seconds(5);        // between attempts of the same step
  Duration max_pause = std::chrono::minutes(10);  // cap for the growing pause between rounds
  int joins_before_rescan = 3;                    // SKJOIN failures before the PAN is scanned again
  int rescans_before_reopen = 2;  // failed rescans before the serial port is reopened
  int command_timeouts_before_reopen = 2;
  int send_failures_before_rejoin = 3;  // failed sends in a row before the recovery ladder
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
// the dongle), each step after a pause that grows, so it never spins. Its states and their
// transitions are drawn in docs/session-states.md.
//
// The work is split by phase: session.cpp takes the inputs, session_dispatch.cpp routes each
// record and deadline to the phase it belongs to, session_startup.cpp talks to the dongle up to
// the credentials, session_join.cpp finds and joins the meter's PAN, and session_link.cpp keeps
// the joined link (sends, events, recovery).
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

  // The meter's ECHONET Lite node said it is up (the instance list it multicasts after a join):
  // the rest of the settle time after the join is not needed, the first request goes now.
  void meter_announced(TimePoint now);

  // The meter layer's verdicts: responses keep arriving / requests go unanswered.
  void report_meter_alive(TimePoint now);
  void report_meter_unresponsive(TimePoint now);

  // Orderly shutdown: SKTERM when joined.
  void stop(TimePoint now);

  std::optional<TimePoint> next_deadline() const;
  std::vector<Action> take_actions();
  const LinkStatus& status() const { return status_; }

 private:
  // The command the session waits on (or, for the *_wait steps, the event).
  enum class Step {
    none,
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

  // session_dispatch.cpp: what each record and passed deadline means.
  void handle(const Record& record, TimePoint now);
  void handle_ok(const OkRecord& ok, TimePoint now);
  void handle_fail(const FailRecord& fail, TimePoint now);
  void handle_event(const EventRecord& event, TimePoint now);
  void deadline_passed(TimePoint now);
  void command_timed_out(TimePoint now);

  // session.cpp: commands, state and log.
  void command(Step step, std::string line, TimePoint now, std::string log_text = {});
  void set_state(LinkState state, std::string detail,
                 LogLevel level_if_unchanged = LogLevel::debug);
  void log(LogLevel level, std::string text);
  Dialect dialect() const { return status_.dialect.value_or(Dialect::single_hop); }
  void use_dialect(Dialect dialect);

  // session_startup.cpp: from an open port to the credentials.
  void begin_init(TimePoint now);
  void startup_ok(const OkRecord& ok, TimePoint now);
  void startup_fail(const FailRecord& fail, TimePoint now);
  void after_credentials(TimePoint now);

  // session_join.cpp: scanning for the meter, joining it, ending a session.
  void begin_scan(TimePoint now);
  void scan_failed(const FailRecord& fail, TimePoint now);
  void finish_scan(TimePoint now);
  void begin_join(TimePoint now);
  void join_ok(TimePoint now);
  void join_fail(const FailRecord& fail, TimePoint now);
  void on_link_local(const Ipv6Record& address, TimePoint now);
  void on_join_refused(TimePoint now);   // EVENT 24
  void on_join_accepted(TimePoint now);  // EVENT 25
  void joined(TimePoint now);
  void terminated(TimePoint now, std::string detail);  // SKTERM done: stop, or join again

  // session_link.cpp: the joined link.
  void pump_sends(TimePoint now);
  void after_send_reply(SendVerdict verdict, std::string why, TimePoint now);
  void on_send_result(const EventRecord& event, TimePoint now);    // EVENT 21
  void on_session_ended(const EventRecord& event, TimePoint now);  // EVENT 26, 27, 28
  void on_session_expired(TimePoint now);                          // EVENT 29
  void on_transmit_limit(bool limited, TimePoint now);             // EVENT 32, 33
  void handle_udp(const UdpRecord& udp);
  void pause_then(Recovery next, Duration pause, TimePoint now, std::string why);
  void escalate(TimePoint now, std::string why);
  void run_recovery(Recovery step, TimePoint now);

  SessionConfig config_;
  StreamParser parser_;
  LinkStatus status_;
  std::vector<Action> actions_;

  Step step_ = Step::none;
  std::optional<TimePoint> deadline_;  // the current step's
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

  int command_timeouts_ = 0;            // in a row: the dongle itself is not answering
  bool unreadable_input_ = false;       // noise or unknown lines since the dongle last made sense
  TimePoint transmit_limited_since_{};  // EVENT 32
  RecoveryLadder ladder_;
  SendGate sends_;
  std::optional<TimePoint> settle_until_;  // the hold after the last join
};

}  // namespace hems::wisun
