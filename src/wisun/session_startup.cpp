// From an open serial port to a dongle that knows our credentials: echo off, versions, the
// dialect, the payload format, password and ID, then on to the scan or the join.
#include <string>

#include "hems/wisun/session.hpp"
#include "session_internal.hpp"

namespace hems::wisun {

using namespace session_detail;

void Session::begin_init(TimePoint now) {
  set_state(LinkState::initialising, "checking the dongle");
  sends_.abandon();
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

void Session::startup_ok(const OkRecord& ok, TimePoint now) {
  switch (step_) {
    case Step::reset:
      command(Step::echo_off, "SKSREG SFE 0\r\n", now);
      return;
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
        use_dialect(Dialect::single_hop);
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
    default:
      return;
  }
}

void Session::startup_fail(const FailRecord& fail, TimePoint now) {
  switch (step_) {
    case Step::echo_off:
      command(Step::version, "SKVER\r\n", now);
      return;
    case Step::version:
    case Step::app_version:
    case Step::info:
      startup_ok(OkRecord{}, now);  // optional information: go on without it
      return;
    case Step::read_option:
      // FAIL ER04: no WOPT/ROPT on this firmware (e.g. RL7023 Stick-D/DSS).
      startup_ok(OkRecord{"unsupported"}, now);
      return;
    case Step::rssi_on:
      after_credentials(now);
      return;
    case Step::set_password:
    case Step::set_route_b_id:
      // Nothing a quick retry would change: wait long, then try again from a reset dongle.
      status_.last_error = "the dongle refused the B-route credentials (" + fail_text(fail) + ")";
      log(LogLevel::error, status_.last_error);
      pause_then(Recovery::reset, config_.max_pause, now, status_.last_error);
      return;
    default:
      return;
  }
}

void Session::after_credentials(TimePoint now) {
  if (target_) {
    begin_join(now);
  } else {
    scan_attempt_ = 0;
    begin_scan(now);
  }
}

}  // namespace hems::wisun
