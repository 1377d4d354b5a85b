#include "hems/sim/lan_options.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace hems::sim {
namespace {

constexpr std::array<std::pair<std::string_view, LanObjectKind>, 8> kKindNames{{
    {"aircon", LanObjectKind::aircon},
    {"water-heater", LanObjectKind::water_heater},
    {"battery", LanObjectKind::battery},
    {"solar", LanObjectKind::solar},
    {"ev-charger", LanObjectKind::ev_charger},
    {"floor-heater", LanObjectKind::floor_heater},
    {"light", LanObjectKind::light},
    {"maker-specific", LanObjectKind::maker_specific},
}};

template <typename T>
std::optional<T> parse_integer(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (text.empty() || ec != std::errc{} || ptr != end)
    return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end)
    return std::nullopt;
  return value;
}

std::string_view strip_0x(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  return text;
}

// "HH:MM" → hours since midnight.
std::optional<double> parse_clock(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto h = parse_integer<unsigned>(text.substr(0, colon));
  auto m = parse_integer<unsigned>(text.substr(colon + 1));
  if (!h || !m || *h > 23 || *m > 59)
    return std::nullopt;
  return *h + *m / 60.0;
}

}  // namespace

std::optional<LanObjectKind> lan_object_kind_from_name(std::string_view name) {
  for (const auto& [text, kind] : kKindNames) {
    if (text == name)
      return kind;
  }
  return std::nullopt;
}

std::string_view lan_object_kind_name(LanObjectKind kind) {
  for (const auto& [text, k] : kKindNames) {
    if (k == kind)
      return text;
  }
  return "?";
}

Result<LanOptions> parse_lan_options(std::span<const std::string> args) {
  LanOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size())
        return std::nullopt;
      return std::string_view(args[++i]);
    };
    auto need = [&](std::string_view what) { return fail(flag + " needs " + std::string(what)); };
    if (flag == "--ipv6") {
      options.ipv6 = true;
    } else if (flag == "--partial") {
      options.partial = true;
    } else if (flag == "--no-multi") {
      options.no_multi = true;
    } else if (flag == "--bind") {
      auto v = value();
      if (!v || v->empty())
        return need("an address");
      options.bind = std::string(*v);
    } else if (flag == "--port") {
      auto v = value();
      auto n = v ? parse_integer<std::uint16_t>(*v) : std::nullopt;
      if (!n || *n == 0)
        return need("a port number 1-65535");
      options.port = *n;
    } else if (flag == "--interface") {
      auto v = value();
      if (!v || v->empty())
        return need("an interface name");
      options.interface_name = std::string(*v);
    } else if (flag == "--object") {
      auto v = value();
      auto kind = v ? lan_object_kind_from_name(*v) : std::nullopt;
      if (!kind) {
        return need(
            "one of aircon, water-heater, battery, solar, ev-charger, floor-heater, light, "
            "maker-specific");
      }
      options.objects.push_back(*kind);
    } else if (flag == "--node-id") {
      auto v = value();
      auto bytes = v ? from_hex(strip_0x(*v)) : std::nullopt;
      if (!bytes || bytes->empty() || bytes->size() > 16)
        return need("1 to 16 bytes of hex");
      options.node_id = *bytes;
    } else if (flag == "--maker") {
      auto v = value();
      auto bytes = v ? from_hex(strip_0x(*v)) : std::nullopt;
      if (!bytes || bytes->size() != 3)
        return need("3 bytes of hex (e.g. 000016)");
      options.maker = *bytes;
    } else if (flag == "--late-join") {
      auto v = value();
      auto s = v ? parse_double(*v) : std::nullopt;
      if (!s || *s < 0)
        return need("a number of seconds");
      options.late_join_s = *s;
    } else if (flag == "--slow") {
      auto v = value();
      auto ms = v ? parse_integer<unsigned>(*v) : std::nullopt;
      if (!ms || *ms > 600000)
        return need("milliseconds (0-600000)");
      options.slow_ms = *ms;
    } else if (flag == "--lossy") {
      auto v = value();
      auto p = v ? parse_double(*v) : std::nullopt;
      if (!p || *p < 0 || *p > 100)
        return need("a percentage 0-100");
      options.lossy_percent = *p;
    } else if (flag == "--drop-copies" || flag == "--drop-copies-any-tid") {
      auto v = value();
      auto n = v ? parse_integer<unsigned>(*v) : std::nullopt;
      if (!n || *n > 100)
        return need("a number of copies 0-100");
      const bool any_tid = flag == "--drop-copies-any-tid";
      if (options.drop_copies > 0 && *n > 0 && options.copies_any_tid != any_tid)
        return fail("--drop-copies and --drop-copies-any-tid exclude each other");
      options.drop_copies = *n;
      options.copies_any_tid = any_tid;
    } else if (flag == "--location") {
      auto v = value();
      auto bytes = v ? from_hex(strip_0x(*v)) : std::nullopt;
      if (!bytes || !(bytes->size() == 1 || (bytes->size() == 17 && (*bytes)[0] == 0x01)))
        return need("1 byte of hex (e.g. 08, living room) or 17 bytes beginning with 01");
      options.location = *bytes;
    } else if (flag == "--seed") {
      auto v = value();
      auto s = v ? parse_integer<std::uint64_t>(*v) : std::nullopt;
      if (!s)
        return need("a number");
      options.seed = *s;
    } else if (flag == "--speed") {
      auto v = value();
      auto s = v ? parse_double(*v) : std::nullopt;
      if (!s || *s <= 0 || *s > 100000)
        return need("a factor above 0");
      options.speed = *s;
    } else if (flag == "--clock") {
      auto v = value();
      auto h = v ? parse_clock(*v) : std::nullopt;
      if (!h)
        return need("HH:MM");
      options.start_hour = *h;
    } else {
      return fail("unknown option " + flag);
    }
  }
  if (options.objects.empty())
    options.objects.push_back(LanObjectKind::aircon);
  return options;
}

