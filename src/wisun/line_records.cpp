// Classification of single SKSTACK IP lines (REFERENCE.md §3-§5) into records.
#include "line_records.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hems::wisun::detail {
namespace {

// What follows `prefix` when the line starts with it, else nullopt.
std::optional<std::string_view> after_prefix(std::string_view line, std::string_view prefix) {
  if (!line.starts_with(prefix))
    return std::nullopt;
  return line.substr(prefix.size());
}

std::optional<Record> parse_fail(std::string_view rest) {
  // "FAIL ER10": the code is the decimal number after "ER".
  auto code_text = after_prefix(rest, "ER");
  if (!code_text || code_text->empty() || code_text->size() > 3)
    return std::nullopt;
  int code = 0;
  for (char c : *code_text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    code = code * 10 + (c - '0');
  }
  return FailRecord{code};
}

// EVENT 21 is the only event whose single trailing token is normally a PARAM (the send result);
// for every other event a single token can only be the dual-stack SIDE.
constexpr std::uint8_t kEventUdpSendDone = 0x21;

std::optional<Record> parse_event(std::string_view rest, std::optional<bool> dual_stack) {
  auto words = split_words(rest);
  if (words.empty())
    return std::nullopt;
  auto number = parse_hex(words[0], 2);
  if (!number)
    return std::nullopt;
  EventRecord event;
  event.number = static_cast<std::uint8_t>(*number);
  std::span<const std::string_view> tail(words);
  tail = tail.subspan(1);
  // The sender is an IPv6 address; EVENT C0 (wake-up) has none.
  if (!tail.empty() && tail[0].find(':') != std::string_view::npos) {
    event.sender = std::string(tail[0]);
    tail = tail.subspan(1);
  }
  if (tail.size() > 2)
    return std::nullopt;
  std::optional<std::string_view> side_text;
  std::optional<std::string_view> param_text;
  if (tail.size() == 2) {
    side_text = tail[0];
    param_text = tail[1];
  } else if (tail.size() == 1) {
    bool is_side = dual_stack ? *dual_stack : event.number != kEventUdpSendDone;
    (is_side ? side_text : param_text) = tail[0];
  }
  if (side_text) {
    auto side = parse_hex(*side_text, 2);
    if (!side)
      return std::nullopt;
    event.side = static_cast<int>(*side);
  }
  if (param_text) {
    auto param = parse_hex(*param_text, 2);
    if (!param)
      return std::nullopt;
    event.param = static_cast<std::uint8_t>(*param);
  }
  return event;
}

std::optional<Record> parse_info(std::string_view rest) {
  // EINFO <IPADDR> <ADDR64> <CHANNEL> <PANID> <ADDR16 or SIDE>
  auto words = split_words(rest);
  if (words.size() != 5 || !is_full_ipv6(words[0]) || !is_hex_digits(words[1], 16)) {
    return std::nullopt;
  }
  auto channel = parse_hex(words[2], 2);
  auto pan_id = parse_hex(words[3], 4);
  if (!channel || !pan_id)
    return std::nullopt;
  return InfoRecord{std::string(words[0]), std::string(words[1]),
                    static_cast<std::uint8_t>(*channel), static_cast<std::uint16_t>(*pan_id),
                    std::string(words[4])};
}

bool is_echoed_command(std::string_view line) {
  static constexpr std::array<std::string_view, 5> kCommandPrefixes = {"SK", "ROPT", "WOPT",
                                                                       "RUART", "WUART"};
  for (auto prefix : kCommandPrefixes) {
    if (line.starts_with(prefix))
      return true;
  }
  return false;
}

std::optional<std::string> non_empty(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  return std::string(text);
}

}  // namespace

