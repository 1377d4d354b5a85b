// hems2mqtt-sim: the simulated Wi-SUN dongle and smart meter behind a pty or a TCP port.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "endpoint.hpp"
#include "hems/sim/simulator.hpp"
#include "hems/sim/write_log.hpp"
#include "shell.hpp"
#include "state_file.hpp"

namespace {

std::chrono::sys_seconds local_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  using namespace std::chrono;
  const year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                           day{static_cast<unsigned>(tm.tm_mday)}};
  return sys_days{ymd} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

}  // namespace

// --- LAN appliance mode: `hems2mqtt-sim lan [options]` (lan_main.cpp) ---
int run_lan_mode(const std::vector<std::string>& args);

int main(int argc, char** argv) {
  using namespace hems::sim;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "lan")
    return run_lan_mode(std::vector<std::string>(args.begin() + 1, args.end()));
  // --- end of the LAN mode hook ---
  if (std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  auto parsed = parse_options(args);
  if (!parsed) {
    std::fprintf(stderr, "hems2mqtt-sim: %s\n%s", parsed.error().message.c_str(),
                 usage_text().c_str());
    return 2;
  }
  SimOptions options = *parsed;
  if (!options.pty_link && !options.tcp_port) {
    std::fprintf(stderr, "hems2mqtt-sim: give --pty LINK or --tcp PORT\n%s", usage_text().c_str());
    return 2;
  }
  if (!options.clock_start)
    options.clock_start = local_now();

  std::optional<FlashState> flash;
  if (options.state_file)
    flash = load_flash_state(*options.state_file);
  if (flash && options.payload_explicit)
    flash->payload_hex = options.payload_hex;

  install_stop_signals();
  Simulator sim(options, hems::Clock::now());
  if (flash)
    sim.restore_flash(flash->payload_hex, flash->flash_writes);
  unsigned saved_writes = sim.flash_writes();

  std::unique_ptr<Endpoint> endpoint = options.pty_link ? make_pty_endpoint(*options.pty_link)
                                                        : make_tcp_endpoint(*options.tcp_port);
  auto ready = endpoint->open();
  if (!ready) {
    std::fprintf(stderr, "hems2mqtt-sim: %s\n", ready.error().message.c_str());
    return 1;
  }
  std::FILE* write_log = nullptr;
  if (options.write_log) {
    write_log = std::fopen(options.write_log->c_str(), "a");
    if (write_log == nullptr) {
      std::fprintf(stderr, "hems2mqtt-sim: cannot open %s: %s\n", options.write_log->c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  print("READY " + *ready);

  bool stdin_open = true;
  std::string stdin_buffer;
  while (!stop_requested() && !sim.quit_requested()) {
    std::vector<pollfd> fds;
    if (stdin_open)
      fds.push_back(pollfd{STDIN_FILENO, POLLIN, 0});
    endpoint->add_poll_fds(fds);

    auto now = hems::Clock::now();
    int timeout = endpoint->max_wait_ms();
    if (auto wake = sim.next_wakeup()) {
      const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wake - now).count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, timeout));
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR)
      break;
    now = hems::Clock::now();

    if (stdin_open && (fds[0].revents & (POLLIN | POLLHUP))) {
      char buf[512];
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;  // keep serving; stdin closed is normal under a test harness
      } else {
        stdin_buffer.append(buf, static_cast<std::size_t>(n));
        std::size_t eol;
        while ((eol = stdin_buffer.find('\n')) != std::string::npos) {
          sim.console(stdin_buffer.substr(0, eol), now);
          stdin_buffer.erase(0, eol + 1);
        }
      }
    }

    auto events = endpoint->handle_poll(fds);
    for (const auto& note : events.notes)
      print(note);
    if (events.attached)
      sim.client_attached(now);
    if (!events.input.empty())
      sim.receive(events.input, now);
    sim.tick(now);
    auto out = sim.take_output(now);
    if (!out.empty()) {
      // The time is taken before the write and logged after it, so logging adds no delay.
      const auto written = std::chrono::system_clock::now();
      endpoint->write(out);
      if (write_log != nullptr) {
        if (auto entry = write_log_entry(out, written)) {
          std::fputs(entry->c_str(), write_log);
          std::fputc('\n', write_log);
          std::fflush(write_log);
        }
      }
    }
    for (const auto& line : sim.take_log())
      print(line);

    for (auto action : sim.take_transport_actions()) {
      if (action == TransportAction::unplug) {
        endpoint->close();
        sim.note("transport unplugged", now);
      } else {
        auto again = endpoint->open();
        sim.note(
            again ? "transport replugged: " + *again : "replug failed: " + again.error().message,
            now);
      }
    }
    if (options.state_file && sim.flash_writes() != saved_writes) {
      saved_writes = sim.flash_writes();
      if (!save_flash_state(*options.state_file, {sim.payload_hex(), saved_writes})) {
        sim.note("could not write the state file", now);
      }
    }
    for (const auto& line : sim.take_log())
      print(line);
  }
  for (const auto& line : sim.take_log())
    print(line);
  if (write_log != nullptr)
    std::fclose(write_log);
  print("exiting");
  return 0;
}
