#include "hems/wisun/session.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "session_internal.hpp"

namespace hems::wisun {

using namespace session_detail;

namespace {

RecoveryConfig recovery_config(const SessionConfig& config) {
  return {config.joins_before_rescan, config.rescans_before_reopen, config.retry_pause,
          config.max_pause};
}

SendGateConfig send_gate_config(const SessionConfig& config) {
  SendGateConfig gate;
  gate.failures_before_trouble = config.send_failures_before_rejoin;
  gate.retry_pause = config.retry_pause;
  return gate;
}

}  // namespace

Session::Session(SessionConfig config)
    : config_(std::move(config)),
      ladder_(recovery_config(config_)),
      sends_(send_gate_config(config_)) {
  if (config_.dialect) {
    status_.dialect = config_.dialect;
    dialect_fixed_ = true;
    parser_.set_dual_stack(*config_.dialect == Dialect::dual_stack);
  }
  if (config_.scan_durations.empty())
    config_.scan_durations = scan_ladder(kDefaultScanDurationMax);
  if (config_.cached_pan) {
    target_ = config_.cached_pan;
    target_from_cache_ = true;
  }
}

void Session::start(TimePoint now) {
  (void)now;
  set_state(LinkState::closed, "opening the dongle");
  actions_.emplace_back(OpenTransport{});
}

void Session::on_transport_opened(TimePoint now) {
  parser_.reset();
  if (!first_open_)
    actions_.emplace_back(LinkEvent{"dongle_found", "serial link reopened"});
  first_open_ = false;
  begin_init(now);
}

void Session::on_transport_failed(TimePoint now, const std::string& reason) {
  // Said once while the dongle stays away for the same reason; the retries every few seconds
  // are logged at debug.
  const bool news = status_.state != LinkState::closed || reason != status_.last_error;
  status_.last_error = reason;
  if (status_.state != LinkState::closed) {
    actions_.emplace_back(LinkEvent{"dongle_lost", reason});
  }
  sends_.abandon();
  actions_.emplace_back(CloseTransport{});
  // Reopen after a short pause, capped at a few seconds so a re-plugged dongle is used at once.
  const Duration pause = ladder_.link_lost();
  const std::string in = seconds_down(pause) + " s";
  log(news ? LogLevel::warning : LogLevel::debug,
      "dongle link lost or not available (retrying in " + in + "): " + reason);
  step_ = Step::pause;
  after_pause_ = Recovery::reopen;
  deadline_ = now + pause;
  set_state(LinkState::closed, "reopening in " + in);
}

void Session::on_bytes(ByteView bytes, TimePoint now) {
  parser_.feed(bytes);
  for (auto& warning : parser_.take_warnings()) {
    unreadable_input_ = true;
    log(LogLevel::debug, "serial input: " + warning);
  }
  while (auto record = parser_.next()) {
    // Any line the dongle could have written means the port speaks SKSTACK.
    unreadable_input_ = std::holds_alternative<UnknownRecord>(*record) ||
                        (unreadable_input_ && std::holds_alternative<EchoRecord>(*record));
    handle(*record, now);
  }
}

void Session::on_timer(TimePoint now) {
  if (sends_.release(now))
    pump_sends(now);
  if (!deadline_ || now < *deadline_)
    return;
  deadline_.reset();
  deadline_passed(now);
}

void Session::send_frame(Bytes frame, TimePoint now) {
  if (!sends_.queue(std::move(frame)))
    log(LogLevel::debug, "send queue full; dropped the oldest request");
  pump_sends(now);
}

void Session::meter_announced(TimePoint now) {
  // Only the settle hold ends early; a retry pause that replaced it stays.
  if (!settle_until_ || sends_.held_until() != settle_until_ || now >= *settle_until_)
    return;
  settle_until_.reset();
  log(LogLevel::debug, "the meter announced itself; no need to wait out the settle time");
  sends_.hold(now);
  if (sends_.release(now))
    pump_sends(now);
}

bool Session::ready_to_send() const {
  return status_.state == LinkState::joined && !status_.transmit_limited && !sends_.held();
}

void Session::report_meter_alive(TimePoint now) {
  (void)now;
  ladder_.reset();
  sends_.reset_failures();
}

void Session::report_meter_unresponsive(TimePoint now) {
  if (status_.state != LinkState::joined)
    return;  // recovery already under way
  if (status_.transmit_limited && now - transmit_limited_since_ < kTransmitLimitLongest) {
    // The requests were held by the limit, not lost by the meter; joining again would only
    // spend radio time the limit does not allow.
    log(LogLevel::debug, "meter requests unanswered under the transmit-time limit: waiting");
    return;
  }
  status_.last_error = "meter not answering";
  escalate(now, status_.last_error);
}

void Session::stop(TimePoint now) {
  stopping_ = true;
  sends_.drop_queued();
  if (status_.state == LinkState::joined || status_.state == LinkState::reauthenticating) {
    command(Step::terminate, "SKTERM\r\n", now);
  } else {
    step_ = Step::none;
    deadline_.reset();
    set_state(LinkState::closed, "stopped");
  }
}

std::optional<TimePoint> Session::next_deadline() const {
  const auto held_until = sends_.held_until();
  if (deadline_ && held_until)
    return std::min(*deadline_, *held_until);
  return deadline_ ? deadline_ : held_until;
}

std::vector<Action> Session::take_actions() {
  return std::exchange(actions_, {});
}

// ---- output ------------------------------------------------------------------------------------

void Session::command(Step step, std::string line, TimePoint now, std::string log_text) {
  step_ = step;
  deadline_ = now + config_.command_timeout;
  if (log_text.empty()) {
    log_text = line;
    while (!log_text.empty() && (log_text.back() == '\n' || log_text.back() == '\r')) {
      log_text.pop_back();
    }
  }
  log(LogLevel::trace, "tx " + log_text);
  actions_.emplace_back(WriteBytes{Bytes(line.begin(), line.end()), std::move(log_text)});
}

void Session::set_state(LinkState state, std::string detail, LogLevel level_if_unchanged) {
  const bool changed = state != status_.state;
  if (changed && !is_allowed(status_.state, state)) {
    // A change docs/session-states.md does not draw is a bug here: say so and stay put.
    log(LogLevel::error, std::string("B-route: undeclared state change from ") +
                             std::string(to_string(status_.state)) + " to " +
                             std::string(to_string(state)) + " refused (" + detail + ")");
    return;
  }
  status_.state = state;
  log(changed ? LogLevel::info : level_if_unchanged, std::string("B-route: ") +
                                                         std::string(to_string(state)) +
                                                         (detail.empty() ? "" : " - " + detail));
  actions_.emplace_back(StateChanged{state, std::move(detail)});
}

void Session::log(LogLevel level, std::string text) {
  // Whatever the dongle echoes or garbles, the credentials never leave in a log line.
  for (const std::string* secret : {&config_.password, &config_.route_b_id}) {
    if (secret->empty())
      continue;
    for (std::size_t at = text.find(*secret); at != std::string::npos;
         at = text.find(*secret, at)) {
      text.replace(at, secret->size(), "<redacted>");
    }
  }
  actions_.emplace_back(LogMessage{level, std::move(text)});
}

void Session::use_dialect(Dialect dialect) {
  status_.dialect = dialect;
  parser_.set_dual_stack(dialect == Dialect::dual_stack);
}

}  // namespace hems::wisun
