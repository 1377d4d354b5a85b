#include "hems/wisun/session.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace hems::wisun {
namespace {

constexpr std::uint16_t kEchonetPort = 0x0E1A;
constexpr std::uint16_t kPanaPort = 0x02CC;
constexpr std::size_t kOutboxLimit = 8;

std::string hex2(unsigned value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", width, value);
  return buf;
}

std::string fail_text(const FailRecord& fail) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "FAIL ER%02d", fail.code);
  return buf;
}

// Command lines that carry a secret are logged without it.
std::string redact_command(std::string_view line) {
  for (std::string_view secret_command : {"SKSETPWD", "SKSETRBID"}) {
    if (line.starts_with(secret_command))
      return std::string(secret_command) + " <redacted>";
  }
  return std::string(line);
}

}  // namespace

std::string_view to_string(LinkState state) {
  switch (state) {
    case LinkState::closed:
      return "closed";
    case LinkState::initialising:
      return "initialising";
    case LinkState::scanning:
      return "scanning";
    case LinkState::joining:
      return "joining";
    case LinkState::joined:
      return "joined";
    case LinkState::reauthenticating:
      return "reauthenticating";
    case LinkState::waiting:
      return "waiting";
  }
  return "unknown";
}

Session::Session(SessionConfig config) : config_(std::move(config)) {
  if (config_.dialect) {
    status_.dialect = config_.dialect;
    dialect_fixed_ = true;
    parser_.set_dual_stack(*config_.dialect == Dialect::dual_stack);
  }
  if (config_.scan_durations.empty())
    config_.scan_durations = {6};
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
  status_.last_error = reason;
  if (status_.state != LinkState::closed) {
    actions_.emplace_back(LinkEvent{"dongle_lost", reason});
  }
  in_flight_.reset();
  actions_.emplace_back(CloseTransport{});
  // Reopen after a pause that grows while the device stays away.
  ++ladder_rounds_;
  Duration pause = config_.retry_pause;
  for (int i = 1; i < ladder_rounds_ && pause < config_.max_pause; ++i)
    pause *= 2;
  pause = std::min(pause, config_.max_pause);
  log(LogLevel::warning, "dongle link lost or not available (retrying in " +
                             std::to_string(pause.count() / 1000) + " s): " + reason);
  step_ = Step::pause;
  after_pause_ = Recovery::reopen;
  deadline_ = now + pause;
  set_state(LinkState::closed, "reopening in " + std::to_string(pause.count() / 1000) + " s");
}

void Session::on_bytes(ByteView bytes, TimePoint now) {
  parser_.feed(bytes);
  for (auto& warning : parser_.take_warnings())
    log(LogLevel::debug, "serial input: " + warning);
  while (auto record = parser_.next())
    handle(*record, now);
}

void Session::on_timer(TimePoint now) {
  if (settle_until_ && now >= *settle_until_) {
    settle_until_.reset();
    pump_sends(now);
  }
  if (!deadline_ || now < *deadline_)
    return;
  deadline_.reset();
  switch (step_) {
    case Step::pause:
      run_recovery(after_pause_, now);
      return;
    case Step::scan_wait:
      log(LogLevel::warning, "scan did not end in time (no EVENT 22)");
      finish_scan(now);
      return;
    case Step::join_wait:
      status_.last_error = "join timed out (no EVENT 25/24)";
      log(LogLevel::warning, status_.last_error);
      escalate(now, status_.last_error);
      return;
    case Step::terminate_wait:
      if (stopping_) {
        step_ = Step::none;
        set_state(LinkState::closed, "stopped");
        return;
      }
      begin_join(now);
      return;
    case Step::sendto:
      ++send_failures_;
      log(LogLevel::warning, "no send result from the dongle (EVENT 21)");
      if (in_flight_)
        outbox_.push_front(std::move(*in_flight_));
      in_flight_.reset();
      step_ = Step::idle;
      escalate(now, "dongle did not confirm a send");
      return;
    case Step::idle:
      if (status_.state == LinkState::reauthenticating) {
        status_.last_error = "re-authentication did not finish";
        escalate(now, status_.last_error);
      }
      return;
    case Step::none:
      return;
    default: {
      ++command_timeouts_;
      status_.last_error = "dongle did not answer a command";
      log(LogLevel::warning, status_.last_error);
      if (command_timeouts_ >= config_.command_timeouts_before_reopen) {
        command_timeouts_ = 0;
        pause_then(Recovery::reopen, config_.retry_pause, now, "dongle not answering");
      } else {
        begin_init(now);
      }
      return;
    }
  }
}

