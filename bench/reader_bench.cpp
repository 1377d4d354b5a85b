// hems::meter::Reader per meter answer: the poll schedule, the request it builds, and on_frame
// applying the answer (decoding, plausibility checks, value updates).

#include <benchmark/benchmark.h>

#include <map>
#include <string_view>
#include <variant>

#include "hems/echonet/frame.hpp"
#include "hems/meter/reader.hpp"
#include "samples.hpp"

namespace hems::bench {
namespace {

using meter::Reader;
using meter::ReaderConfig;
using meter::SendFrame;
using meter::ValuesUpdated;

// A 0x0288 meter that answers every Get from a table of EDTs (values of a real Toshiba meter).
// Answers are built once per distinct request and then only get the request's TID, so the
// fake meter costs next to nothing inside the timed loop.
class TableMeter {
 public:
  Bytes answer(const Bytes& request) {
    if (request.size() < 4)
      return {};
    Bytes key = request;
    key[2] = key[3] = 0;
    auto it = cache_.find(key);
    if (it == cache_.end())
      it = cache_.emplace(key, build(request)).first;
    Bytes reply = it->second;
    if (reply.size() >= 4) {
      reply[2] = request[2];
      reply[3] = request[3];
    }
    return reply;
  }

 private:
  static Bytes build(const Bytes& request) {
    static const std::map<std::uint8_t, std::string_view> kEdt = {
        {0x8A, "000016"},
        {0x8D, "463234473336363530353030"},
        {0x82, "00004600"},
        {0x9F, "1941414160404000624300414040430202"},
        {0xD3, "00000001"},
        {0xD7, "06"},
        {0xE1, "01"},
        {0xE0, "0000FE73"},
        {0xE3, "00000015"},
        {0xE7, "00000278"},
        {0xE8, "001E0032"},
        {0xEA, "07EA05140E00000000FE68"},
        {0xEB, "07EA05140E000000000015"},
    };
    auto frame = echonet::decode(request);
    if (!frame)
      return {};
    echonet::Frame reply;
    reply.tid = frame->tid;
    reply.seoj = frame->deoj;
    reply.deoj = frame->seoj;
    reply.esv = echonet::esv::get_res;
    for (const auto& p : frame->properties) {
      auto it = kEdt.find(p.epc);
      if (it == kEdt.end()) {
        reply.esv = echonet::esv::get_sna;
        reply.properties.push_back({p.epc, {}});
      } else {
        reply.properties.push_back({p.epc, bytes_from_hex(it->second)});
      }
    }
    return echonet::encode(reply);
  }

  std::map<Bytes, Bytes> cache_;
};

// Drives a Reader like the bridge does, with a fake clock and the table meter.
struct ReaderRig {
  Reader reader{ReaderConfig{}};
  TableMeter meter;
  TimePoint now{};
  std::size_t updates = 0;

  // Hands the actions to the meter; answers arrive 50 ms later. Returns whether a frame went out.
  bool pump() {
    bool sent = false;
    for (auto& action : reader.take_actions()) {
      if (auto* send = std::get_if<SendFrame>(&action)) {
        sent = true;
        const Bytes reply = meter.answer(send->frame);
        now += Duration(50);
        reader.on_frame(reply, now);
      } else if (std::holds_alternative<ValuesUpdated>(action)) {
        ++updates;
      }
    }
    return sent;
  }

  // Moves the clock to the next deadline and runs the timer until one request was answered.
  void poll_once() {
    for (int guard = 0; guard < 16; ++guard) {
      if (auto next = reader.next_deadline(); next && *next > now)
        now = *next;
      reader.on_timer(now);
      if (pump()) {
        pump();  // the actions on_frame produced
        return;
      }
    }
  }

  // Link up and identity read, as after a join.
  void start() {
    reader.on_link_up(now);
    pump();
    pump();
  }
};

// One poll: timer, Get built and encoded, the answer decoded, checked and applied.
void BM_Reader_PollCycle(benchmark::State& state) {
  ReaderRig rig;
  rig.start();
  for (int i = 0; i < 8; ++i)
    rig.poll_once();
  if (!rig.reader.identity().complete() || rig.updates == 0 || !rig.reader.values().power_w) {
    state.SkipWithError("the reader did not read the table meter");
    return;
  }
  const std::size_t updates_before = rig.updates;
  for (auto _ : state)
    rig.poll_once();
  state.SetItemsProcessed(state.iterations());  // answers applied
  state.counters["updates/poll"] =
      static_cast<double>(rig.updates - updates_before) / static_cast<double>(state.iterations());
}

// on_frame alone on the meter's spontaneous notifications (INF of E7 + E8).
void BM_Reader_OnFrameInf(benchmark::State& state) {
  ReaderRig rig;
  rig.start();
  rig.poll_once();
  Bytes inf = bytes_from_hex(kReplyPowerCurrents);
  inf[10] = echonet::esv::inf;
  std::size_t updates = 0;
  for (auto _ : state) {
    rig.now += Duration(1000);
    rig.reader.on_frame(inf, rig.now);
    for (auto& action : rig.reader.take_actions())
      updates += std::holds_alternative<ValuesUpdated>(action) ? 1U : 0U;
  }
  if (updates == 0)
    state.SkipWithError("INF frames produced no values");
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Reader_PollCycle);
BENCHMARK(BM_Reader_OnFrameInf);

}  // namespace
}  // namespace hems::bench
