// ECHONET Lite decoding per meter answer: the frame codec plus the 0x0288 value decoders the
// reader applies to each property.

#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "hems/echonet/frame.hpp"
#include "hems/echonet/smart_meter.hpp"
#include "samples.hpp"

namespace hems::bench {
namespace {

namespace sm = echonet::smart_meter;

// Runs the decoder that belongs to `property`; false when it rejects the EDT.
bool decode_property(const echonet::Property& property) {
  switch (property.epc) {
    case sm::epc::instant_power: {
      auto v = sm::decode_instant_power(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::instant_currents: {
      auto v = sm::decode_instant_currents(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::cumulative_normal:
    case sm::epc::cumulative_reverse: {
      auto v = sm::decode_cumulative(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::unit: {
      auto v = sm::decode_energy_unit(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::coefficient: {
      auto v = sm::decode_coefficient(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::effective_digits: {
      auto v = sm::decode_effective_digits(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::fixed_normal:
    case sm::epc::fixed_reverse: {
      auto v = sm::decode_fixed_energy(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    case sm::epc::history_normal:
    case sm::epc::history_reverse: {
      auto v = sm::decode_history_day(property.edt);
      benchmark::DoNotOptimize(v);
      return v.has_value();
    }
    default:
      return false;
  }
}

// Decodes the frame and every property in it; the number of properties decoded, or -1.
int decode_answer(ByteView payload) {
  auto frame = echonet::decode(payload);
  if (!frame)
    return -1;
  int decoded = 0;
  for (const auto& property : frame->properties) {
    if (!decode_property(property))
      return -1;
    ++decoded;
  }
  return decoded;
}

// E2: 48 half-hour readings of one day (194-byte EDT), the largest answer the reader handles.
Bytes history_day_answer() {
  echonet::Frame frame;
  frame.tid = 5;
  frame.seoj = echonet::kSmartMeter;
  frame.deoj = echonet::kController;
  frame.esv = echonet::esv::get_res;
  Bytes edt{0x00, 0x01};
  for (std::uint32_t slot = 0; slot < 48; ++slot) {
    const std::uint32_t value = 65000 + slot * 3;
    for (int shift = 24; shift >= 0; shift -= 8)
      edt.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFF));
  }
  frame.properties.push_back({sm::epc::history_normal, edt});
  return echonet::encode(frame);
}

void run(benchmark::State& state, const Bytes& payload) {
  const int properties = decode_answer(payload);
  if (properties <= 0) {
    state.SkipWithError("the sample answer does not decode");
    return;
  }
  for (auto _ : state)
    benchmark::DoNotOptimize(decode_answer(payload));
  state.SetItemsProcessed(state.iterations());  // frames
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()));
  state.counters["properties"] = properties;
}

void BM_EchonetDecode_Power(benchmark::State& state) {
  run(state, bytes_from_hex(kReplyPower));
}
void BM_EchonetDecode_PowerCurrents(benchmark::State& state) {
  run(state, bytes_from_hex(kReplyPowerCurrents));
}
void BM_EchonetDecode_EnergyIdentity(benchmark::State& state) {
  run(state, bytes_from_hex(kReplyEnergyIdentity));
}
void BM_EchonetDecode_FixedEnergy(benchmark::State& state) {
  run(state, bytes_from_hex(kReplyFixedEnergy));
}
void BM_EchonetDecode_HistoryDay(benchmark::State& state) {
  run(state, history_day_answer());
}

// The request side: building and encoding the Get the reader sends every poll.
void BM_EchonetEncode_GetPowerCurrents(benchmark::State& state) {
  static constexpr std::array<std::uint8_t, 2> kEpcs{sm::epc::instant_power,
                                                     sm::epc::instant_currents};
  std::uint16_t tid = 0;
  for (auto _ : state) {
    auto bytes = echonet::encode(
        echonet::make_get(++tid, echonet::kController, echonet::kSmartMeter, kEpcs));
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EchonetDecode_Power);
BENCHMARK(BM_EchonetDecode_PowerCurrents);
BENCHMARK(BM_EchonetDecode_EnergyIdentity);
BENCHMARK(BM_EchonetDecode_FixedEnergy);
BENCHMARK(BM_EchonetDecode_HistoryDay);
BENCHMARK(BM_EchonetEncode_GetPowerCurrents);

}  // namespace
}  // namespace hems::bench
