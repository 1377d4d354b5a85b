// Where each input goes: a record from the dongle to the phase whose command or wait it answers,
// a passed deadline to the step that set it.
#include <string>

#include "hems/wisun/session.hpp"
#include "session_internal.hpp"

namespace hems::wisun {

using namespace session_detail;

namespace {

// Command lines that carry a secret are logged without it.
std::string redact_command(std::string_view line) {
  for (std::string_view secret_command : {"SKSETPWD", "SKSETRBID"}) {
    if (line.starts_with(secret_command))
      return std::string(secret_command) + " <redacted>";
  }
  return std::string(line);
}

}  // namespace

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
          handle_udp(r);
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
            if (auto detected = dialect_from_info(r))
              use_dialect(*detected);
          }
        } else if constexpr (std::is_same_v<T, Ipv6Record>) {
          on_link_local(r, now);
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

// An OK or FAIL answers the command of the current step; the phase that sent it handles it.
void Session::handle_ok(const OkRecord& ok, TimePoint now) {
  command_timeouts_ = 0;
  switch (step_) {
    case Step::echo_off:
    case Step::version:
    case Step::app_version:
    case Step::info:
    case Step::read_option:
    case Step::set_password:
    case Step::set_route_b_id:
    case Step::rssi_on:
    case Step::reset:
      startup_ok(ok, now);
      return;
    case Step::scan:
      step_ = Step::scan_wait;
      deadline_ = now + scan_time(config_.scan_durations[scan_attempt_]) + kScanEndMargin;
      return;
    case Step::set_channel:
    case Step::set_pan_id:
    case Step::join:
    case Step::terminate:
      join_ok(now);
      return;
    case Step::sendto:
      after_send_reply(sends_.on_accepted(), {}, now);
      return;
    default:
      return;  // a late OK for a command that timed out: nothing to do
  }
}

void Session::handle_fail(const FailRecord& fail, TimePoint now) {
  command_timeouts_ = 0;
  switch (step_) {
    case Step::echo_off:
    case Step::version:
    case Step::app_version:
    case Step::info:
    case Step::read_option:
    case Step::rssi_on:
    case Step::set_password:
    case Step::set_route_b_id:
      startup_fail(fail, now);
      return;
    case Step::scan:
      scan_failed(fail, now);
      return;
    case Step::set_channel:
    case Step::set_pan_id:
    case Step::link_local:
    case Step::join:
    case Step::terminate:
      join_fail(fail, now);
      return;
    case Step::sendto:
      log(LogLevel::warning, "SKSENDTO refused: " + fail_text(fail));
      after_send_reply(sends_.on_refused(now), "sends keep failing", now);
      return;
    default:
      log(LogLevel::debug, "unexpected " + fail_text(fail));
      return;
  }
}

void Session::handle_event(const EventRecord& event, TimePoint now) {
  switch (event.number) {
    case kEventSendDone:
      on_send_result(event, now);
      return;
    case kEventScanDone:
      if (step_ == Step::scan_wait)
        finish_scan(now);
      return;
    case kEventJoinFailed:
      on_join_refused(now);
      return;
    case kEventJoined:
      on_join_accepted(now);
      return;
    case kEventEndedByMeter:
    case kEventEnded:
    case kEventEndTimedOut:
      on_session_ended(event, now);
      return;
    case kEventLifetimeOver:
      on_session_expired(now);
      return;
    case kEventTransmitLimited:
    case kEventTransmitAllowed:
      on_transmit_limit(event.number == kEventTransmitLimited, now);
      return;
    default:
      return;  // 01, 02, 05, 1F, C0 ...: nothing to do
  }
}

void Session::deadline_passed(TimePoint now) {
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
      terminated(now, "stopped");
      return;
    case Step::sendto:
      log(LogLevel::warning, "no send result from the dongle (EVENT 21)");
      sends_.on_timeout();
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
    default:
      command_timed_out(now);
      return;
  }
}

// Once, the dongle may have missed a line: start over. Twice in a row, it is wedged: reopen.
void Session::command_timed_out(TimePoint now) {
  ++command_timeouts_;
  status_.last_error = "dongle did not answer a command";
  if (unreadable_input_) {
    // Bytes came back but none of them made a line of SKSTACK: the wrong speed, or not the
    // Wi-SUN dongle at all. Said in words a user can act on.
    status_.last_error +=
        "; what came back was unreadable (check that the port is the Wi-SUN dongle and that it "
        "runs at 115200 baud)";
  }
  log(LogLevel::warning, status_.last_error);
  if (command_timeouts_ >= config_.command_timeouts_before_reopen) {
    command_timeouts_ = 0;
    pause_then(Recovery::reopen, config_.retry_pause, now, "dongle not answering");
  } else {
    begin_init(now);
  }
}

}  // namespace hems::wisun
