#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/common/time.hpp"
#include "hems/sim/meter_model.hpp"
#include "hems/sim/options.hpp"
#include "hems/sim/sk_input.hpp"

namespace hems::sim {

// What the thin pty/tcp shell must do to the transport (the unplug fault).
enum class TransportAction { unplug, replug };

// The simulated Wi-SUN dongle and the smart meter behind it. Sans-I/O: the shell passes in the
// bytes it read and the current time, and takes out the bytes to write (each becomes due at a
// certain time), log lines and transport actions. Every delay is in simulated time, which runs
// `--speed` times faster than the TimePoints passed in.
class Simulator {
 public:
  Simulator(const SimOptions& options, TimePoint start);

  void receive(ByteView bytes, TimePoint now);
  // One line typed on stdin: "fault KIND [SECONDS]", "notify", "quit".
  void console(std::string_view line, TimePoint now);
  // A client opened the pty or connected over TCP: forget half-read input.
  void client_attached(TimePoint now);
  // A line from the shell (transport events) for the log, stamped with the simulated time.
  void note(const std::string& text, TimePoint now);
  // Runs everything due by `now`.
  void tick(TimePoint now);

  Bytes take_output(TimePoint now);
  std::optional<TimePoint> next_wakeup() const;
  std::vector<std::string> take_log();
  std::vector<TransportAction> take_transport_actions();

  bool quit_requested() const { return quit_; }
  bool unplugged() const { return now_ < unplug_until_; }
  bool payload_hex() const { return payload_hex_; }
  unsigned flash_writes() const { return flash_writes_; }
  // Restores the "flash" (WOPT value and write counter) from a state file.
  void restore_flash(bool payload_hex, unsigned flash_writes);

  SimMs sim_time(TimePoint now) const;
  TimePoint real_time(SimMs sim) const;
  const MeterModel& meter() const { return meter_; }
  const std::string& dongle_address() const { return own_ll_; }
  const std::string& meter_address() const { return meter_ll_; }
  bool session_up() const { return session_ == Session::up; }

 private:
  enum class Session { none, joining, up, reauth };

  // simulator.cpp: plumbing
  void advance(TimePoint now);
  void schedule(SimMs delay, std::function<void()> fn);
  void schedule_dongle(SimMs delay, std::function<void()> fn);
  void schedule_session(SimMs delay, std::function<void()> fn);
  void emit(std::string_view bytes);
  void line(std::string_view text);
  void log(const std::string& text);
  SimMs random_ms(int lo, int hi);
  void on_boundaries(int count);
  void send_fixed_push(bool forced);

  // simulator_dongle.cpp: SKSTACK commands and dongle output
  void handle_input(const SkInput& input);
  void handle_line(const std::string& text);
  void handle_sendto(const SkInput& input);
  void cmd_sksreg(const std::vector<std::string>& args);
  void cmd_skscan(const std::vector<std::string>& args);
  void cmd_skjoin(const std::vector<std::string>& args);
  void cmd_skterm();
  void cmd_wopt(const std::vector<std::string>& args);
  void fail(int code);
  void reset_dongle();
  void end_session(const std::string& why);
  std::string event(std::string_view num, const std::string& addr,
                    std::optional<std::string_view> param = std::nullopt) const;
  void emit_erxudp(const std::string& sender, const std::string& dest, std::string_view port,
                   bool secured, ByteView payload);
  void deliver_to_meter(Bytes payload);
  bool meter_reachable() const;

  // simulator_faults.cpp
  void start_fault(FaultKind kind, double seconds);
  void start_instant_fault(FaultKind kind);
  void garbage_burst();
  void emit_garbage();

  SimOptions options_;
  TimePoint start_;
  SimMs now_{0};
  MeterModel meter_;
  SkInputAssembler input_;
  std::mt19937_64 rng_;
  std::string own_mac_;
  std::string own_ll_;
  std::string meter_ll_;

  std::multimap<SimMs, std::function<void()>> timers_;
  std::deque<std::pair<SimMs, Bytes>> output_;
  SimMs last_output_due_{0};
  std::vector<std::string> log_;
  std::vector<TransportAction> actions_;
  bool quit_ = false;

  // Dongle state (lost on SKRESET and unplug, except the "flash").
  unsigned epoch_ = 0;
  bool echo_;
  std::map<unsigned, std::string> registers_;
  std::optional<std::string> password_;
  std::optional<std::string> rbid_;
  bool scanning_ = false;
  bool payload_hex_;
  unsigned flash_writes_ = 0;

  Session session_ = Session::none;
  unsigned session_gen_ = 0;
  bool meter_has_session_ = false;  // false after the meter rebooted

  // Fault windows: active while now_ < until.
  SimMs no_beacon_until_{-1};
  SimMs silent_until_{-1};
  SimMs tx_limit_until_{-1};
  SimMs split_until_{-1};
  SimMs reboot_until_{-1};
  SimMs unplug_until_{-1};
  SimMs garbage_until_{-1};
  SimMs pana_refused_until_{-1};  // reauth and reauth-fail: the meter completes no PANA exchange
  bool garbage_running_ = false;  // a chain of garbage bursts is scheduled

  std::uint16_t meter_tid_ = 0;
  std::optional<std::uint16_t> pending_infc_;
};

// "FE80:0000:0000:0000:" + MAC with the U/L bit flipped, as SKLL64 prints it.
std::string link_local_from_mac(std::string_view mac_hex);
// An IPv6 address written the way SKSTACK does: 8 groups of 4 hex digits.
bool is_full_ipv6(std::string_view text);

}  // namespace hems::sim
