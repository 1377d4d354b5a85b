#include "hems/meter/reader.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "hems/echonet/property_map.hpp"
#include "hems/echonet/smart_meter.hpp"

namespace hems::meter {
namespace sm = echonet::smart_meter;
namespace {

constexpr std::uint8_t kManufacturer = 0x8A;
constexpr std::uint8_t kSerial = 0x8D;
constexpr std::uint8_t kRelease = 0x82;
constexpr std::uint8_t kGetMap = 0x9F;
constexpr std::uint8_t kCoefficient = 0xD3;
constexpr std::uint8_t kDigits = 0xD7;
constexpr std::uint8_t kUnit = 0xE1;
constexpr std::uint8_t kImport = 0xE0;
constexpr std::uint8_t kExport = 0xE3;
constexpr std::uint8_t kPower = 0xE7;
constexpr std::uint8_t kCurrents = 0xE8;
constexpr std::uint8_t kFixedImport = 0xEA;
constexpr std::uint8_t kFixedExport = 0xEB;
// Notifications kept while the identity is read: the meter pushes once per half hour, so a few
// cover any read; more would mean the identity never comes, and then the oldest go first.
constexpr std::size_t kMaxHeld = 4;
// The shortest wait for the answer to a history read.
constexpr Duration kMinHistoryWait = seconds(3);

std::string epc_hex(std::uint8_t epc) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", epc);
  return buf;
}

bool is_meter(const echonet::Eoj& eoj) {
  return eoj.group == 0x02 && eoj.cls == 0x88;
}

}  // namespace

Reader::Reader(ReaderConfig config) : config_(config) {
  if (config_.read_history)
    resume_history(std::nullopt);
}

void Reader::resume_history(std::optional<MeterTime> published_through) {
  if (!config_.read_history)
    return;
  history_.emplace(HistoryConfig{config_.instant_interval, config_.tries}, published_through);
}

void Reader::read_history_day(std::string request_id, MeterDate date, TimePoint now) {
  if (!history_) {
    actions_.emplace_back(
        history::DayAnswered{std::move(request_id), fail("reading the meter's history is off")});
    return;
  }
  if (!link_up_) {
    actions_.emplace_back(
        history::DayAnswered{std::move(request_id), fail("the meter is not connected")});
    return;
  }
  history_->read_day(std::move(request_id), date);
  take_history_events();
  schedule(now);
}

bool Reader::history_may_send() const {
  return history_ && history_turn_ && identity_read_ && history_->wants_to_send();
}

void Reader::send_history(TimePoint now) {
  auto frame = history_->next_request(identity_);
  if (!frame)
    return;
  history_turn_ = false;
  frame->tid = next_tid();
  // One try: a lost history read is asked again later, and a poll never waits for retries.
  in_flight_ = Request{std::move(*frame), 1, now, {}, true};
  transmit(now);
  // Nor longer than one poll interval for its answer (but a few seconds at least, which a meter
  // needs to send two 194-byte days).
  in_flight_->deadline = now + std::clamp(config_.instant_interval, kMinHistoryWait,
                                          std::max(kMinHistoryWait, config_.response_timeout));
}

void Reader::take_history_events() {
  if (!history_)
    return;
  for (HistoryEvent& event : history_->take_events()) {
    std::visit(
        [&](auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, history::Log>) {
            log(e.level, std::move(e.text));
          } else {
            actions_.emplace_back(std::move(e));
          }
        },
        event);
  }
}

void Reader::on_link_up(TimePoint now) {
  link_up_ = true;
  misses_ = 0;
  earliest_send_ = now;
  if (!instant_due_)
    instant_due_ = now;
  if (!energy_due_)
    energy_due_ = now;
  if (!fixed_due_)
    fixed_due_ = now;
  // Identity is read after every join: a replaced meter brings a new unit and digits.
  identity_read_ = false;
  schedule(now);
}