void Session::send_frame(Bytes frame, TimePoint now) {
  if (outbox_.size() >= kOutboxLimit) {
    outbox_.pop_front();
    log(LogLevel::debug, "send queue full; dropped the oldest request");
  }
  outbox_.push_back(std::move(frame));
  pump_sends(now);
}

bool Session::ready_to_send() const {
  return status_.state == LinkState::joined && !status_.transmit_limited && !settle_until_;
}

void Session::report_meter_alive(TimePoint now) {
  (void)now;
  unresponsive_reports_ = 0;
  trouble_ = 0;
  ladder_rounds_ = 0;
  send_failures_ = 0;
}

void Session::report_meter_unresponsive(TimePoint now) {
  ++unresponsive_reports_;
  if (status_.state != LinkState::joined)
    return;  // recovery already under way
  status_.last_error = "meter not answering";
  escalate(now, status_.last_error);
}

void Session::stop(TimePoint now) {
  stopping_ = true;
  outbox_.clear();
  if (status_.state == LinkState::joined || status_.state == LinkState::reauthenticating) {
    command(Step::terminate, "SKTERM\r\n", now);
  } else {
    step_ = Step::none;
    deadline_.reset();
    set_state(LinkState::closed, "stopped");
  }
}

std::optional<TimePoint> Session::next_deadline() const {
  if (deadline_ && settle_until_)
    return std::min(*deadline_, *settle_until_);
  return deadline_ ? deadline_ : settle_until_;
}

std::vector<Action> Session::take_actions() {
  return std::exchange(actions_, {});
}

// ---- record dispatch ---------------------------------------------------------------------------

void Session::handle(const Record& record, TimePoint now) {
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, OkRecord>) {
          log(LogLevel::trace, "rx OK" + (r.value.empty() ? "" : " " + r.value));
          handle_ok(r, now);
        } else if constexpr (std::is_same_v<T, FailRecord>) {
          log(LogLevel::trace, "rx " + fail_text(r));
          handle_fail(r, now);
        } else if constexpr (std::is_same_v<T, EventRecord>) {
          log(LogLevel::trace, "rx EVENT " + hex2(r.number, 2) + " " + r.sender);
          handle_event(r, now);
        } else if constexpr (std::is_same_v<T, UdpRecord>) {
          handle_udp(r, now);
        } else if constexpr (std::is_same_v<T, PanDescriptorRecord>) {
          log(LogLevel::debug, "beacon: channel " + hex2(r.channel, 2) + ", PAN ID " +
                                   hex2(r.pan_id, 4) + ", LQI " + hex2(r.lqi, 2));
          if (step_ == Step::scan_wait || step_ == Step::scan)
            scan_results_.push_back(r);
        } else if constexpr (std::is_same_v<T, VersionRecord>) {
          status_.firmware = r.version;
        } else if constexpr (std::is_same_v<T, AppVersionRecord>) {
          status_.app_firmware = r.version;
        } else if constexpr (std::is_same_v<T, InfoRecord>) {
          if (!dialect_fixed_) {
            if (auto detected = dialect_from_info(r)) {
              status_.dialect = detected;
              parser_.set_dual_stack(*detected == Dialect::dual_stack);
            }
          }
        } else if constexpr (std::is_same_v<T, Ipv6Record>) {
          if (step_ == Step::link_local && target_) {
            target_->ipv6 = r.address;
            deadline_.reset();
            command(Step::join, "SKJOIN " + r.address + "\r\n", now);
          }
        } else if constexpr (std::is_same_v<T, EchoRecord>) {
          log(LogLevel::trace, "echo " + redact_command(r.text));
        } else if constexpr (std::is_same_v<T, RegisterRecord>) {
          log(LogLevel::trace, "rx ESREG " + r.value);
        } else if constexpr (std::is_same_v<T, UnknownRecord>) {
          log(LogLevel::debug, "unexpected line from the dongle: " + redact_command(r.text));
        }
      },
      record);
}

