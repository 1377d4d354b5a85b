// hems::wisun::Session from a closed port to a joined PANA session, then 1000 request/response
// exchanges with the meter: the whole SKSTACK side of the bridge, without I/O.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>

#include "hems/wisun/session.hpp"
#include "samples.hpp"

namespace hems::bench {
namespace {

using namespace wisun;

constexpr int kResponses = 1000;
constexpr std::string_view kPanaPayload = "00000058";

// A BP35A1-style dongle in front of one meter: reacts to each command the session writes with
// the lines the reference captures show, in hex or binary ERXUDP mode.
class ScriptedDongle {
 public:
  explicit ScriptedDongle(bool binary) : binary_(binary) {}

  // Appends the dongle's answer to `text` (one whole write of the session) to `out`.
  void react(std::string_view text, std::string& out) const {
    const std::string ip(kMeterIp);
    const std::string me(kDongleIp);
    if (text.starts_with("SKSENDTO")) {
      out += reply_exchange(kReplyPowerCurrents, binary_);
    } else if (text.starts_with("SKVER")) {
      out += "EVER 1.2.10\r\nOK\r\n";
    } else if (text.starts_with("SKAPPVER")) {
      out += "EAPPVER rev26e\r\nOK\r\n";
    } else if (text.starts_with("SKINFO")) {
      out += "EINFO " + me + " 001D129000057478 21 8888 FFFE\r\nOK\r\n";
    } else if (text.starts_with("ROPT")) {
      out += binary_ ? "OK 00\r" : "OK 01\r";
    } else if (text.starts_with("SKSCAN")) {
      out += "OK\r\nEVENT 20 " + me + "\r\nEPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n" +
             "  Pan ID:8888\r\n  Addr:" + std::string(kMeterMac) +
             "\r\n  LQI:E1\r\n  PairID:CCDDEEFF\r\nEVENT 22 " + me + "\r\n";
    } else if (text.starts_with("SKLL64")) {
      out += ip + "\r\n";
    } else if (text.starts_with("SKJOIN")) {
      out += "OK\r\nEVENT 21 " + ip + " 02\r\nEVENT 02 " + ip + "\r\n";
      out += udp(me, "02CC", "0", kPanaPayload);
      out += "EVENT 21 " + ip + " 00\r\nEVENT 25 " + ip + "\r\n";
      out += udp("FF02:0000:0000:0000:0000:0000:0000:0001", "0E1A", "1", kInstanceListInf);
    } else {
      out += "OK\r\n";  // SKSREG, SKSETPWD, SKSETRBID, SKTERM, ...
    }
  }

 private:
  std::string udp(const std::string& destination, std::string_view port, std::string_view secured,
                  std::string_view payload_hex) const {
    const Bytes payload = bytes_from_hex(payload_hex);
    std::string line = "ERXUDP " + std::string(kMeterIp) + " " + destination + " ";
    line.append(port).append(" ").append(port).append(" ").append(kMeterMac).append(" ");
    line.append(secured).append(" ").append(datalen(payload.size())).append(" ");
    if (binary_)
      line.append(payload.begin(), payload.end());
    else
      line.append(payload_hex);
    return line + "\r\n";
  }

  bool binary_;
};

// Runs the session like the event loop would: bytes from the dongle as soon as they exist,
// timers when nothing else is pending.
struct SessionRig {
  explicit SessionRig(bool binary) : dongle(binary), session(config()) {}

  static SessionConfig config() {
    SessionConfig c;
    c.route_b_id = "00112233445566778899AABBCCDDEEFF";
    c.password = "0123456789AB";
    return c;
  }

  ScriptedDongle dongle;
  Session session;
  TimePoint now{};
  std::string input;  // dongle output not yet fed
  int frames = 0;     // FrameReceived
  std::size_t bytes_fed = 0;

  void handle_actions() {
    for (auto& action : session.take_actions()) {
      if (auto* write = std::get_if<WriteBytes>(&action)) {
        dongle.react(std::string_view(reinterpret_cast<const char*>(write->bytes.data()),
                                      write->bytes.size()),
                     input);
      } else if (std::holds_alternative<OpenTransport>(action)) {
        session.on_transport_opened(now);
      } else if (std::holds_alternative<FrameReceived>(action)) {
        ++frames;
      }
    }
  }

  // Steps until `done()`; false if the session went quiet or looped without getting there.
  template <typename Done>
  bool run_until(Done done) {
    for (int guard = 0; guard < 10000; ++guard) {
      handle_actions();
      if (done())
        return true;
      if (!input.empty()) {
        std::string chunk;
        chunk.swap(input);
        bytes_fed += chunk.size();
        session.on_bytes(view_of(chunk), now);
        continue;
      }
      auto next = session.next_deadline();
      if (!next)
        return false;
      now = std::max(now, *next);
      session.on_timer(now);
    }
    return false;
  }

  bool join() {
    session.start(now);
    return run_until([&] { return session.status().state == LinkState::joined; });
  }

  bool exchange() {
    const int before = frames;
    session.send_frame(bytes_from_hex("1081000105FF010288016202E700E800"), now);
    return run_until([&] { return frames > before; });
  }
};

void run(benchmark::State& state, bool binary) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    SessionRig rig(binary);
    bool ok = rig.join();
    for (int i = 0; ok && i < kResponses; ++i)
      ok = rig.exchange();
    if (!ok || rig.frames < kResponses) {
      state.SkipWithError("the session did not join and exchange every frame");
      return;
    }
    bytes += rig.bytes_fed;
  }
  state.SetItemsProcessed(state.iterations() * kResponses);  // meter responses
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_Session_JoinAnd1000Responses_Hex(benchmark::State& state) {
  run(state, false);
}
void BM_Session_JoinAnd1000Responses_Binary(benchmark::State& state) {
  run(state, true);
}

BENCHMARK(BM_Session_JoinAnd1000Responses_Hex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Session_JoinAnd1000Responses_Binary)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hems::bench