void Reader::on_link_down(TimePoint now) {
  (void)now;
  link_up_ = false;
  if (history_) {
    history_->on_link_down("the meter link went down");
    take_history_events();
  }
  if (in_flight_) {
    // The request is lost with the session; keep it to send first after the next join, but
    // answer raw requests at once rather than leaving them hanging. A history read is asked
    // again by the history itself.
    if (in_flight_->background) {
      // nothing to keep
    } else if (!in_flight_->raw_id.empty()) {
      actions_.emplace_back(RawReply{in_flight_->raw_id, std::nullopt});
    } else {
      queue_.insert(queue_.begin(), Queued{in_flight_->frame, {}});
    }
    in_flight_.reset();
  }
}

void Reader::request_all(TimePoint now) {
  instant_due_ = now;
  energy_due_ = now;
  fixed_due_ = now;
  schedule(now);
}

void Reader::request_epcs(std::vector<std::uint8_t> epcs, TimePoint now) {
  std::vector<std::uint8_t> wanted;
  for (std::uint8_t epc : epcs) {
    if (identity_.supports(epc))
      wanted.push_back(epc);
  }
  if (wanted.empty())
    return;
  queue_.push_back(
      Queued{echonet::make_get(0, echonet::kController, echonet::kSmartMeter, wanted), {}});
  schedule(now);
}

void Reader::submit_raw(std::string request_id, echonet::Frame frame, TimePoint now) {
  if (!link_up_) {
    actions_.emplace_back(RawReply{std::move(request_id), std::nullopt});
    return;
  }
  queue_.push_back(Queued{std::move(frame), std::move(request_id)});
  schedule(now);
}

std::vector<std::uint8_t> Reader::supported(std::initializer_list<std::uint8_t> epcs) const {
  std::vector<std::uint8_t> out;
  for (std::uint8_t epc : epcs) {
    if (identity_.supports(epc))
      out.push_back(epc);
  }
  return out;
}

void Reader::schedule(TimePoint now) {
  if (!link_up_ || in_flight_)
    return;
  if (earliest_send_ && now < *earliest_send_)
    return;
  if (!identity_read_) {
    // Everything the decoders depend on, in one frame, with power and current so that the
    // first reading comes with the first answer. D3 may come back as SNA (then 1).
    static constexpr std::uint8_t kIdentity[] = {
        kManufacturer, kSerial, kRelease, kGetMap, kCoefficient, kDigits, kUnit, kPower, kCurrents};
    if (queue_.empty() || !queue_.front().raw_id.empty() ||
        queue_.front().frame.properties.size() != std::size(kIdentity)) {
      queue_.insert(
          queue_.begin(),
          Queued{echonet::make_get(0, echonet::kController, echonet::kSmartMeter, kIdentity), {}});
    }
    send_next(now);
    return;
  }
  if (queue_.empty()) {
    std::vector<std::uint8_t> epcs;
    const bool instant = instant_due_ && now >= *instant_due_;
    const bool energy = energy_due_ && now >= *energy_due_;
    const bool fixed = fixed_due_ && now >= *fixed_due_;
    if (instant) {
      for (auto epc : supported({kPower, kCurrents}))
        epcs.push_back(epc);
      instant_due_ = now + config_.instant_interval;
    }
    if (energy) {
      for (auto epc : supported({kImport, kExport}))
        epcs.push_back(epc);
      energy_due_ = now + config_.energy_interval;
    }
    if (fixed) {
      for (auto epc : supported({kFixedImport, kFixedExport}))
        epcs.push_back(epc);
      fixed_due_ = now + config_.fixed_interval;
    }
    if (!epcs.empty()) {
      queue_.push_back(
          Queued{echonet::make_get(0, echonet::kController, echonet::kSmartMeter, epcs), {}});
    }
  }
  if (!queue_.empty()) {
    send_next(now);
  } else if (history_may_send()) {
    send_history(now);
    take_history_events();
  }
}

void Reader::send_next(TimePoint now) {
  Queued next = std::move(queue_.front());
  queue_.erase(queue_.begin());
  next.frame.tid = next_tid();
  in_flight_ = Request{std::move(next.frame), config_.tries, now, std::move(next.raw_id)};
  transmit(now);
}

void Reader::transmit(TimePoint now) {
  --in_flight_->tries_left;
  in_flight_->deadline = now + config_.response_timeout;
  actions_.emplace_back(SendFrame{echonet::encode(in_flight_->frame)});
}

