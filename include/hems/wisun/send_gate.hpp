#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "hems/common/bytes.hpp"
#include "hems/common/time.hpp"

namespace hems::wisun {

// EVENT 21's parameter: what became of a UDP send on the radio.
inline constexpr std::uint8_t kRadioSent = 0x00;
inline constexpr std::uint8_t kRadioResolving = 0x02;  // neighbour discovery; the result follows

struct SendGateConfig {
  std::size_t queue_limit = 8;      // frames waiting (0: no limit); a new one pushes out the oldest
  int failures_before_trouble = 3;  // failed sends in a row before the link needs recovery
  Duration retry_pause = seconds(5);  // after a failed send, before that frame goes again
};

// What a reply to SKSENDTO means.
enum class SendVerdict {
  pending,  // nothing to do: a good half of the answer, or address resolution under way
  failed,   // this send failed; its frame is first in line again, after the retry pause
  trouble,  // sends keep failing: the link needs recovery (the frame stays first in line)
};

// The ECHONET Lite frames on their way to the meter, one at a time. A send is an exchange: the
// session writes SKSENDTO, and both the radio's result (EVENT 21) and the command's answer (OK)
// come back, in either order, before the next frame goes. A frame the radio or the dongle
// refused goes again, first in line, after a pause. The gate can be held (the settle time after
// a join, the retry pause); it knows nothing of the link itself: the session starts a send only
// while the link is joined and not under the transmit limit.
class SendGate {
 public:
  explicit SendGate(SendGateConfig config);

  // Queues a frame, unless the same frame is already waiting. False when the queue was full and
  // its oldest frame made room for this one.
  bool queue(Bytes frame);
  void drop_queued();  // on stop: nothing more goes out

  // Takes the next frame and opens an exchange for it; nullopt while held or with nothing
  // queued. A frame still in flight from an exchange the session gave up on (the link went away
  // mid-send) is dropped: the meter layer resends requests that go unanswered.
  std::optional<Bytes> start();
  bool busy() const { return open_; }  // an exchange is under way: EVENT 21 or OK still due

  // The replies to the exchange under way; outside one they are ignored (pending).
  SendVerdict on_radio_result(std::optional<std::uint8_t> result, TimePoint now);  // EVENT 21
  SendVerdict on_accepted();                                                       // OK
  SendVerdict on_refused(TimePoint now);                                           // FAIL
  SendVerdict on_timeout();  // no result in time: always trouble
  void abandon();            // the link went away: drop the frame in flight

  // Holding: no exchange starts until release() is called at or after the given time.
  void hold(TimePoint until) { held_until_ = until; }
  bool release(TimePoint now);  // true when this call ended a hold
  bool held() const { return held_until_.has_value(); }
  std::optional<TimePoint> held_until() const { return held_until_; }

  void reset_failures() { failures_ = 0; }  // the link is fine again (joined, meter answering)
  int failures() const { return failures_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  void requeue_in_flight();
  void finish();  // both answers are in and the frame went out: the exchange is over

  SendGateConfig config_;
  std::deque<Bytes> queue_;
  std::optional<Bytes> in_flight_;  // written; what the radio made of it not yet known
  bool open_ = false;               // the exchange is under way
  bool radio_result_seen_ = false;  // EVENT 21 (other than address resolution) came
  bool radio_failed_ = false;       // ... and said the radio could not send the frame
  bool accepted_ = false;           // OK came
  int failures_ = 0;
  std::optional<TimePoint> held_until_;
};

}  // namespace hems::wisun
