// Fuzzes the SKSTACK IP stream parser. Byte 0 picks the payload format, the dialect hint and
// where the rest of the input is split into two feed() calls. Besides "never crash, never read
// out of bounds", it checks that splitting the stream does not change the records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "hems/common/bytes.hpp"
#include "hems/wisun/stream_parser.hpp"

namespace {

using hems::wisun::PayloadFormat;
using hems::wisun::Record;
using hems::wisun::StreamParser;

std::string opt(const auto& value) {
  return value ? std::to_string(*value) : "-";
}

// A flat text form of a record, so two record sequences can be compared.
std::string describe(const Record& record) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        using namespace hems::wisun;
        if constexpr (std::is_same_v<T, OkRecord>)
          return "OK|" + r.value;
        if constexpr (std::is_same_v<T, FailRecord>)
          return "FAIL|" + std::to_string(r.code);
        if constexpr (std::is_same_v<T, EventRecord>) {
          return "EVENT|" + std::to_string(r.number) + "|" + r.sender + "|" + opt(r.side) + "|" +
                 opt(r.param);
        }
        if constexpr (std::is_same_v<T, PanDescriptorRecord>) {
          return "PAN|" + std::to_string(r.channel) + "|" + std::to_string(r.channel_page) + "|" +
                 std::to_string(r.pan_id) + "|" + r.address + "|" + std::to_string(r.lqi) + "|" +
                 opt(r.side) + "|" + r.pair_id;
        }
        if constexpr (std::is_same_v<T, UdpRecord>) {
          if (r.data.size() > 0x04D0)
            std::abort();
          return "UDP|" + r.sender + "|" + r.destination + "|" + std::to_string(r.remote_port) +
                 "|" + std::to_string(r.local_port) + "|" + r.sender_mac + "|" + opt(r.rssi) + "|" +
                 std::to_string(r.secured) + "|" + opt(r.side) + "|" + hems::to_hex(r.data);
        }
        if constexpr (std::is_same_v<T, InfoRecord>) {
          return "INFO|" + r.ipv6 + "|" + r.mac + "|" + std::to_string(r.channel) + "|" +
                 std::to_string(r.pan_id) + "|" + r.fifth;
        }
        if constexpr (std::is_same_v<T, Ipv6Record>)
          return "IPV6|" + r.address;
        if constexpr (std::is_same_v<T, VersionRecord>)
          return "EVER|" + r.version;
        if constexpr (std::is_same_v<T, AppVersionRecord>)
          return "EAPPVER|" + r.version;
        if constexpr (std::is_same_v<T, RegisterRecord>)
          return "ESREG|" + r.value;
        if constexpr (std::is_same_v<T, EchoRecord> || std::is_same_v<T, UnknownRecord>) {
          if (r.text.size() > StreamParser::kMaxLineLength)
            std::abort();
          return "TEXT|" + r.text;
        }
        return "?";
      },
      record);
}

// Dialect hint: 0 = unknown (the parser's default), 1 = dual-stack, 2 and 3 = single-hop.
void configure(StreamParser& parser, PayloadFormat format, unsigned dialect) {
  parser.set_payload_format(format);
  if (dialect == 1)
    parser.set_dual_stack(true);
  if (dialect >= 2)
    parser.set_dual_stack(false);
}

std::vector<std::string> drain(StreamParser& parser, std::vector<std::string> out) {
  while (auto record = parser.next())
    out.push_back(describe(*record));
  (void)parser.take_warnings();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::uint8_t control = data[0];
  const hems::ByteView input(data + 1, size - 1);
  const std::size_t split = input.empty() ? 0 : (control * input.size()) / 255;
  const unsigned dialect = control & 0x03U;

  for (PayloadFormat format : {PayloadFormat::hex, PayloadFormat::binary, PayloadFormat::unknown}) {
    StreamParser whole;
    configure(whole, format, dialect);
    whole.feed(input);
    const auto expected = drain(whole, {});

    StreamParser parts;
    configure(parts, format, dialect);
    parts.feed(input.first(split));
    auto got = drain(parts, {});
    parts.feed(input.subspan(split));
    got = drain(parts, std::move(got));
    if (got != expected)
      std::abort();  // the split changed the records
  }
  return 0;
}