void Reader::on_timer(TimePoint now) {
  if (in_flight_ && now >= in_flight_->deadline && in_flight_->background) {
    log(LogLevel::debug, "no answer to a history read; it is asked again later");
    in_flight_.reset();
    earliest_send_ = now + config_.min_gap;
    history_->on_answer(std::nullopt, identity_);
    take_history_events();
  } else if (in_flight_ && now >= in_flight_->deadline) {
    if (in_flight_->tries_left > 0) {
      ++counts_.retries;
      log(LogLevel::debug, "no answer from the meter; sending the request again");
      transmit(now);
      return;
    }
    ++counts_.unanswered;
    log(LogLevel::warning,
        "the meter did not answer a request after " + std::to_string(config_.tries) + " tries");
    if (!in_flight_->raw_id.empty()) {
      actions_.emplace_back(RawReply{in_flight_->raw_id, std::nullopt});
    }
    in_flight_.reset();
    earliest_send_ = now + config_.min_gap;
    history_turn_ = true;
    if (++misses_ >= config_.misses_before_unresponsive) {
      misses_ = 0;
      actions_.emplace_back(MeterUnresponsive{});
    }
  }
  schedule(now);
}

void Reader::on_frame(ByteView payload, TimePoint now) {
  auto decoded = echonet::decode(payload);
  if (!decoded) {
    log(LogLevel::warning,
        "dropped a malformed ECHONET Lite frame from the meter: " + decoded.error().message);
    return;
  }
  const echonet::Frame& frame = *decoded;
  if (frame.seoj == echonet::kNodeProfile) {
    if (frame.esv == echonet::esv::inf || frame.esv == echonet::esv::infc) {
      log(LogLevel::debug, "the meter announced its instance list");
    }
    if (frame.esv == echonet::esv::infc) {
      actions_.emplace_back(SendFrame{echonet::encode(echonet::make_infc_response(frame))});
    }
    return;
  }
  if (!is_meter(frame.seoj)) {
    log(LogLevel::debug, "ignored a frame from " + frame.seoj.to_string() + " (not a smart meter)");
    return;
  }
  const std::uint8_t esv = frame.esv;
  if (esv == echonet::esv::inf || esv == echonet::esv::infc) {
    actions_.emplace_back(MeterAlive{});
    if (identity_read_) {
      apply_properties(frame, false, now);
    } else {
      // The 30-minute push often comes right after a rejoin, before the identity's answer: keep
      // it for then (apply_properties would drop its energy values for want of a unit).
      if (held_.size() == kMaxHeld)
        held_.erase(held_.begin());
      held_.push_back(frame);
    }
    if (esv == echonet::esv::infc) {
      actions_.emplace_back(SendFrame{echonet::encode(echonet::make_infc_response(frame))});
    }
    return;
  }
  if (!in_flight_ || frame.tid != in_flight_->frame.tid) {
    log(LogLevel::debug,
        "ignored a reply with TID " + std::to_string(frame.tid) + " that matches no request");
    return;
  }
  complete(frame, now);
}

void Reader::complete(const echonet::Frame& reply, TimePoint now) {
  Request request = std::move(*in_flight_);
  in_flight_.reset();
  misses_ = 0;
  ++(echonet::is_failure_esv(reply.esv) ? counts_.refused : counts_.answered);
  earliest_send_ = now + config_.min_gap;
  actions_.emplace_back(MeterAlive{});
  if (request.background) {
    history_->on_answer(reply, identity_);
    take_history_events();
  } else if (!request.raw_id.empty()) {
    history_turn_ = true;
    actions_.emplace_back(RawReply{request.raw_id, reply});
  } else if (request.frame.esv == echonet::esv::get) {
    history_turn_ = true;
    if (echonet::is_failure_esv(reply.esv)) {
      std::string missing;
      for (const auto& p : reply.properties) {
        if (!p.edt.empty())
          continue;
        if (!missing.empty())
          missing += ' ';  // not `" " + epc_hex(...)`: a false -Wrestrict with GCC 12 at -O2
        missing += epc_hex(p.epc);
      }
      log(LogLevel::debug, "the meter does not have " + missing + "; using the rest of its answer");
    }
    const bool identity_request =
        std::any_of(request.frame.properties.begin(), request.frame.properties.end(),
                    [](const echonet::Property& p) { return p.epc == kUnit; });
    if (identity_request)
      apply_identity(reply);
    if (identity_read_) {
      // What the meter pushed while the identity was read, before what it answered since.
      for (const echonet::Frame& held : std::exchange(held_, {}))
        apply_properties(held, false, now);
    }
    apply_properties(reply, true, now);
    const echonet::Property* power = reply.find(kPower);
    if (identity_request && power && !power->edt.empty())
      instant_due_ = now + config_.instant_interval;
  }
  schedule(now);
}

