// Fault injection: the timeline (--fault), and "fault KIND [SECONDS]" on stdin.
#include <cmath>
#include <cstdio>

#include "hems/sim/simulator.hpp"

namespace hems::sim {

void Simulator::start_fault(FaultKind kind, double seconds) {
  const std::string name(fault_kind_name(kind));
  const SimMs length{static_cast<std::int64_t>(std::llround(seconds * 1000))};
  const SimMs until = now_ + length;
  auto end_later = [&](SimMs& window, std::function<void()> on_end = {}) {
    window = until;
    schedule(length, [this, name, &window, until, on_end] {
      if (window != until)
        return;  // a later fault of the same kind extended the window
      if (on_end)
        on_end();
      log("fault ended: " + name);
    });
  };
  char length_text[32];
  std::snprintf(length_text, sizeof length_text, " for %.1f s", seconds);
  log("fault started: " + name + (length.count() > 0 ? std::string(length_text) : ""));

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
      line(event("32", own_ll_));
      end_later(tx_limit_until_, [this] { line(event("33", own_ll_)); });
      break;
    case FaultKind::meter_reboot:
      meter_has_session_ = false;
      end_later(reboot_until_);
      break;
    case FaultKind::unplug:
      actions_.push_back(TransportAction::unplug);
      reset_dongle();
      input_.reset();
      output_.clear();
      end_later(unplug_until_, [this] {
        unplug_until_ = SimMs{-1};
        actions_.push_back(TransportAction::replug);
      });
      break;
    case FaultKind::reauth:
    case FaultKind::reauth_fail:
      if (session_ != Session::up) {
        log("fault " + name + " skipped: no session");
        return;
      }
      line(event("29", meter_ll_));
      ++session_gen_;
      session_ = Session::reauth;
      if (kind == FaultKind::reauth) {
        schedule_session(SimMs{2000}, [this] {
          line(event("25", meter_ll_));
          session_ = Session::up;
          log("fault ended: reauth (EVENT 25)");
        });
      } else {
        schedule_session(SimMs{3000}, [this] {
          line(event("24", meter_ll_));
          end_session("re-authentication failed");
          log("fault ended: reauth-fail (EVENT 24)");
        });
      }
      break;
    case FaultKind::terminate:
      if (session_ != Session::up) {
        log("fault terminate skipped: no session");
        return;
      }
      line(event("26", meter_ll_));
      end_session("meter ended it (EVENT 26)");
      log("fault ended: terminate (a new SKJOIN is needed)");
      break;
    case FaultKind::garbage:
      emit_garbage();
      log("fault ended: garbage (injected once)");
      break;
    case FaultKind::crlf_binary:
      meter_.force_next_power(0x0D0A);  // 3338 W: the payload carries CR LF
      log("fault armed: crlf-binary (the next E7 read is 3338 W = 00000D0A)");
      break;
  }
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
