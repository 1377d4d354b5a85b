// Finding the meter (the active-scan ladder, the PAN choice) and joining it (channel, PAN ID,
// link-local address, SKJOIN, PANA), including the dongle's own re-authentication and SKTERM.
#include <string>

#include "hems/wisun/pan_choice.hpp"
#include "hems/wisun/session.hpp"
#include "session_internal.hpp"

namespace hems::wisun {

using namespace session_detail;

void Session::begin_scan(TimePoint now) {
  scan_results_.clear();
  const std::uint8_t duration = config_.scan_durations[scan_attempt_];
  // Every scan is announced, not just the first: the later ones are the long ones, and a user
  // watching the log should see that something is happening and for how long.
  set_state(LinkState::scanning,
            "active scan " + std::to_string(scan_attempt_ + 1) + "/" +
                std::to_string(config_.scan_durations.size()) + " (duration " +
                std::to_string(duration) + ", about " + seconds_up(scan_time(duration)) + " s)",
            LogLevel::info);
  command(Step::scan, scan_command(dialect(), duration), now);
}

void Session::scan_failed(const FailRecord& fail, TimePoint now) {
  const std::string what = fail_text(fail);
  // Auto-detection guessed the syntax from SKINFO; a firmware that disagrees says so here, once.
  const bool syntax_refused = fail.code == kErrorArgumentCount || fail.code == kErrorArgumentValue;
  if (syntax_refused && !dialect_fixed_ && !dialect_switched_) {
    dialect_switched_ = true;
    use_dialect(other(dialect()));
    log(LogLevel::warning, "SKSCAN answered " + what + "; switching to the " +
                               std::string(to_string(dialect())) + " dialect");
    begin_scan(now);
    return;
  }
  status_.last_error = "SKSCAN failed: " + what;
  log(LogLevel::warning, status_.last_error);
  escalate(now, status_.last_error);
}

void Session::finish_scan(TimePoint now) {
  deadline_.reset();
  const auto pan = choose_pan(scan_results_, config_.route_b_id);
  if (!pan) {
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
  status_.rssi_dbm = lqi_to_rssi(pan->lqi);
  log(LogLevel::info, "found the meter: channel " + hex2(pan->channel, 2) + ", PAN ID " +
                          hex2(pan->pan_id, 4) + ", LQI " + hex2(pan->lqi, 2));
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

void Session::join_ok(TimePoint now) {
  switch (step_) {
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
                    seconds_down(config_.join_timeout) + " s)");
      return;
    case Step::terminate:
      step_ = Step::terminate_wait;
      deadline_ = now + kTerminateWait;
      return;
    default:
      return;
  }
}

void Session::join_fail(const FailRecord& fail, TimePoint now) {
  const std::string what = fail_text(fail);
  switch (step_) {
    case Step::join:
      if (fail.code == kErrorWrongState) {
        log(LogLevel::info, "the dongle still holds a session; ending it before joining");
        command(Step::terminate, "SKTERM\r\n", now);
        return;
      }
      status_.last_error = "SKJOIN failed: " + what;
      escalate(now, status_.last_error);
      return;
    case Step::terminate:
      // No session to end (OQ-4): continue with what the termination was for.
      terminated(now, "stopped");
      return;
    case Step::set_channel:
    case Step::set_pan_id:
    case Step::link_local:
      status_.last_error = "join preparation failed: " + what;
      escalate(now, status_.last_error);
      return;
    default:
      return;
  }
}

// SKLL64's answer: the meter's link-local address, which SKJOIN and SKSENDTO take.
void Session::on_link_local(const Ipv6Record& address, TimePoint now) {
  if (step_ != Step::link_local || !target_)
    return;
  target_->ipv6 = address.address;
  deadline_.reset();
  command(Step::join, "SKJOIN " + address.address + "\r\n", now);
}

void Session::on_join_refused(TimePoint now) {
  if (step_ == Step::join_wait) {
    status_.last_error =
        "PANA authentication failed (EVENT 24): check the B-route ID and "
        "password, or the meter is busy with another session";
    log(LogLevel::warning, status_.last_error);
    escalate(now, status_.last_error);
  } else if (status_.state == LinkState::reauthenticating || status_.state == LinkState::joined) {
    status_.last_error = "re-authentication failed (EVENT 24)";
    log(LogLevel::warning, status_.last_error + "; joining again");
    actions_.emplace_back(LinkEvent{"session_lost", status_.last_error});
    step_ = Step::none;
    begin_join(now);
  }
}

void Session::on_join_accepted(TimePoint now) {
  if (step_ == Step::join_wait) {
    joined(now);
  } else if (status_.state == LinkState::reauthenticating) {
    set_state(LinkState::joined, "session renewed");
    actions_.emplace_back(LinkEvent{"reauthenticated", ""});
    if (step_ == Step::idle)
      deadline_.reset();
    pump_sends(now);
  }
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
  sends_.reset_failures();
  settle_until_ = now + config_.settle_after_join;
  sends_.hold(*settle_until_);
}

void Session::terminated(TimePoint now, std::string detail) {
  deadline_.reset();
  if (stopping_) {
    step_ = Step::none;
    set_state(LinkState::closed, std::move(detail));
  } else {
    begin_join(now);
  }
}

}  // namespace hems::wisun