void Session::handle_ok(const OkRecord& ok, TimePoint now) {
  command_timeouts_ = 0;
  switch (step_) {
    case Step::echo_off:
      command(Step::version, "SKVER\r\n", now);
      return;
    case Step::version:
      command(Step::app_version, "SKAPPVER\r\n", now);
      return;
    case Step::app_version:
      command(Step::info, "SKINFO\r\n", now);
      return;
    case Step::info:
      if (!status_.dialect) {
        log(LogLevel::warning, "could not tell the dongle's dialect from SKINFO; assuming bp35a1");
        status_.dialect = Dialect::single_hop;
        parser_.set_dual_stack(false);
      }
      log(LogLevel::info, "dongle firmware " + (status_.firmware.empty() ? "?" : status_.firmware) +
                              ", dialect " + std::string(to_string(dialect())) +
                              (dialect_fixed_ ? " (configured)" : " (detected)"));
      // ROPT reads the payload display mode without writing flash. Both modes are read by
      // length, so WOPT (a flash write) is never needed.
      command(Step::read_option, "ROPT\r\n", now);
      return;
    case Step::read_option:
      if (ok.value == "01") {
        parser_.set_payload_format(PayloadFormat::hex);
      } else if (ok.value == "00") {
        parser_.set_payload_format(PayloadFormat::binary);
      } else {
        parser_.set_payload_format(PayloadFormat::unknown);
      }
      log(LogLevel::debug, "ERXUDP payloads are shown as " +
                               std::string(ok.value == "01"   ? "hex"
                                           : ok.value == "00" ? "binary"
                                                              : "(unknown, detected per packet)"));
      command(Step::set_password,
              "SKSETPWD " + hex2(static_cast<unsigned>(config_.password.size()), 1) + " " +
                  config_.password + "\r\n",
              now, "SKSETPWD <redacted>");
      return;
    case Step::set_password:
      command(Step::set_route_b_id, "SKSETRBID " + config_.route_b_id + "\r\n", now,
              "SKSETRBID <redacted>");
      return;
    case Step::set_route_b_id:
      if (dialect() == Dialect::dual_stack) {
        command(Step::rssi_on, "SKSREG SA2 1\r\n", now);
      } else {
        after_credentials(now);
      }
      return;
    case Step::rssi_on:
      after_credentials(now);
      return;
    case Step::reset:
      command(Step::echo_off, "SKSREG SFE 0\r\n", now);
      return;
    case Step::scan:
      step_ = Step::scan_wait;
      deadline_ = now + scan_time(config_.scan_durations[scan_attempt_]) + Duration(5000);
      return;
    case Step::set_channel:
      command(Step::set_pan_id, "SKSREG S3 " + hex2(target_->pan_id, 4) + "\r\n", now);
      return;
    case Step::set_pan_id:
      command(Step::link_local, "SKLL64 " + target_->mac + "\r\n", now);
      return;
    case Step::join:
      step_ = Step::join_wait;
      deadline_ = now + config_.join_timeout;
      set_state(LinkState::joining,
                "PANA authentication with the meter (usually a few seconds, up to " +
                    std::to_string(config_.join_timeout.count() / 1000) + " s)");
      return;
    case Step::terminate:
      step_ = Step::terminate_wait;
      deadline_ = now + Duration(10000);
      return;
    case Step::sendto:
      ok_seen_ = true;
      if (event21_seen_) {
        deadline_.reset();
        step_ = Step::idle;
        in_flight_.reset();
        send_failures_ = 0;
        pump_sends(now);
      }
      return;
    default:
      return;  // a late OK for a command that timed out: nothing to do
  }
}

