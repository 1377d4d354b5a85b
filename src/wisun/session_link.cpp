// The joined link: ECHONET frames out through the send gate and in from ERXUDP, the session's
// end and renewal, the transmit limit, and the recovery ladder when things go wrong.
#include <string>
#include <utility>

#include "hems/wisun/session.hpp"
#include "session_internal.hpp"

namespace hems::wisun {

using namespace session_detail;

void Session::pump_sends(TimePoint now) {
  if (step_ != Step::idle || status_.state != LinkState::joined || status_.transmit_limited)
    return;
  auto frame = sends_.start();
  if (!frame)
    return;
  Bytes bytes = sendto_command(dialect(), target_->ipv6, *frame);
  std::string text =
      sendto_header(dialect(), target_->ipv6, frame->size()) + "<" + to_hex(*frame) + ">";
  log(LogLevel::trace, "tx " + text);
  step_ = Step::sendto;
  deadline_ = now + config_.send_timeout;
  actions_.emplace_back(WriteBytes{std::move(bytes), std::move(text)});
}

void Session::after_send_reply(SendVerdict verdict, std::string why, TimePoint now) {
  if (verdict == SendVerdict::trouble) {
    step_ = Step::idle;
    deadline_.reset();
    escalate(now, std::move(why));
    return;
  }
  if (!sends_.busy()) {  // the exchange is over: the next frame may go (unless the gate holds)
    deadline_.reset();
    step_ = Step::idle;
    pump_sends(now);
  }
}

void Session::on_send_result(const EventRecord& event, TimePoint now) {
  if (step_ != Step::sendto)
    return;  // the join's own sends
  const SendVerdict verdict = sends_.on_radio_result(event.param, now);
  if (verdict != SendVerdict::pending)
    log(LogLevel::debug, "radio send failed (EVENT 21); will retry");
  after_send_reply(verdict, "radio sends keep failing", now);
}

void Session::on_session_ended(const EventRecord& event, TimePoint now) {
  if (step_ == Step::terminate_wait) {
    terminated(now, "session ended");
    return;
  }
  if (status_.state != LinkState::joined && status_.state != LinkState::reauthenticating)
    return;
  status_.last_error = event.number == kEventEndedByMeter
                           ? "the meter ended the session (EVENT 26)"
                           : "the session ended (EVENT " + hex2(event.number, 2) + ")";
  log(LogLevel::warning, status_.last_error + "; joining again");
  actions_.emplace_back(LinkEvent{"session_lost", status_.last_error});
  sends_.abandon();
  pause_then(Recovery::rejoin, kRejoinAfterSessionEnd, now, status_.last_error);
}

void Session::on_session_expired(TimePoint now) {
  if (status_.state != LinkState::joined)
    return;
  set_state(LinkState::reauthenticating, "session lifetime ended; the dongle renews it");
  if (step_ == Step::sendto) {
    // A dongle busy renewing the session may never say what became of a send already on its
    // way; waiting for that EVENT 21 would turn a routine renewal into a rejoin. The frame is
    // given up: the meter layer asks again when its answer does not come.
    log(LogLevel::debug, "send in flight when the session lifetime ended: given up");
    sends_.abandon();
    step_ = Step::idle;
  }
  if (step_ == Step::idle)
    deadline_ = now + config_.join_timeout;  // for EVENT 25 (or 24)
}

void Session::on_transmit_limit(bool limited, TimePoint now) {
  status_.transmit_limited = limited;
  if (limited) {
    transmit_limited_since_ = now;
    log(LogLevel::warning,
        "radio transmit-time limit reached (ARIB STD-T108, EVENT 32): requests paused until "
        "the dongle lifts it; consider a longer instant_interval");
    actions_.emplace_back(LinkEvent{"transmit_limited", ""});
  } else {
    log(LogLevel::info, "transmit-time limit lifted (EVENT 33)");
    pump_sends(now);
  }
}

void Session::handle_udp(const UdpRecord& udp) {
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

// ---- recovery ----------------------------------------------------------------------------------

void Session::pause_then(Recovery next, Duration pause, TimePoint now, std::string why) {
  step_ = Step::pause;
  after_pause_ = next;
  deadline_ = now + pause;
  set_state(LinkState::waiting,
            why + "; will " + std::string(to_string(next)) + " in " + seconds_up(pause) + " s");
}

void Session::escalate(TimePoint now, std::string why) {
  const RecoveryPlan plan = ladder_.climb(target_.has_value());
  pause_then(plan.step, plan.pause, now, std::move(why));
}

// Runs when the pause before a recovery step is over.
void Session::run_recovery(Recovery step, TimePoint now) {
  switch (step) {
    case Recovery::rejoin:
      actions_.emplace_back(LinkEvent{"rejoin", status_.last_error});
      // End whatever the dongle still holds before a deliberate new join; the join follows
      // SKTERM's answer (terminated()).
      command(Step::terminate, "SKTERM\r\n", now);
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

}  // namespace hems::wisun
