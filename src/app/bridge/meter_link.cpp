#include "hems/app/meter_link.hpp"

#include <algorithm>

#include "hems/app/meter_keys.hpp"

namespace hems::app {
namespace {

// Session and reader answer each other's actions; a few rounds settle any input. Far more
// means a loop between the two, which is a bug: it is logged, never spun on.
constexpr int kMaxPumpRounds = 64;

// What a get of everything waits for: the values request_all() reads, in its groups (power and
// currents, cumulative energy). The 30-minute values are not waited for: meters answer them
// only where they keep them.
constexpr std::uint8_t kEverything[] = {0xE7, 0xE0};

bool is_up(wisun::LinkState state) {
  return state == wisun::LinkState::joined || state == wisun::LinkState::reauthenticating;
}

bool is_down_for_readers(wisun::LinkState state) {
  return state == wisun::LinkState::closed || state == wisun::LinkState::scanning ||
         state == wisun::LinkState::waiting;
}

// What a meter multicasts once its ECHONET Lite node is up after a join. Only the B-route's own
// PAN reaches this link.
bool is_instance_list_announcement(ByteView payload) {
  auto frame = echonet::decode(payload);
  return frame && echonet::is_instance_list_notification(*frame);
}

}  // namespace

MeterLink::MeterLink(wisun::SessionConfig session, meter::ReaderConfig reader)
    : session_(std::move(session)), reader_(reader) {}

void MeterLink::start(TimePoint now) {
  session_.start(now);
  pump(now);
}

void MeterLink::stop(TimePoint now) {
  session_.stop(now);
  pump(now);
}

void MeterLink::on_transport_opened(TimePoint now) {
  session_.on_transport_opened(now);
  pump(now);
}

void MeterLink::on_transport_failed(TimePoint now, const std::string& reason) {
  session_.on_transport_failed(now, reason);
  pump(now);
}

void MeterLink::on_bytes(ByteView bytes, TimePoint now) {
  session_.on_bytes(bytes, now);
  pump(now);
}

void MeterLink::on_timer(TimePoint now) {
  session_.on_timer(now);
  pump(now);
  reader_.on_timer(now);
  pump(now);
  expire_pending_gets(now);
}

std::optional<TimePoint> MeterLink::next_deadline() const {
  std::optional<TimePoint> next = session_.next_deadline();
  if (auto r = reader_.next_deadline(); r && (!next || *r < *next))
    next = r;
  for (const auto& get : pending_gets_) {
    if (!next || get.deadline < *next)
      next = get.deadline;
  }
  return next;
}

void MeterLink::get(MeterGet request, TimePoint now) {
  if (!link_up_) {
    emit(meter_link::GetFailed{std::move(request.transaction), "the meter is not connected"});
    return;
  }
  if (request.epcs.empty()) {
    reader_.request_all(now);
  } else {
    reader_.request_epcs(std::move(request.epcs), now);
  }
  if (!request.transaction.is_null()) {
    // Answered once every value asked for has come back, not at the first reading: the values
    // of one get can arrive in several answers (the identity read brings power and current
    // along; energy comes with the next poll).
    std::vector<std::uint8_t> waiting = request.epcs;
    if (waiting.empty()) {
      for (std::uint8_t epc : kEverything) {
        if (reader_.identity().get_map.empty() || reader_.identity().supports(epc))
          waiting.push_back(epc);
      }
    }
    pending_gets_.push_back(PendingGet{std::move(request.transaction), std::move(request.keys),
                                       std::move(waiting), now + kGetTimeout});
  }
  pump(now);
}

void MeterLink::raw(nlohmann::json transaction, echonet::Frame frame, TimePoint now) {
  if (frame.esv == echonet::esv::set_i) {
    reader_.submit_raw("seti", std::move(frame), now);
    emit(meter_link::RawAnswered{std::move(transaction), std::nullopt, true});
  } else {
    const std::string id = "raw-" + std::to_string(++raw_counter_);
    pending_raw_.push_back(PendingRaw{id, std::move(transaction)});
    reader_.submit_raw(id, std::move(frame), now);
  }
  pump(now);
}

void MeterLink::resume_history(std::optional<meter::MeterTime> published_through) {
  reader_.resume_history(published_through);
}

void MeterLink::history_day(nlohmann::json transaction, meter::MeterDate date, TimePoint now) {
  const std::string id = "history-" + std::to_string(++raw_counter_);
  pending_history_.push_back(PendingRaw{id, std::move(transaction)});
  reader_.read_history_day(id, date, now);
  pump(now);
}

std::vector<MeterEvent> MeterLink::take_events() {
  std::vector<MeterEvent> out;
  out.swap(events_);
  return out;
}

void MeterLink::pump(TimePoint now) {
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    auto session_actions = session_.take_actions();
    for (auto& action : session_actions)
      on_session_action(action, now);
    auto reader_actions = reader_.take_actions();
    bool discovery_due = false;
    for (auto& action : reader_actions)
      on_reader_action(action, now, discovery_due);
    if (discovery_due)
      emit(meter_link::DiscoveryDue{});
    if (session_actions.empty() && reader_actions.empty())
      return;
  }
  emit(meter_link::Log{LogLevel::error,
                       "meter: the B-route session and the reader kept answering each other; "
                       "stopped after " +
                           std::to_string(kMaxPumpRounds) + " rounds (a bug, please report it)"});
}

