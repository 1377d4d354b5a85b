#include "hems/wisun/send_gate.hpp"

#include <algorithm>
#include <utility>

namespace hems::wisun {

SendGate::SendGate(SendGateConfig config) : config_(config) {}

bool SendGate::queue(Bytes frame) {
  // A copy of a frame that has not gone out yet (the meter layer asking again, same TID, while
  // a re-authentication or the transmit limit holds the queue) would only be answered twice.
  if (std::find(queue_.begin(), queue_.end(), frame) != queue_.end())
    return true;
  bool room = true;
  if (config_.queue_limit > 0 && queue_.size() >= config_.queue_limit) {
    queue_.pop_front();
    room = false;
  }
  queue_.push_back(std::move(frame));
  return room;
}

void SendGate::drop_queued() {
  queue_.clear();
}

std::optional<Bytes> SendGate::start() {
  if (held() || queue_.empty())
    return std::nullopt;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  open_ = true;
  radio_result_seen_ = radio_failed_ = accepted_ = false;
  return in_flight_;
}

SendVerdict SendGate::on_radio_result(std::optional<std::uint8_t> result, TimePoint now) {
  if (!open_ || result == kRadioResolving)
    return SendVerdict::pending;
  if (result == kRadioSent) {
    radio_result_seen_ = true;
    if (accepted_)
      finish();
    return SendVerdict::pending;
  }
  // 01 or anything else: the radio could not send it. The same frame goes again, after a pause.
  requeue_in_flight();
  if (++failures_ >= config_.failures_before_trouble) {
    open_ = false;
    return SendVerdict::trouble;
  }
  radio_result_seen_ = radio_failed_ = true;
  held_until_ = now + config_.retry_pause;
  if (accepted_)
    open_ = false;  // else the exchange ends with the OK still to come
  return SendVerdict::failed;
}

SendVerdict SendGate::on_accepted() {
  if (!open_)
    return SendVerdict::pending;
  accepted_ = true;
  if (radio_failed_)
    open_ = false;  // the failure is counted; the frame waits for its retry
  else if (radio_result_seen_)
    finish();
  return SendVerdict::pending;
}

SendVerdict SendGate::on_refused(TimePoint now) {
  if (!open_)
    return SendVerdict::pending;
  requeue_in_flight();
  open_ = false;
  if (++failures_ >= config_.failures_before_trouble)
    return SendVerdict::trouble;
  held_until_ = now + config_.retry_pause;
  return SendVerdict::failed;
}

SendVerdict SendGate::on_timeout() {
  if (!open_)
    return SendVerdict::pending;
  ++failures_;
  requeue_in_flight();
  open_ = false;
  return SendVerdict::trouble;
}

void SendGate::abandon() {
  in_flight_.reset();
  open_ = false;
  radio_result_seen_ = radio_failed_ = accepted_ = false;
}

bool SendGate::release(TimePoint now) {
  if (!held_until_ || now < *held_until_)
    return false;
  held_until_.reset();
  return true;
}

void SendGate::requeue_in_flight() {
  if (in_flight_)
    queue_.push_front(std::move(*in_flight_));
  in_flight_.reset();
}

void SendGate::finish() {
  in_flight_.reset();
  open_ = false;
  failures_ = 0;
}

}  // namespace hems::wisun