void Session::handle_fail(const FailRecord& fail, TimePoint now) {
  command_timeouts_ = 0;
  const std::string what = fail_text(fail);
  switch (step_) {
    case Step::echo_off:
      command(Step::version, "SKVER\r\n", now);
      return;
    case Step::version:
    case Step::app_version:
      handle_ok(OkRecord{}, now);  // optional information: go on without it
      return;
    case Step::info:
      handle_ok(OkRecord{}, now);
      return;
    case Step::read_option:
      // FAIL ER04: no WOPT/ROPT on this firmware (e.g. RL7023 Stick-D/DSS).
      handle_ok(OkRecord{"unsupported"}, now);
      return;
    case Step::rssi_on:
      after_credentials(now);
      return;
    case Step::set_password:
    case Step::set_route_b_id:
      status_.last_error = "the dongle refused the B-route credentials (" + what + ")";
      log(LogLevel::error, status_.last_error);
      pause_then(Recovery::reset, config_.max_pause, now, status_.last_error);
      return;
    case Step::scan:
      if ((fail.code == 5 || fail.code == 6) && !dialect_fixed_ && !dialect_switched_) {
        dialect_switched_ = true;
        status_.dialect = other(dialect());
        parser_.set_dual_stack(dialect() == Dialect::dual_stack);
        log(LogLevel::warning, "SKSCAN answered " + what + "; switching to the " +
                                   std::string(to_string(dialect())) + " dialect");
        begin_scan(now);
        return;
      }
      status_.last_error = "SKSCAN failed: " + what;
      log(LogLevel::warning, status_.last_error);
      escalate(now, status_.last_error);
      return;
    case Step::join:
      if (fail.code == 10) {
        log(LogLevel::info, "the dongle still holds a session; ending it before joining");
        command(Step::terminate, "SKTERM\r\n", now);
        return;
      }
      status_.last_error = "SKJOIN failed: " + what;
      escalate(now, status_.last_error);
      return;
    case Step::terminate:
      // No session to end (OQ-4): continue with what the termination was for.
      if (stopping_) {
        step_ = Step::none;
        deadline_.reset();
        set_state(LinkState::closed, "stopped");
      } else {
        begin_join(now);
      }
      return;
    case Step::sendto:
      log(LogLevel::warning, "SKSENDTO refused: " + what);
      if (in_flight_)
        outbox_.push_front(std::move(*in_flight_));
      in_flight_.reset();
      step_ = Step::idle;
      deadline_.reset();
      if (++send_failures_ >= config_.send_failures_before_rejoin) {
        escalate(now, "sends keep failing");
      } else {
        settle_until_ = now + config_.retry_pause;
      }
      return;
    case Step::set_channel:
    case Step::set_pan_id:
    case Step::link_local:
      status_.last_error = "join preparation failed: " + what;
      escalate(now, status_.last_error);
      return;
    default:
      log(LogLevel::debug, "unexpected " + what);
      return;
  }
}

