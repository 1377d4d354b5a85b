#include "hems/sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hems::sim {
namespace {

// Default meter clock when none is given: the date of the real captures in REFERENCE §16.
std::chrono::sys_seconds default_clock_start() {
  return *parse_local_datetime("2026-05-20T13:59:00");
}

// "2026-05-20T14:00:00" for meter-clock epoch seconds.
std::string meter_clock_text(std::int64_t epoch_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epoch_seconds}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> time{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

std::string dongle_mac(Dialect dialect) {
  return dialect == Dialect::bp35a1 ? "001D129012345678" : "001D12910004E578";
}

}  // namespace

std::string link_local_from_mac(std::string_view mac_hex) {
  auto mac = from_hex(mac_hex);
  if (!mac || mac->size() != 8)
    return "FE80:0000:0000:0000:0000:0000:0000:0000";
  (*mac)[0] ^= 0x02;
  const std::string hex = to_hex(*mac);
  return "FE80:0000:0000:0000:" + hex.substr(0, 4) + ":" + hex.substr(4, 4) + ":" +
         hex.substr(8, 4) + ":" + hex.substr(12, 4);
}

bool is_full_ipv6(std::string_view text) {
  if (text.size() != 39)
    return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 5 == 4) {
      if (text[i] != ':')
        return false;
    } else if (!hex_digit_value(text[i])) {
      return false;
    }
  }
  return true;
}

Simulator::Simulator(const SimOptions& options, TimePoint start)
    : options_(options),
      start_(start),
      meter_(options, options.clock_start.value_or(default_clock_start())),
      input_(options.dialect == Dialect::bp35a1 ? 6 : 7),
      rng_(options.seed * 0x9E3779B97F4A7C15ULL + 1),
      own_mac_(dongle_mac(options.dialect)),
      own_ll_(link_local_from_mac(own_mac_)),
      meter_ll_(link_local_from_mac(options.meter_mac)),
      echo_(options.echo),
      payload_hex_(options.payload_hex || options.ropt_unsupported) {
  reset_dongle();
  for (const auto& f : options_.faults) {
    const auto at = SimMs{static_cast<std::int64_t>(std::llround(f.at_s * 1000))};
    schedule(at, [this, f] { start_fault(f.kind, f.seconds); });
  }
}

void Simulator::restore_flash(bool payload_hex, unsigned flash_writes) {
  // A stick without WOPT has no payload setting to restore: it always writes hex.
  payload_hex_ = payload_hex || options_.ropt_unsupported;
  flash_writes_ = flash_writes;
}

SimMs Simulator::sim_time(TimePoint now) const {
  const double real_ms = std::chrono::duration<double, std::milli>(now - start_).count();
  return SimMs{static_cast<std::int64_t>(std::floor(real_ms * options_.speed))};
}

TimePoint Simulator::real_time(SimMs sim) const {
  const double real_ns = std::ceil(static_cast<double>(sim.count()) * 1e6 / options_.speed);
  return start_ + std::chrono::duration_cast<TimePoint::duration>(
                      std::chrono::nanoseconds{static_cast<std::int64_t>(real_ns)});
}

void Simulator::schedule(SimMs delay, std::function<void()> fn) {
  timers_.emplace(now_ + delay, std::move(fn));
}

void Simulator::schedule_dongle(SimMs delay, std::function<void()> fn) {
  // Dropped when the dongle resets or is unplugged before it fires.
  schedule(delay, [this, epoch = epoch_, fn = std::move(fn)] {
    if (epoch == epoch_)
      fn();
  });
}

void Simulator::schedule_session(SimMs delay, std::function<void()> fn) {
  // Dropped when the session changes (ended, rejoined, re-authenticated) before it fires.
  schedule_dongle(delay, [this, gen = session_gen_, fn = std::move(fn)] {
    if (gen == session_gen_)
      fn();
  });
}

SimMs Simulator::random_ms(int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return SimMs{lo + static_cast<std::int64_t>(rng_() % span)};
}

void Simulator::log(const std::string& text) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%10.3f] ", static_cast<double>(now_.count()) / 1000.0);
  // Secrets never reach the log, wherever they turn up in a line (even inside garbage input).
  std::string clean = text;
  for (const std::string* secret : {&options_.password, &options_.rbid}) {
    for (std::size_t at; !secret->empty() && (at = clean.find(*secret)) != std::string::npos;) {
      clean.replace(at, secret->size(), "<hidden>");
    }
  }
  log_.push_back(stamp + clean);
}

void Simulator::emit(std::string_view bytes) {
  if (unplugged() || bytes.empty())
    return;
  SimMs due = std::max(now_, last_output_due_);
  if (now_ < split_until_) {
    // The split fault: tiny chunks with small gaps, as a congested USB-serial bridge delivers.
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t n = std::min<std::size_t>(1 + rng_() % 5, bytes.size() - at);
      due += random_ms(1, 15);
      output_.emplace_back(due, Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                      bytes.begin() + static_cast<std::ptrdiff_t>(at + n)));
      at += n;
    }
  } else {
    output_.emplace_back(due, Bytes(bytes.begin(), bytes.end()));
  }
  last_output_due_ = due;
}

