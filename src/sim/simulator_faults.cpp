// Fault injection: the timeline (--fault), and "fault KIND [SECONDS]" on stdin.
//
// A fault that lasts (fault_lasts) holds for its whole window of simulated time, so the log line
// "fault started: KIND for N s" is true whatever --speed is; "fault ended: KIND" closes it. A
// fault of the same kind while one is active extends the window, never shortens it. Terminate
// and crlf-binary happen once and are logged without a duration.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hems/sim/simulator.hpp"

namespace hems::sim {

void Simulator::start_fault(FaultKind kind, double seconds) {
  const std::string name(fault_kind_name(kind));
  if (!fault_lasts(kind))
    return start_instant_fault(kind);
  if ((kind == FaultKind::reauth || kind == FaultKind::reauth_fail) && session_ != Session::up) {
    log("fault " + name + " skipped: no session");
    return;
  }
  const SimMs length{static_cast<std::int64_t>(std::llround(seconds * 1000))};
  const SimMs until = now_ + length;
  auto end_later = [&](SimMs& window, std::function<void()> on_end = {}) {
    window = std::max(window, until);
    schedule(length, [this, name, &window, until, on_end] {
      if (window != until)
        return;  // another fault of the same kind holds the window longer
      if (on_end)
        on_end();
      log("fault ended: " + name);
    });
  };
  char length_text[32];
  std::snprintf(length_text, sizeof length_text, " for %.1f s", seconds);
  log("fault started: " + name + length_text);

  switch (kind) {
    case FaultKind::no_beacon:
      end_later(no_beacon_until_);
      break;
    case FaultKind::silent_meter:
      end_later(silent_until_);
      break;
    case FaultKind::split:
      end_later(split_until_);
      break;
    case FaultKind::tx_limit:
      if (now_ >= tx_limit_until_)
        line(event("32", own_ll_));
      end_later(tx_limit_until_, [this] { line(event("33", own_ll_)); });
      break;
    case FaultKind::meter_reboot:
      meter_has_session_ = false;
      end_later(reboot_until_);
      break;
    case FaultKind::unplug:
      if (!unplugged()) {
        actions_.push_back(TransportAction::unplug);
        reset_dongle();
        input_.reset();
        output_.clear();
      }
      end_later(unplug_until_, [this] {
        unplug_until_ = SimMs{-1};
        actions_.push_back(TransportAction::replug);
      });
      break;
    case FaultKind::reauth: {
      // The session lifetime ran out; the dongle's re-authentication gets no answer until the
      // window ends, then succeeds. A join tried meanwhile (after SKTERM) fails with EVENT 24.
      line(event("29", meter_ll_));
      ++session_gen_;
      session_ = Session::reauth;
      end_later(pana_refused_until_, [this, gen = session_gen_] {
        if (session_ != Session::reauth || session_gen_ != gen)
          return;  // the client ended the session, or the dongle was reset
        line(event("25", meter_ll_));
        session_ = Session::up;
        log("re-authentication succeeded (EVENT 25)");
      });
      break;
    }
    case FaultKind::reauth_fail:
      // The dongle's re-authentication fails (EVENT 24) and so does every join until the window
      // ends: the meter refuses PANA for the whole window.
      line(event("29", meter_ll_));
      ++session_gen_;
      session_ = Session::reauth;
      schedule_session(SimMs{3000}, [this] {
        line(event("24", meter_ll_));
        end_session("re-authentication failed");
      });
      end_later(pana_refused_until_);
      break;
    case FaultKind::garbage:
      end_later(garbage_until_);
      if (!garbage_running_) {
        garbage_running_ = true;
        garbage_burst();
      }
      break;
    case FaultKind::terminate:
    case FaultKind::crlf_binary:
      break;  // start_instant_fault
  }
}

void Simulator::start_instant_fault(FaultKind kind) {
  switch (kind) {
    case FaultKind::terminate:
      if (session_ != Session::up) {
        log("fault terminate skipped: no session");
        return;
      }
      line(event("26", meter_ll_));
      end_session("meter ended it (EVENT 26)");
      log("fault: terminate (the meter ended the session with EVENT 26; a new SKJOIN is needed)");
      break;
    case FaultKind::crlf_binary:
      meter_.force_next_power(0x0D0A);  // 3338 W: the payload carries CR LF
      log("fault armed: crlf-binary (the next E7 read is 3338 W = 00000D0A)");
      break;
    default:
      break;
  }
}

void Simulator::garbage_burst() {
  emit_garbage();
  if (now_ >= garbage_until_) {
    garbage_running_ = false;
    return;
  }
  // The next burst comes within a few seconds, and the last one at the end of the window.
  const SimMs next = std::min(random_ms(1000, 4000), garbage_until_ - now_);
  schedule(next, [this] { garbage_burst(); });
}

void Simulator::emit_garbage() {
  // Noise a robust reader drops: binary junk, a torn line, a lone CR. Never OK/FAIL/EVENT.
  std::string junk;
  const std::size_t n = 8 + rng_() % 16;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<char>(0x80 + rng_() % 0x80);
    junk.push_back(c);
  }
  junk.append("\x00\x01~#\r\n", 6);
  emit(junk);
  line("ERXUDP FE80:0000:00");
  emit("\r");
  line("EPAN");
}

}  // namespace hems::sim