void Session::handle_event(const EventRecord& event, TimePoint now) {
  switch (event.number) {
    case 0x21:
      if (step_ != Step::sendto)
        return;  // the join's own sends
      if (event.param == 0x02)
        return;  // neighbour discovery; the real result follows
      if (event.param == 0x00) {
        event21_seen_ = true;
        if (ok_seen_) {
          deadline_.reset();
          step_ = Step::idle;
          in_flight_.reset();
          send_failures_ = 0;
          pump_sends(now);
        }
        return;
      }
      // 01 or anything else: the radio send failed. Send the same frame again after a pause.
      log(LogLevel::debug, "radio send failed (EVENT 21); will retry");
      if (in_flight_)
        outbox_.push_front(std::move(*in_flight_));
      in_flight_.reset();
      if (++send_failures_ >= config_.send_failures_before_rejoin) {
        step_ = Step::idle;
        deadline_.reset();
        escalate(now, "radio sends keep failing");
        return;
      }
      // Wait for the OK that follows, then pause before the retry.
      event21_seen_ = true;
      settle_until_ = now + config_.retry_pause;
      if (ok_seen_) {
        step_ = Step::idle;
        deadline_.reset();
      }
      return;
    case 0x22:
      if (step_ == Step::scan_wait)
        finish_scan(now);
      return;
    case 0x24:
      if (step_ == Step::join_wait) {
        status_.last_error =
            "PANA authentication failed (EVENT 24): check the B-route ID and "
            "password, or the meter is busy with another session";
        log(LogLevel::warning, status_.last_error);
        escalate(now, status_.last_error);
      } else if (status_.state == LinkState::reauthenticating ||
                 status_.state == LinkState::joined) {
        status_.last_error = "re-authentication failed (EVENT 24)";
        log(LogLevel::warning, status_.last_error + "; joining again");
        actions_.emplace_back(LinkEvent{"session_lost", status_.last_error});
        step_ = Step::none;
        begin_join(now);
      }
      return;
    case 0x25:
      if (step_ == Step::join_wait) {
        joined(now);
      } else if (status_.state == LinkState::reauthenticating) {
        set_state(LinkState::joined, "session renewed");
        actions_.emplace_back(LinkEvent{"reauthenticated", ""});
        if (step_ == Step::idle)
          deadline_.reset();
        pump_sends(now);
      }
      return;
    case 0x26:
    case 0x27:
    case 0x28:
      if (step_ == Step::terminate_wait) {
        deadline_.reset();
        if (stopping_) {
          step_ = Step::none;
          set_state(LinkState::closed, "session ended");
        } else {
          begin_join(now);
        }
        return;
      }
      if (status_.state == LinkState::joined || status_.state == LinkState::reauthenticating) {
        status_.last_error = event.number == 0x26
                                 ? "the meter ended the session (EVENT 26)"
                                 : "the session ended (EVENT " + hex2(event.number, 2) + ")";
        log(LogLevel::warning, status_.last_error + "; joining again");
        actions_.emplace_back(LinkEvent{"session_lost", status_.last_error});
        in_flight_.reset();
        pause_then(Recovery::rejoin, Duration(1000), now, status_.last_error);
      }
      return;
    case 0x29:
      if (status_.state == LinkState::joined) {
        set_state(LinkState::reauthenticating, "session lifetime ended; the dongle renews it");
        if (step_ == Step::idle)
          deadline_ = now + config_.join_timeout;
      }
      return;
    case 0x32:
      status_.transmit_limited = true;
      log(LogLevel::warning,
          "radio transmit-time limit reached (ARIB STD-T108, EVENT 32): requests paused until "
          "the dongle lifts it; consider a longer instant_interval");
      actions_.emplace_back(LinkEvent{"transmit_limited", ""});
      return;
    case 0x33:
      status_.transmit_limited = false;
      log(LogLevel::info, "transmit-time limit lifted (EVENT 33)");
      pump_sends(now);
      return;
    default:
      return;  // 01, 02, 05, 1F, C0 ...: nothing to do
  }
}

void Session::handle_udp(const UdpRecord& udp, TimePoint now) {
  (void)now;
  if (udp.remote_port == kPanaPort || udp.local_port == kPanaPort) {
    // PANA payloads can carry the Route-B ID: never log their bytes.
    log(LogLevel::trace, "rx PANA packet, " + std::to_string(udp.data.size()) + " bytes (ignored)");
    return;
  }
  if (udp.side && *udp.side != 0) {
    log(LogLevel::trace, "rx packet on the HAN side (ignored)");
    return;
  }
  if (udp.local_port != kEchonetPort) {
    log(LogLevel::debug, "rx UDP on port " + hex2(udp.local_port, 4) + " (ignored)");
    return;
  }
  log(LogLevel::trace, "rx ECHONET from " + udp.sender + ": " + to_hex(udp.data));
  if (udp.rssi && *udp.rssi >= 0 && *udp.rssi <= 0xFF) {
    status_.rssi_dbm = lqi_to_rssi(static_cast<std::uint8_t>(*udp.rssi));
  }
  actions_.emplace_back(FrameReceived{udp.data, udp.sender, udp.destination.starts_with("FF02")});
}