std::string lan_usage_text() {
  return "usage: hems2mqtt-sim lan [options]\n"
         "  an ECHONET Lite node on UDP 3610 (multicast 224.0.23.0, ff02::1 with --ipv6)\n"
         "  --bind ADDR          local IPv4 address to bind (default 0.0.0.0)\n"
         "  --port N             UDP port (default 3610)\n"
         "  --ipv6               also serve [::]:PORT and join ff02::1\n"
         "  --interface NAME     join multicast on this NIC only (default: all)\n"
         "  --object KIND        aircon | water-heater | battery | solar | ev-charger |\n"
         "                       floor-heater | light | maker-specific (repeatable)\n"
         "  --node-id HEX        the node's identification number (0x83), 1-16 bytes\n"
         "  --maker HEX          manufacturer code 0x8A, 3 bytes (default FFFFFF)\n"
         "  --late-join SECONDS  stay silent that long, then announce\n"
         "  --slow MS            answer every request MS milliseconds late\n"
         "  --lossy PERCENT      drop that share of requests (seeded by --seed)\n"
         "  --seed N             random seed (default 1)\n"
         "  --drop-copies N      drop every request until its (N+1)th copy (same bytes,\n"
         "                       same TID, same sender), answer that one, then count anew\n"
         "  --drop-copies-any-tid N  the same, but copies are compared without the TID\n"
         "  --location HEX       installation location 0x81 of every device object: 1 byte\n"
         "                       (default 00, not set) or 17 bytes beginning with 01\n"
         "  --partial            answer multi-EPC Gets with some EPCs left out\n"
         "  --no-multi           ignore multi-EPC Gets entirely\n"
         "  --speed FACTOR       simulated time runs FACTOR times faster\n"
         "  --clock HH:MM        time of day at start (default: local time)\n"
         "stdin: set EOJ EPC HEX | announce | vanish | return | quit\n"
         "  vanish: stop answering and sending, as if unplugged; return: answer again\n"
         "  (no announcement: the link came back, the node did not restart)\n";
}

}  // namespace hems::sim