void Reader::apply_identity(const echonet::Frame& frame) {
  MeterIdentity id = identity_;
  id.coefficient = 1;
  for (const auto& p : frame.properties) {
    if (p.edt.empty())
      continue;  // not supported (SNA)
    switch (p.epc) {
      case kManufacturer:
        if (auto v = sm::decode_manufacturer_code(p.edt))
          id.manufacturer_code = *v;
        break;
      case kSerial:
        if (auto v = sm::decode_serial_number(p.edt))
          id.serial_number = *v;
        break;
      case kRelease:
        if (auto v = sm::decode_standard_version(p.edt))
          id.release = std::string(1, v->release);
        break;
      case kGetMap:
        if (auto v = echonet::decode_property_map(p.edt))
          id.get_map = *v;
        break;
      case kCoefficient:
        if (auto v = sm::decode_coefficient(p.edt)) {
          id.coefficient = *v;
        } else {
          log(LogLevel::warning, "ignored the meter's coefficient: " + v.error().message);
        }
        break;
      case kDigits:
        if (auto v = sm::decode_effective_digits(p.edt)) {
          id.digits = *v;
        } else {
          log(LogLevel::warning, "bad effective digits from the meter: " + v.error().message);
        }
        break;
      case kUnit:
        if (auto v = sm::decode_energy_unit(p.edt)) {
          id.unit_kwh = *v;
        } else {
          log(LogLevel::warning, "bad energy unit from the meter: " + v.error().message);
        }
        break;
      default:
        break;
    }
  }
  if (!id.complete()) {
    log(LogLevel::warning,
        "the meter did not give its energy unit and digits; energy values are held back "
        "until it does");
    identity_ = id;
    return;  // identity_read_ stays false: asked again before the next poll
  }
  if (identity_.unit_kwh != id.unit_kwh || identity_.digits != id.digits ||
      identity_.coefficient != id.coefficient) {
    plausibility_.forget_counters();
  }
  identity_ = id;
  identity_read_ = true;
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "meter identity: unit %g kWh, coefficient %u, %u digits, %zu readable properties",
                id.unit_kwh, id.coefficient, static_cast<unsigned>(id.digits), id.get_map.size());
  log(LogLevel::info, buf);
  actions_.emplace_back(IdentityRead{identity_});
}