void MeterLink::on_session_action(wisun::Action& action, TimePoint now) {
  std::visit(
      [&](auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, wisun::WriteBytes>) {
          emit(meter_link::WriteBytes{std::move(a.bytes)});
        } else if constexpr (std::is_same_v<T, wisun::OpenTransport>) {
          emit(meter_link::OpenTransport{});
        } else if constexpr (std::is_same_v<T, wisun::CloseTransport>) {
          emit(meter_link::CloseTransport{});
        } else if constexpr (std::is_same_v<T, wisun::FrameReceived>) {
          if (a.multicast && is_instance_list_announcement(a.payload))
            session_.meter_announced(now);
          reader_.on_frame(a.payload, now);
        } else if constexpr (std::is_same_v<T, wisun::StateChanged>) {
          const bool up = is_up(a.state);
          if (up && !link_up_) {
            link_up_ = true;
            reader_.on_link_up(now);
          } else if (!up && link_up_) {
            link_up_ = false;
            reader_.on_link_down(now);
          }
          if (is_down_for_readers(a.state))
            set_online(false);
          emit(meter_link::LinkChanged{});
        } else if constexpr (std::is_same_v<T, wisun::SavePan>) {
          emit(meter_link::SavePan{a.pan});
        } else if constexpr (std::is_same_v<T, wisun::ForgetPan>) {
          emit(meter_link::ForgetPan{});
        } else if constexpr (std::is_same_v<T, wisun::LinkEvent>) {
          emit(meter_link::LinkEvent{a.type, a.detail});
        } else if constexpr (std::is_same_v<T, wisun::LogMessage>) {
          emit(meter_link::Log{a.level, std::move(a.text)});
        }
      },
      action);
}

void MeterLink::on_reader_action(meter::ReaderAction& action, TimePoint now, bool& discovery_due) {
  std::visit(
      [&](auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, meter::SendFrame>) {
          session_.send_frame(std::move(a.frame), now);
        } else if constexpr (std::is_same_v<T, meter::ValuesUpdated>) {
          if (a.values.current_r_a && !a.values.current_t_a && !single_phase_) {
            single_phase_ = true;  // E8 without a T phase: single-phase two-wire
            discovery_due = true;
          }
          values_.merge(a.values);
          last_reading_at_ = now;
          emit(meter_link::ValuesRead{a.values, values_});
          answer_pending_gets(a.values);
        } else if constexpr (std::is_same_v<T, meter::IdentityRead>) {
          emit(meter_link::IdentityRead{});
          discovery_due = true;
        } else if constexpr (std::is_same_v<T, meter::MeterUnresponsive>) {
          set_online(false);
          session_.report_meter_unresponsive(now);
        } else if constexpr (std::is_same_v<T, meter::MeterAlive>) {
          set_online(true);
          session_.report_meter_alive(now);
        } else if constexpr (std::is_same_v<T, meter::RawReply>) {
          auto it = std::find_if(pending_raw_.begin(), pending_raw_.end(),
                                 [&](const PendingRaw& p) { return p.id == a.request_id; });
          if (it == pending_raw_.end())
            return;
          emit(meter_link::RawAnswered{std::move(it->transaction), std::move(a.frame), false});
          pending_raw_.erase(it);
        } else if constexpr (std::is_same_v<T, meter::ReaderLog>) {
          emit(meter_link::Log{a.level, "meter: " + a.text});
        } else if constexpr (std::is_same_v<T, meter::history::Recovered>) {
          emit(meter_link::HistoryRecovered{std::move(a.records)});
        } else if constexpr (std::is_same_v<T, meter::history::LatestDay>) {
          emit(meter_link::HistoryLatestDay{a.date, std::move(a.records)});
        } else if constexpr (std::is_same_v<T, meter::history::Progress>) {
          emit(meter_link::HistoryProgress{a.published_through});
        } else if constexpr (std::is_same_v<T, meter::history::DayAnswered>) {
          auto it = std::find_if(pending_history_.begin(), pending_history_.end(),
                                 [&](const PendingRaw& p) { return p.id == a.request_id; });
          if (it == pending_history_.end())
            return;
          emit(meter_link::HistoryAnswered{std::move(it->transaction), std::move(a.records)});
          pending_history_.erase(it);
        }
      },
      action);
}

void MeterLink::set_online(bool online) {
  if (online == online_)
    return;
  online_ = online;
  emit(meter_link::AvailabilityChanged{online});
}

void MeterLink::answer_pending_gets(const meter::MeterValues& update) {
  if (pending_gets_.empty())
    return;  // the usual case, on every reading
  const std::vector<std::uint8_t> arrived = meter_values_epcs(update);
  for (auto it = pending_gets_.begin(); it != pending_gets_.end();) {
    std::erase_if(it->waiting, [&](std::uint8_t epc) {
      return std::find(arrived.begin(), arrived.end(), epc) != arrived.end();
    });
    if (!it->waiting.empty()) {
      ++it;
      continue;
    }
    emit(meter_link::GetAnswered{std::move(it->transaction), std::move(it->keys)});
    it = pending_gets_.erase(it);
  }
}

void MeterLink::expire_pending_gets(TimePoint now) {
  for (auto it = pending_gets_.begin(); it != pending_gets_.end();) {
    if (now < it->deadline) {
      ++it;
      continue;
    }
    emit(meter_link::GetFailed{std::move(it->transaction), "the meter did not answer in time"});
    it = pending_gets_.erase(it);
  }
}

}  // namespace hems::app