void Simulator::line(std::string_view text) {
  std::string out(text);
  out += "\r\n";
  emit(out);
}

void Simulator::advance(TimePoint now) {
  now_ = std::max(now_, sim_time(now));
  const SimMs target = now_;
  while (!timers_.empty() && timers_.begin()->first <= target) {
    auto node = timers_.extract(timers_.begin());
    // Run each timer at its own time so its output and follow-ups are stamped correctly.
    now_ = node.key();
    on_boundaries(meter_.advance_to(now_));
    node.mapped()();
  }
  now_ = target;
  on_boundaries(meter_.advance_to(now_));
}

void Simulator::tick(TimePoint now) {
  advance(now);
}

void Simulator::on_boundaries(int count) {
  if (count == 0)
    return;
  log("meter clock passed a 30-minute boundary (" + std::to_string(count) +
      "), E0=" + std::to_string(meter_.import_raw()));
  // One line per boundary with the registers the meter fixed there (what EA/EB and E2/E4 then
  // report), so a test can check a client's history against the meter's own record.
  for (int k = count - 1; k >= 0; --k) {
    const std::int64_t boundary = meter_.last_boundary() - std::int64_t{1800} * k;
    if (auto fixed = meter_.fixed_at(boundary)) {
      log("fixed " + meter_clock_text(boundary) + " E0=" + std::to_string(fixed->first) +
          " E3=" + std::to_string(fixed->second));
    }
  }
  // Real meters push within about 5 minutes of the boundary; we push within seconds.
  schedule(random_ms(2000, 8000), [this] { send_fixed_push(false); });
}

void Simulator::send_fixed_push(bool forced) {
  if (session_ != Session::up || !meter_reachable() || now_ < silent_until_) {
    log(std::string(forced ? "notify" : "30-minute push") + " skipped: no session or meter silent");
    return;
  }
  meter_tid_ = static_cast<std::uint16_t>(meter_tid_ + 1);
  const std::uint16_t tid = meter_tid_;
  emit_erxudp(meter_ll_, own_ll_, "0E1A", true, meter_.fixed_energy_push(tid, options_.infc));
  log(std::string(options_.infc ? "INFC" : "INF") + " EA/EB pushed, TID " +
      to_hex(Bytes{static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid)}));
  if (options_.infc) {
    pending_infc_ = tid;
    schedule(SimMs{30'000}, [this, tid] {
      if (pending_infc_ == tid) {
        log("INFC_Res did not come for TID " + std::to_string(tid));
        pending_infc_.reset();
      }
    });
  }
}

void Simulator::receive(ByteView bytes, TimePoint now) {
  advance(now);
  if (unplugged())
    return;
  for (const auto& input : input_.feed(bytes))
    handle_input(input);
}

void Simulator::client_attached(TimePoint now) {
  advance(now);
  input_.reset();
  log("client attached");
}

void Simulator::note(const std::string& text, TimePoint now) {
  advance(now);
  log(text);
}

void Simulator::console(std::string_view text, TimePoint now) {
  advance(now);
  auto tokens = split_tokens(text);
  if (tokens.empty())
    return;
  if (tokens[0] == "quit") {
    quit_ = true;
    log("quit requested");
  } else if (tokens[0] == "notify") {
    send_fixed_push(true);
  } else if (tokens[0] == "fault" && (tokens.size() == 2 || tokens.size() == 3)) {
    auto spec = parse_fault_spec("0:" + tokens[1] + (tokens.size() == 3 ? ":" + tokens[2] : ""));
    if (!spec) {
      log("console: " + spec.error().message);
      return;
    }
    start_fault(spec->kind, spec->seconds);
  } else {
    log("console: unknown command (try 'fault KIND [SECONDS]', 'notify', 'quit')");
  }
}

Bytes Simulator::take_output(TimePoint now) {
  advance(now);
  Bytes out;
  while (!output_.empty() && output_.front().first <= now_) {
    out.insert(out.end(), output_.front().second.begin(), output_.front().second.end());
    output_.pop_front();
  }
  return out;
}

std::optional<TimePoint> Simulator::next_wakeup() const {
  std::optional<SimMs> next;
  auto consider = [&](SimMs t) { next = next ? std::min(*next, t) : t; };
  if (!timers_.empty())
    consider(timers_.begin()->first);
  if (!output_.empty())
    consider(output_.front().first);
  consider(meter_.next_boundary_time());
  return real_time(std::max(*next, now_));
}

std::vector<std::string> Simulator::take_log() {
  return std::exchange(log_, {});
}

std::vector<TransportAction> Simulator::take_transport_actions() {
  return std::exchange(actions_, {});
}

}  // namespace hems::sim