Record classify_line(std::string_view raw_line, std::optional<bool> dual_stack) {
  const std::string_view line = trim_trailing_spaces(raw_line);
  if (line == "OK")
    return OkRecord{};
  if (auto rest = after_prefix(line, "OK "))
    return OkRecord{std::string(*rest)};
  if (auto rest = after_prefix(line, "FAIL ")) {
    if (auto record = parse_fail(*rest))
      return *record;
  }
  if (auto rest = after_prefix(line, "EVENT ")) {
    if (auto record = parse_event(*rest, dual_stack))
      return *record;
  }
  if (auto rest = after_prefix(line, "EVER ")) {
    if (auto value = non_empty(*rest))
      return VersionRecord{*value};
  }
  if (auto rest = after_prefix(line, "EAPPVER ")) {
    if (auto value = non_empty(*rest))
      return AppVersionRecord{*value};
  }
  if (auto rest = after_prefix(line, "EINFO ")) {
    if (auto record = parse_info(*rest))
      return *record;
  }
  if (auto rest = after_prefix(line, "ESREG ")) {
    if (auto value = non_empty(*rest))
      return RegisterRecord{*value};
  }
  if (is_full_ipv6(line))
    return Ipv6Record{std::string(line)};
  if (is_echoed_command(line))
    return EchoRecord{std::string(line)};
  return UnknownRecord{std::string(raw_line)};
}

Result<UdpRecord> parse_udp_header(std::span<const std::string_view> fields) {
  if (fields.size() < 6 || fields.size() > 8) {
    return fail("ERXUDP header has " + std::to_string(fields.size() + 2) +
                " fields before the data; expected 8, 9 or 10");
  }
  UdpRecord record;
  for (std::size_t i : {0U, 1U}) {
    if (fields[i].find(':') == std::string_view::npos || fields[i].size() > 39) {
      return fail("ERXUDP address field is not an IPv6 address");
    }
  }
  record.sender = std::string(fields[0]);
  record.destination = std::string(fields[1]);
  auto remote_port = parse_hex(fields[2], 4);
  auto local_port = parse_hex(fields[3], 4);
  if (!remote_port || !local_port)
    return fail("ERXUDP port is not 1-4 hex digits");
  record.remote_port = static_cast<std::uint16_t>(*remote_port);
  record.local_port = static_cast<std::uint16_t>(*local_port);
  // Published test fixtures use 12- to 18-digit sender MACs, so only the digits are checked.
  if (!is_hex_digits(fields[4], 20))
    return fail("ERXUDP sender MAC is not 1-20 hex digits");
  record.sender_mac = std::string(fields[4]);

  auto flags = fields.subspan(5);
  if (flags.size() == 3) {
    // SA2=1 on the dual-stack dialect. Whether this is LQI or dBm is open (OQ-2): keep it raw.
    auto rssi = parse_hex(flags[0], 4);
    if (!rssi)
      return fail("ERXUDP RSSI field is not hex");
    record.rssi = static_cast<int>(*rssi);
    flags = flags.subspan(1);
  }
  auto secured = parse_hex(flags[0], 2);
  if (!secured || *secured > 1)
    return fail("ERXUDP SECURED field is not 0 or 1");
  record.secured = *secured == 1;
  if (flags.size() == 2) {
    auto side = parse_hex(flags[1], 2);
    if (!side)
      return fail("ERXUDP SIDE field is not hex");
    record.side = static_cast<int>(*side);
  }
  return record;
}

Result<PanField> apply_pan_field(std::string_view line, PanDescriptorRecord& block) {
  std::size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos)
    return PanField::ignored;
  std::string_view field = line.substr(start);
  std::size_t colon = field.find(':');
  if (colon == std::string_view::npos)
    return fail("EPANDESC line without ':' ignored");
  std::string_view key = field.substr(0, colon);
  std::string_view value = trim_trailing_spaces(field.substr(colon + 1));

  auto set_hex = [&](auto& target, std::size_t digits) -> Result<PanField> {
    auto parsed = parse_hex(value, digits);
    if (!parsed) {
      return fail("EPANDESC " + std::string(key) + " value '" + std::string(value) +
                  "' is not hex; left unset");
    }
    target = static_cast<std::remove_reference_t<decltype(target)>>(*parsed);
    return PanField::applied;
  };
  if (key == "Channel")
    return set_hex(block.channel, 2);
  if (key == "Channel Page")
    return set_hex(block.channel_page, 2);
  if (key == "Pan ID")
    return set_hex(block.pan_id, 4);
  if (key == "LQI")
    return set_hex(block.lqi, 2);
  if (key == "Side") {
    int side = 0;
    auto applied = set_hex(side, 2);
    if (applied)
      block.side = side;
    return applied;
  }
  if (key == "Addr") {
    block.address = std::string(value);
    return PanField::applied;
  }
  if (key == "PairID") {
    block.pair_id = std::string(value);
    return PanField::pair_id;
  }
  return PanField::ignored;
}

}  // namespace hems::wisun::detail
