#include "hems/meter/history_backfill.hpp"

#include <algorithm>
#include <utility>

#include "hems/echonet/smart_meter.hpp"
#include "history_answer.hpp"

namespace hems::meter {
namespace sm = echonet::smart_meter;
namespace {

MeterTime floor_half_hour(MeterTime at) {
  return std::chrono::floor<std::chrono::minutes>(at) -
         std::chrono::floor<std::chrono::minutes>(at).time_since_epoch() % kHalfHour;
}

int half_hours_between(MeterTime first, MeterTime last) {  // both included
  return static_cast<int>((last - first) / kHalfHour) + 1;
}

MeterTime last_slot_of(MeterDate date) {
  return MeterTime{date} + kHalfHour * (kHalfHoursPerDay - 1);
}

}  // namespace

HistoryBackfill::HistoryBackfill(HistoryConfig config, std::optional<MeterTime> published_through)
    : config_(config), through_(published_through) {}

void HistoryBackfill::log(LogLevel level, std::string text) {
  emit(history::Log{level, "history: " + text});
}

void HistoryBackfill::set_through(MeterTime at) {
  if (through_ == at)
    return;
  through_ = at;
  emit(history::Progress{at});
}

void HistoryBackfill::on_boundary(MeterTime reported) {
  const MeterTime boundary = floor_half_hour(reported);
  const bool clock_went_back = latest_ && boundary < *latest_;
  // The latest complete day is told after each start and after each of the meter's midnights.
  if (!today_ || date_of(boundary) > *today_)
    latest_day_due_ = date_of(boundary) - std::chrono::days{1};
  if (!today_ || clock_went_back || date_of(boundary) > *today_)
    today_ = date_of(boundary);
  latest_ = boundary;
  paused_ = false;
  if (!through_) {
    // The first start: the history begins here.
    set_through(boundary);
    return;
  }
  if (boundary < *through_) {
    log(LogLevel::warning, "the meter's clock says " + to_iso8601(boundary) +
                               ", before the last half-hour published (" + to_iso8601(*through_) +
                               "); the history continues from the meter's time");
    if (job_ && job_->kind == Kind::backfill)
      job_.reset();
    running_ = false;
    set_through(boundary);
    return;
  }
  if (!backfill_pending()) {
    if (!running_)
      set_through(boundary);
    finish_if_done();
    return;
  }
  if (running_) {
    published_live_.insert(boundary);
    settle_losses();  // the backfill under way now reaches further, and may start later
    return;
  }
  running_ = true;
  recovered_ = lost_ = without_value_ = 0;
  published_live_ = {boundary};
  gone_through_.reset();
  held_from_ = *today_;
  lost_first_.reset();
  lost_last_.reset();
  const MeterTime first = *through_ + kHalfHour;
  const MeterTime last = boundary - kHalfHour;
  const int missing = half_hours_between(first, last);
  // Two requests per day held (E5, then E2 + E4), one between two polls.
  const auto oldest_held = *today_ - std::chrono::days{kMaxDayIndex};
  const auto days = (date_of(last) - std::max(date_of(first), oldest_held)).count() + 1;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(config_.request_spacing * 2 * days).count();
  log(LogLevel::info, "reading " + std::to_string(missing) + " missed half-hours (" +
                          to_iso8601(first) + " to " + to_iso8601(last) +
                          ") from the meter's memory, about " + std::to_string(seconds) + " s");
  settle_losses();
}

bool HistoryBackfill::backfill_pending() const {
  return through_ && latest_ && *through_ + kHalfHour < *latest_;
}

std::optional<std::string> HistoryBackfill::date_error(MeterDate date) const {
  if (!today_)
    return "the meter's date is not known yet; ask again once the meter has been read";
  if (date > *today_)
    return to_iso_date(date) + " is after the meter's today (" + to_iso_date(*today_) + ")";
  if ((*today_ - date).count() > kMaxDayIndex) {
    return "the meter does not hold " + to_iso_date(date) + ": it keeps at most " +
           std::to_string(kMaxDayIndex) + " days before its today (" + to_iso_date(*today_) + ")";
  }
  return std::nullopt;
}

void HistoryBackfill::read_day(std::string request_id, MeterDate date) {
  if (auto error = date_error(date)) {
    emit(history::DayAnswered{std::move(request_id), fail(*error)});
    return;
  }
  Job job;
  job.kind = Kind::request;
  job.date = date;
  job.request_id = std::move(request_id);
  requests_.push_back(std::move(job));
}

void HistoryBackfill::on_link_down(const std::string& why) {
  awaiting_ = false;
  if (job_ && job_->kind == Kind::request)
    emit(history::DayAnswered{job_->request_id, fail(why)});
  job_.reset();
  for (Job& job : requests_)
    emit(history::DayAnswered{job.request_id, fail(why)});
  requests_.clear();
}

bool HistoryBackfill::wants_to_send() const {
  if (awaiting_ || !today_)
    return false;
  return job_ || !requests_.empty() || (backfill_pending() && !paused_) || latest_day_due_;
}

void HistoryBackfill::lose_until(MeterTime last) {
  const MeterTime first = *through_ + kHalfHour;
  if (last < first)
    return;
  lost_ += half_hours_between(first, last) - live_between(first, last);
  if (!lost_first_)
    lost_first_ = first;
  lost_last_ = last;
  set_through(last);
}

void HistoryBackfill::settle_losses() {
  while (backfill_pending()) {
    const MeterDate date = date_of(*through_ + kHalfHour);
    const MeterDate oldest = *today_ - std::chrono::days{kMaxDayIndex};
    if (published_live_.count(*through_ + kHalfHour)) {
      // Published live while the backfill ran: nothing to read, and a meter whose boundaries
      // come faster than days can be read is not chased for ever.
      set_through(*through_ + kHalfHour);
    } else if (date < oldest) {
      // Beyond what any meter holds: lost without asking, up to the oldest day it may hold.
      lose_until(std::min(MeterTime{oldest} - kHalfHour, *latest_ - kHalfHour));
    } else if (gone_through_ && date <= *gone_through_) {
      lose_until(std::min(last_slot_of(*gone_through_), *latest_ - kHalfHour));
    } else {
      break;
    }
  }
  finish_if_done();
}

bool HistoryBackfill::pick_job() {
  // Requests first: someone waits for them. Then the backfill, oldest day first, so records go
  // out in time order. Then the latest complete day.
  while (!requests_.empty()) {
    Job job = std::move(requests_.front());
    requests_.pop_front();
    if (auto error = date_error(job.date)) {
      emit(history::DayAnswered{job.request_id, fail(*error)});
      continue;
    }
    job.day = static_cast<int>((*today_ - job.date).count());
    job_ = std::move(job);
    return true;
  }
  settle_losses();
  if (backfill_pending() && !paused_) {
    const MeterDate date = date_of(*through_ + kHalfHour);
    Job job;
    job.kind = Kind::backfill;
    job.date = date;
    if (gone_through_ && held_from_ && date < *held_from_ &&
        (*held_from_ - *gone_through_).count() > 1) {
      // Somewhere between a day the meter refused and one it gave: halve the distance instead of
      // asking each day in turn (a meter that keeps 45 days is found in about 6 reads, not 50).
      job.date = *gone_through_ + (*held_from_ - *gone_through_) / 2;
      job.probe = job.date != date;
    }
    job.day = static_cast<int>((*today_ - job.date).count());
    job_ = std::move(job);
    return true;
  }
  if (latest_day_due_) {
    const MeterDate date = *latest_day_due_;
    if (date_error(date)) {
      latest_day_due_.reset();
      return false;
    }
    Job job;
    job.kind = Kind::latest_day;
    job.date = date;
    job.day = static_cast<int>((*today_ - date).count());
    job_ = std::move(job);
    return true;
  }
  return false;
}

std::optional<echonet::Frame> HistoryBackfill::next_request(const MeterIdentity& identity) {
  if (awaiting_ || !today_)
    return std::nullopt;
  if (!job_ && !pick_job())
    return std::nullopt;
  awaiting_ = true;
  if (!job_->selected) {
    auto day = sm::make_history_day_setting(static_cast<std::uint8_t>(job_->day));
    return echonet::make_set_c(0, echonet::kController, echonet::kSmartMeter, {*day});
  }
  std::vector<std::uint8_t> epcs{sm::epc::history_normal, sm::epc::history_reverse};
  // The meter's date in the same answer tells which day it really gave, even across its
  // midnight; a meter without 0x98 tells it by its latest boundary (EA), which every meter has.
  if (identity.supports(sm::epc::current_date))
    epcs.push_back(sm::epc::current_date);
  else if (identity.supports(sm::epc::fixed_normal))
    epcs.push_back(sm::epc::fixed_normal);
  return echonet::make_get(0, echonet::kController, echonet::kSmartMeter, epcs);
}

void HistoryBackfill::on_answer(const std::optional<echonet::Frame>& reply,
                                const MeterIdentity& identity) {
  if (!awaiting_)
    return;
  awaiting_ = false;
  if (!job_)
    return;  // the job was dropped while its request was out
  Job& job = *job_;
  if (!reply) {
    if (++job.no_answers >= config_.tries)
      give_up(job, "the meter did not answer");
    return;
  }
  if (!job.selected) {
    if (reply->esv == echonet::esv::set_res) {
      job.selected = true;
    } else {
      not_held(job, "it refused day " + std::to_string(job.day) + " (" +
                        echonet::esv_name(reply->esv) + ")");
    }
    return;
  }
  auto values = detail::read_day_answer(*reply, identity);
  if (!values) {
    log(LogLevel::warning,
        "unreadable answer from the meter (" + values.error().message + "); asking again");
    job.selected = false;
    if (++job.no_answers >= config_.tries)
      give_up(job, "the meter's answers could not be read");
    return;
  }
  if (!values->held) {
    not_held(job, "it answered " + echonet::esv_name(reply->esv) + " for day " +
                      std::to_string(job.day));
    return;
  }
  if (values->meter_today && *values->meter_today > *today_)
    today_ = values->meter_today;  // the meter passed its midnight since the last boundary
  const MeterDate answered = values->meter_today.value_or(*today_);
  if (values->day != job.day || answered - std::chrono::days{job.day} != job.date) {
    // Another controller moved E5, or the meter's day turned between the two requests: the
    // answer is for another day than the one wanted. Select again from the meter's today.
    log(LogLevel::debug, "the meter answered day " + std::to_string(values->day) + " of " +
                             to_iso_date(answered) + " for " + to_iso_date(job.date) +
                             "; selecting the day again");
    job.selected = false;
    job.day = static_cast<int>((*today_ - job.date).count());
    if (job.day > kMaxDayIndex) {
      not_held(job, "it is now more than " + std::to_string(kMaxDayIndex) + " days back");
    } else if (++job.no_answers >= config_.tries) {
      give_up(job, "the meter kept answering for another day");
    }
    return;
  }
  deliver(job, detail::records_of(job.date, *values));
}

void HistoryBackfill::deliver(Job& job, const std::vector<HistoryRecord>& day) {
  if (job.date + std::chrono::days{1} == *today_ && latest_day_told_ != job.date) {
    emit(history::LatestDay{job.date, day});
    latest_day_told_ = job.date;
    if (latest_day_due_ == job.date)
      latest_day_due_.reset();
  } else if (job.kind == Kind::latest_day) {
    latest_day_due_.reset();  // no longer the latest: a newer one is due instead
  }
  if (job.kind == Kind::request)
    emit(history::DayAnswered{job.request_id, day});
  if (job.kind == Kind::backfill && day.empty() && job.date != *today_) {
    // A real meter answers a day it no longer holds with "no data" in every slot.
    not_held(job, "it has no value for that day");
    return;
  }
  if (job.kind == Kind::backfill)
    held_from_ = held_from_ ? std::min(*held_from_, job.date) : job.date;
  if (job.kind == Kind::backfill && job.probe) {
    job_.reset();  // only the edge of the meter's memory was wanted
    return;
  }
  if (job.kind == Kind::backfill && through_ && latest_) {
    const MeterTime first = *through_ + kHalfHour;
    const MeterTime end = std::min(last_slot_of(job.date), *latest_ - kHalfHour);
    std::vector<HistoryRecord> recovered;
    for (const HistoryRecord& record : day) {
      if (record.at >= first && record.at <= end && !published_live_.count(record.at))
        recovered.push_back(record);
    }
    if (end >= first) {
      without_value_ += half_hours_between(first, end) - live_between(first, end) -
                        static_cast<int>(recovered.size());
    }
    recovered_ += static_cast<int>(recovered.size());
    if (!recovered.empty())
      emit(history::Recovered{std::move(recovered)});
    if (end >= first)
      set_through(end);
  }
  job_.reset();
  settle_losses();
}

void HistoryBackfill::not_held(Job& job, const std::string& why) {
  switch (job.kind) {
    case Kind::request:
      emit(history::DayAnswered{
          job.request_id, fail("the meter does not hold " + to_iso_date(job.date) + ": " + why)});
      break;
    case Kind::latest_day:
      log(LogLevel::debug,
          "the meter does not hold its latest complete day " + to_iso_date(job.date) + ": " + why);
      latest_day_due_.reset();
      break;
    case Kind::backfill:
      log(LogLevel::debug, "the meter does not hold " + to_iso_date(job.date) + ": " + why);
      // Nor any day before it: the meter's memory is one stretch up to its today.
      gone_through_ = gone_through_ ? std::max(*gone_through_, job.date) : job.date;
      if (held_from_ && *held_from_ <= *gone_through_)
        held_from_.reset();  // the meter forgot a day meanwhile
      job_.reset();
      settle_losses();
      return;
  }
  job_.reset();
  finish_if_done();
}

void HistoryBackfill::give_up(Job& job, const std::string& why) {
  switch (job.kind) {
    case Kind::request:
      emit(history::DayAnswered{job.request_id, fail(why)});
      break;
    case Kind::latest_day:
      log(LogLevel::warning,
          "could not read the latest complete day " + to_iso_date(job.date) + ": " + why);
      latest_day_due_.reset();
      break;
    case Kind::backfill:
      log(LogLevel::warning, "could not read " + to_iso_date(job.date) + " from the meter: " + why +
                                 "; trying again after its next 30-minute value");
      paused_ = true;
      break;
  }
  job_.reset();
}

int HistoryBackfill::live_between(MeterTime first, MeterTime last) const {
  return static_cast<int>(
      std::distance(published_live_.lower_bound(first), published_live_.upper_bound(last)));
}

void HistoryBackfill::finish_if_done() {
  if (!running_ || backfill_pending())
    return;
  running_ = false;
  published_live_.clear();
  if (latest_)
    set_through(*latest_);  // published live
  if (lost_ > 0) {
    log(LogLevel::warning, std::to_string(lost_) + " missed half-hours (" +
                               to_iso8601(*lost_first_) + " to " + to_iso8601(*lost_last_) +
                               ") are lost: the meter no longer holds them");
  }
  std::string line = "read back " + std::to_string(recovered_) + " missed half-hours";
  if (without_value_ > 0)
    line += "; the meter has no value for " + std::to_string(without_value_) + " more";
  if (lost_ > 0)
    line += "; " + std::to_string(lost_) + " lost";
  log(LogLevel::info, line);
}

std::vector<HistoryEvent> HistoryBackfill::take_events() {
  return std::exchange(events_, {});
}

}  // namespace hems::meter