// ---- steps -------------------------------------------------------------------------------------

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

void Session::begin_init(TimePoint now) {
  set_state(LinkState::initialising, "checking the dongle");
  in_flight_.reset();
  event21_seen_ = ok_seen_ = false;
  status_.transmit_limited = false;
  if (reset_on_init_) {
    reset_on_init_ = false;
    log(LogLevel::info, "resetting the dongle (SKRESET)");
    command(Step::reset, "SKRESET\r\n", now);
    return;
  }
  // Echo off first: it keeps command lines (and the credentials in them) off the input.
  command(Step::echo_off, "SKSREG SFE 0\r\n", now);
}

void Session::after_credentials(TimePoint now) {
  if (target_) {
    begin_join(now);
  } else {
    scan_attempt_ = 0;
    begin_scan(now);
  }
}

void Session::begin_scan(TimePoint now) {
  scan_results_.clear();
  const std::uint8_t duration = config_.scan_durations[scan_attempt_];
  const auto expected = scan_time(duration);
  // Every scan is announced, not just the first: the later ones are the long ones, and a user
  // watching the log should see that something is happening and for how long.
  set_state(LinkState::scanning,
            "active scan " + std::to_string(scan_attempt_ + 1) + "/" +
                std::to_string(config_.scan_durations.size()) + " (duration " +
                std::to_string(duration) + ", about " +
                std::to_string((expected.count() + 999) / 1000) + " s)",
            LogLevel::info);
  command(Step::scan, scan_command(dialect(), duration), now);
}

void Session::finish_scan(TimePoint now) {
  deadline_.reset();
  // Prefer the PAN whose pairing ID matches our Route-B ID (its last 8 characters), then LQI.
  const std::string pair_id = config_.route_b_id.size() >= 8
                                  ? config_.route_b_id.substr(config_.route_b_id.size() - 8)
                                  : std::string{};
  const PanDescriptorRecord* best = nullptr;
  for (const auto& pan : scan_results_) {
    auto rank = [&](const PanDescriptorRecord& p) {
      return std::pair{!pair_id.empty() && p.pair_id == pair_id, p.lqi};
    };
    if (!best || rank(pan) > rank(*best))
      best = &pan;
  }
  if (!best) {
    ++scan_attempt_;
    if (scan_attempt_ < config_.scan_durations.size()) {
      log(LogLevel::info, "no meter heard; scanning again with a longer duration");
      begin_scan(now);
      return;
    }
    scan_attempt_ = 0;
    status_.last_error =
        "no meter found by the active scan: check that the dongle is near the "
        "meter and that the B-route ID is right";
    log(LogLevel::warning, status_.last_error);
    escalate(now, status_.last_error);
    return;
  }
  PanInfo pan;
  pan.channel = best->channel;
  pan.pan_id = best->pan_id;
  pan.mac = best->address;
  pan.lqi = best->lqi;
  status_.rssi_dbm = lqi_to_rssi(best->lqi);
  log(LogLevel::info, "found the meter: channel " + hex2(pan.channel, 2) + ", PAN ID " +
                          hex2(pan.pan_id, 4) + ", LQI " + hex2(pan.lqi, 2));
  target_ = pan;
  target_from_cache_ = false;
  scan_attempt_ = 0;
  begin_join(now);
}

void Session::begin_join(TimePoint now) {
  if (!target_) {
    begin_scan(now);
    return;
  }
  status_.pan = target_;
  set_state(LinkState::joining, std::string("joining channel ") + hex2(target_->channel, 2) +
                                    ", PAN ID " + hex2(target_->pan_id, 4) +
                                    (target_from_cache_ ? " (from the PAN cache, no scan)" : ""));
  command(Step::set_channel, "SKSREG S2 " + hex2(target_->channel, 2) + "\r\n", now);
}

void Session::joined(TimePoint now) {
  deadline_.reset();
  step_ = Step::idle;
  status_.pan = target_;
  status_.last_error.clear();
  set_state(LinkState::joined, "PANA session established");
  actions_.emplace_back(LinkEvent{"joined", ""});
  actions_.emplace_back(SavePan{*target_});
  command_timeouts_ = 0;
  send_failures_ = 0;
  settle_until_ = now + config_.settle_after_join;
}