void Reader::apply_properties(const echonet::Frame& frame, bool from_request, TimePoint now) {
  (void)from_request;
  MeterValues update;
  std::optional<MeterTime> boundary;  // the meter's latest 30-minute boundary, on its own clock
  const double kwh_per_count = identity_.unit_kwh * identity_.coefficient;
  for (const auto& p : frame.properties) {
    if (p.edt.empty())
      continue;
    switch (p.epc) {
      case kPower: {
        auto v = sm::decode_instant_power(p.edt);
        if (!v) {
          log(LogLevel::warning, "dropped instantaneous power: " + v.error().message);
        } else if (!v->ok()) {
          log(LogLevel::debug,
              "instantaneous power not available (" + std::string(sm::to_string(v->status)) + ")");
        } else if (auto verdict = plausibility_.check_power(v->value); !verdict.accept) {
          log(LogLevel::warning, "dropped instantaneous power: " + verdict.reason);
        } else {
          update.power_w = v->value;
        }
        break;
      }
      case kCurrents: {
        auto v = sm::decode_instant_currents(p.edt);
        if (!v) {
          log(LogLevel::warning, "dropped instantaneous currents: " + v.error().message);
          break;
        }
        auto take = [&](const sm::Measured<double>& m, std::optional<double>& out,
                        const char* phase) {
          if (!m.ok()) {
            if (m.status != sm::Status::no_data) {
              log(LogLevel::debug, std::string("current ") + phase + " not available (" +
                                       std::string(sm::to_string(m.status)) + ")");
            }
            return;
          }
          if (auto verdict = plausibility_.check_current(m.value); !verdict.accept) {
            log(LogLevel::warning, "dropped current " + std::string(phase) + ": " + verdict.reason);
            return;
          }
          out = m.value;
        };
        take(v->r, update.current_r_a, "R");
        take(v->t, update.current_t_a, "T");
        break;
      }
      case kImport:
      case kExport: {
        const bool import = p.epc == kImport;
        auto v = sm::decode_cumulative(p.edt);
        if (!v) {
          log(LogLevel::warning, "dropped cumulative energy: " + v.error().message);
          break;
        }
        if (!v->ok()) {
          log(LogLevel::debug, "cumulative energy not available");
          break;
        }
        if (!identity_read_)
          break;  // no unit yet: never publish a guess
        auto verdict = plausibility_.check_counter(
            import ? Plausibility::Counter::import_energy : Plausibility::Counter::export_energy,
            v->value, identity_.digits, kwh_per_count, now);
        if (!verdict.accept) {
          log(LogLevel::warning, "dropped cumulative energy: " + verdict.reason);
          break;
        }
        if (!verdict.reason.empty())
          log(LogLevel::warning, verdict.reason);
        const double kwh = sm::to_kwh(v->value, identity_.coefficient, identity_.unit_kwh);
        (import ? update.energy_import_kwh : update.energy_export_kwh) = kwh;
        break;
      }
      case kFixedImport:
      case kFixedExport: {
        const bool import = p.epc == kFixedImport;
        auto v = sm::decode_fixed_energy(p.edt);
        if (!v) {
          log(LogLevel::warning, "dropped fixed-time energy: " + v.error().message);
          break;
        }
        if (!v->raw.ok() || !identity_read_)
          break;
        if (identity_.digits < 10 && v->raw.value >= [&] {
              std::uint64_t m = 1;
              for (int i = 0; i < identity_.digits; ++i)
                m *= 10;
              return m;
            }()) {
          log(LogLevel::warning, "dropped fixed-time energy beyond the meter's digits");
          break;
        }
        const double kwh = sm::to_kwh(v->raw.value, identity_.coefficient, identity_.unit_kwh);
        if (auto at = to_meter_time(v->at); at && (!boundary || *at > *boundary))
          boundary = at;
        if (import) {
          update.energy_import_fixed_kwh = kwh;
          update.energy_import_fixed_at = v->at.to_iso8601();
        } else {
          update.energy_export_fixed_kwh = kwh;
          update.energy_export_fixed_at = v->at.to_iso8601();
        }
        break;
      }
      default:
        break;
    }
  }
  if (!update.empty()) {
    values_.merge(update);
    actions_.emplace_back(ValuesUpdated{std::move(update)});
  }
  if (history_ && boundary) {
    history_->on_boundary(*boundary);
    take_history_events();
  }
}

std::optional<TimePoint> Reader::next_deadline() const {
  if (!link_up_)
    return std::nullopt;
  if (in_flight_)
    return in_flight_->deadline;
  std::optional<TimePoint> next;
  auto consider = [&](const std::optional<TimePoint>& t) {
    if (t && (!next || *t < *next))
      next = t;
  };
  if (!queue_.empty() || !identity_read_) {
    next = earliest_send_;
  } else {
    consider(instant_due_);
    consider(energy_due_);
    consider(fixed_due_);
    if (history_may_send())
      consider(earliest_send_);
    if (next && earliest_send_ && *next < *earliest_send_)
      next = earliest_send_;
  }
  return next;
}

std::vector<ReaderAction> Reader::take_actions() {
  return std::exchange(actions_, {});
}

void Reader::log(LogLevel level, std::string text) {
  actions_.emplace_back(ReaderLog{level, std::move(text)});
}

std::uint16_t Reader::next_tid() {
  tid_ = static_cast<std::uint16_t>(tid_ == 0xFFFF ? 1 : tid_ + 1);
  return tid_;
}

}  // namespace hems::meter