void Session::pump_sends(TimePoint now) {
  if (step_ != Step::idle || status_.state != LinkState::joined)
    return;
  if (status_.transmit_limited || settle_until_ || outbox_.empty())
    return;
  in_flight_ = std::move(outbox_.front());
  outbox_.pop_front();
  event21_seen_ = ok_seen_ = false;
  Bytes bytes = sendto_command(dialect(), target_->ipv6, *in_flight_);
  std::string text =
      sendto_header(dialect(), target_->ipv6, in_flight_->size()) + "<" + to_hex(*in_flight_) + ">";
  log(LogLevel::trace, "tx " + text);
  step_ = Step::sendto;
  deadline_ = now + config_.send_timeout;
  actions_.emplace_back(WriteBytes{std::move(bytes), std::move(text)});
}

void Session::pause_then(Recovery next, Duration pause, TimePoint now, std::string why) {
  step_ = Step::pause;
  after_pause_ = next;
  deadline_ = now + pause;
  static constexpr const char* kNames[] = {"join again", "scan again", "reopen the serial port",
                                           "reset the dongle"};
  set_state(LinkState::waiting, why + "; will " + kNames[static_cast<int>(next)] + " in " +
                                    std::to_string((pause.count() + 999) / 1000) + " s");
}

void Session::escalate(TimePoint now, std::string why) {
  ++trouble_;
  const int rejoins = std::max(1, config_.joins_before_rescan);
  const int rescans = std::max(1, config_.rescans_before_reopen);
  Recovery next;
  if (trouble_ <= rejoins) {
    next = target_ ? Recovery::rejoin : Recovery::rescan;
  } else if (trouble_ <= rejoins + rescans) {
    next = Recovery::rescan;
  } else if (trouble_ == rejoins + rescans + 1) {
    next = Recovery::reopen;
  } else if (trouble_ == rejoins + rescans + 2) {
    next = Recovery::reset;
  } else {
    trouble_ = 1;
    ++ladder_rounds_;
    next = target_ ? Recovery::rejoin : Recovery::rescan;
  }
  Duration pause = config_.retry_pause;
  for (int i = 0; i < ladder_rounds_ && pause < config_.max_pause; ++i)
    pause *= 2;
  pause = std::min(pause, config_.max_pause);
  pause_then(next, pause, now, std::move(why));
}

void Session::run_recovery(Recovery step, TimePoint now) {
  switch (step) {
    case Recovery::rejoin:
      actions_.emplace_back(LinkEvent{"rejoin", status_.last_error});
      if (status_.state == LinkState::joined || status_.state == LinkState::reauthenticating ||
          step_ == Step::pause) {
        // End whatever the dongle still holds before a deliberate new join.
        command(Step::terminate, "SKTERM\r\n", now);
      } else {
        begin_join(now);
      }
      return;
    case Recovery::rescan:
      actions_.emplace_back(LinkEvent{"rescan", status_.last_error});
      if (target_from_cache_)
        actions_.emplace_back(ForgetPan{});
      target_.reset();
      target_from_cache_ = false;
      scan_attempt_ = 0;
      if (status_.state == LinkState::closed) {
        actions_.emplace_back(OpenTransport{});
        return;
      }
      begin_scan(now);
      return;
    case Recovery::reopen:
      actions_.emplace_back(LinkEvent{"reopen", status_.last_error});
      set_state(LinkState::closed, "reopening the serial port");
      step_ = Step::none;
      deadline_.reset();
      actions_.emplace_back(CloseTransport{});
      actions_.emplace_back(OpenTransport{});
      return;
    case Recovery::reset:
      actions_.emplace_back(LinkEvent{"reset", status_.last_error});
      reset_on_init_ = true;
      begin_init(now);
      return;
  }
}

void Session::set_state(LinkState state, std::string detail, LogLevel level_if_unchanged) {
  const bool changed = state != status_.state;
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

}  // namespace hems::wisun
