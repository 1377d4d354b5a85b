#include "hems/sim/options.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "hems/common/bytes.hpp"

namespace hems::sim {
namespace {

constexpr std::array<std::pair<std::string_view, FaultKind>, 11> kFaultNames{{
    {"no-beacon", FaultKind::no_beacon},
    {"silent-meter", FaultKind::silent_meter},
    {"reauth", FaultKind::reauth},
    {"reauth-fail", FaultKind::reauth_fail},
    {"terminate", FaultKind::terminate},
    {"tx-limit", FaultKind::tx_limit},
    {"garbage", FaultKind::garbage},
    {"split", FaultKind::split},
    {"crlf-binary", FaultKind::crlf_binary},
    {"unplug", FaultKind::unplug},
    {"meter-reboot", FaultKind::meter_reboot},
}};

template <typename T>
std::optional<T> parse_number(std::string_view text, int base) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
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

bool is_hex_string(std::string_view text, std::size_t length) {
  if (text.size() != length)
    return false;
  for (char c : text) {
    if (!hex_digit_value(c))
      return false;
  }
  return true;
}

bool is_valid_unit_code(std::uint8_t code) {
  return code <= 0x04 || (code >= 0x0A && code <= 0x0D);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
  for (const auto& [text, kind] : kFaultNames) {
    if (text == name)
      return kind;
  }
  return std::nullopt;
}

std::string_view fault_kind_name(FaultKind kind) {
  for (const auto& [text, k] : kFaultNames) {
    if (k == kind)
      return text;
  }
  return "?";
}

bool fault_lasts(FaultKind kind) {
  return kind != FaultKind::terminate && kind != FaultKind::crlf_binary;
}

std::optional<std::chrono::sys_seconds> parse_local_datetime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto y = parse_number<int>(text.substr(0, 4), 10);
  auto mo = parse_number<unsigned>(text.substr(5, 2), 10);
  auto d = parse_number<unsigned>(text.substr(8, 2), 10);
  auto h = parse_number<int>(text.substr(11, 2), 10);
  auto mi = parse_number<int>(text.substr(14, 2), 10);
  auto s = parse_number<int>(text.substr(17, 2), 10);
  if (!y || !mo || !d || !h || !mi || !s)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{*mo},
                                  std::chrono::day{*d}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59)
    return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*s};
}

Result<FaultSpec> parse_fault_spec(std::string_view text) {
  auto first = text.find(':');
  if (first == std::string_view::npos)
    return fail("--fault wants T:KIND[:SECONDS], got '" + std::string(text) + "'");
  auto second = text.find(':', first + 1);
  auto at = parse_double(text.substr(0, first));
  auto kind_text = text.substr(
      first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1);
  auto kind = fault_kind_from_name(kind_text);
  if (!at || *at < 0)
    return fail("--fault: bad start time in '" + std::string(text) + "'");
  if (!kind)
    return fail("--fault: unknown fault kind '" + std::string(kind_text) + "'");
  FaultSpec spec{*at, *kind, kDefaultFaultSeconds};
  if (second != std::string_view::npos) {
    auto seconds = parse_double(text.substr(second + 1));
    if (!seconds || *seconds < 0)
      return fail("--fault: bad duration in '" + std::string(text) + "'");
    spec.seconds = *seconds;
  }
  return spec;
}

Result<SimOptions> parse_options(std::span<const std::string> args) {
  SimOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& name = args[i];
    auto value = [&]() -> Result<std::string_view> {
      if (i + 1 >= args.size())
        return fail(name + " needs a value");
      return std::string_view(args[++i]);
    };
    auto bad = [&](std::string_view v) {
      return fail("bad value for " + name + ": '" + std::string(v) + "'");
    };

    if (name == "--pty") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      o.pty_link = std::string(*v);
    } else if (name == "--tcp") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto port = parse_number<std::uint16_t>(*v, 10);
      if (!port)
        return bad(*v);
      o.tcp_port = *port;
    } else if (name == "--dialect") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (*v == "bp35a1") {
        o.dialect = Dialect::bp35a1;
      } else if (*v == "bp35c0") {
        o.dialect = Dialect::bp35c0;
      } else {
        return bad(*v);
      }
    } else if (name == "--payload") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (*v != "binary" && *v != "hex")
        return bad(*v);
      o.payload_hex = *v == "hex";
      o.payload_explicit = true;
    } else if (name == "--ropt-unsupported") {
      o.ropt_unsupported = true;
    } else if (name == "--echo") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (*v != "on" && *v != "off")
        return bad(*v);
      o.echo = *v == "on";
    } else if (name == "--rbid") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (v->size() != 32)
        return fail("--rbid must be 32 characters");
      o.rbid = std::string(*v);
    } else if (name == "--password") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (v->empty() || v->size() > 32)
        return fail("--password must be 1 to 32 characters");
      o.password = std::string(*v);
    } else if (name == "--channel") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto ch = parse_number<std::uint8_t>(*v, 16);
      if (!ch || *ch < 0x21 || *ch > 0x3C)
        return bad(*v);
      o.channel = *ch;
    } else if (name == "--pan-id") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto pan = parse_number<std::uint16_t>(*v, 16);
      if (!pan || v->size() > 4)
        return bad(*v);
      o.pan_id = *pan;
    } else if (name == "--meter-mac") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (!is_hex_string(*v, 16))
        return bad(*v);
      o.meter_mac = upper(*v);
    } else if (name == "--speed") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto speed = parse_double(*v);
      if (!speed || *speed <= 0 || *speed > 100000)
        return bad(*v);
      o.speed = *speed;
    } else if (name == "--seed") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto seed = parse_number<std::uint64_t>(*v, 10);
      if (!seed)
        return bad(*v);
      o.seed = *seed;
    } else if (name == "--unit") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto unit = parse_number<std::uint8_t>(*v, 16);
      if (!unit || !is_valid_unit_code(*unit))
        return bad(*v);
      o.unit = *unit;
    } else if (name == "--digits") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto digits = parse_number<std::uint8_t>(*v, 10);
      if (!digits || *digits < 1 || *digits > 8)
        return bad(*v);
      o.digits = *digits;
    } else if (name == "--history-days") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto days = parse_number<std::uint8_t>(*v, 10);
      if (!days || *days < 1 || *days > 100)
        return bad(*v);
      o.history_days = *days;
    } else if (name == "--coefficient") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto c = parse_number<std::uint32_t>(*v, 10);
      if (!c || *c < 1 || *c > 999999)
        return bad(*v);
      o.coefficient = *c;
    } else if (name == "--no-coefficient") {
      o.coefficient.reset();
    } else if (name == "--energy-start") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto e = parse_number<std::uint32_t>(*v, 10);
      if (!e)
        return bad(*v);
      o.energy_start = *e;
    } else if (name == "--pv") {
      o.pv = true;
    } else if (name == "--single-phase") {
      o.single_phase = true;
    } else if (name == "--infc") {
      o.infc = true;
    } else if (name == "--clock-start") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto t = parse_local_datetime(*v);
      if (!t)
        return bad(*v);
      o.clock_start = *t;
    } else if (name == "--fault") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      auto spec = parse_fault_spec(*v);
      if (!spec)
        return std::unexpected(spec.error());
      o.faults.push_back(*spec);
    } else if (name == "--state-file") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      o.state_file = std::string(*v);
    } else if (name == "--write-log") {
      auto v = value();
      if (!v)
        return std::unexpected(v.error());
      if (v->empty())
        return bad(*v);
      o.write_log = std::string(*v);
    } else {
      return fail("unknown option '" + name + "' (see --help)");
    }
  }
  std::uint64_t limit = 1;
  for (int d = 0; d < o.digits; ++d)
    limit *= 10;
  if (o.energy_start >= limit)
    return fail("--energy-start must be below 10^digits");
  if (o.pty_link && o.tcp_port)
    return fail("choose one of --pty and --tcp");
  if (o.ropt_unsupported) {
    // A stick without ROPT/WOPT has no binary mode to switch to: it writes hex (REFERENCE §2
    // ROPT, OQ-5; the RL7023 Stick-D/DSS in TRANSCRIPTS A.7), and clients assume hex after ER04.
    if (o.payload_explicit && !o.payload_hex)
      return fail(
          "--ropt-unsupported plays a stick that always writes hex payloads; it cannot be "
          "combined with --payload binary");
    o.payload_hex = true;
  }
  return o;
}

std::string usage_text() {
  return "usage: hems2mqtt-sim (--pty LINK | --tcp PORT) [options]\n"
         "  --dialect bp35a1|bp35c0   --payload binary|hex   --echo on|off\n"
         "  --ropt-unsupported   the stick answers ROPT, WOPT and SKAPPVER with FAIL ER04 and\n"
         "                       writes hex payloads (RL7023 Stick-D/DSS); implies --payload hex\n"
         "  --rbid ID  --password PW  --channel HEX  --pan-id HEX  --meter-mac HEX16\n"
         "  --speed F  --seed N  --state-file PATH\n"
         "  --write-log PATH   append '<unix time with ns> <hex>' for every meter answer (ERXUDP)\n"
         "                     just before it is written, to time it end to end\n"
         "  meter: --unit HEX  --digits N  --coefficient N | --no-coefficient  --energy-start RAW\n"
         "         --pv  --single-phase  --infc  --clock-start YYYY-MM-DDTHH:MM:SS\n"
         "         --history-days N   E2/E4 hold N days (1-100, default 100: today and 99\n"
         "                            before); SetC E5 of an older day is refused (SetC_SNA)\n"
         "  --fault T:KIND[:SECONDS]  at T simulated seconds, lasting SECONDS (default 30):\n"
         "         no-beacon silent-meter reauth reauth-fail tx-limit garbage split unplug\n"
         "         meter-reboot\n"
         "       at once, no duration: terminate (EVENT 26), crlf-binary (next E7 = 3338 W)\n"
         "  stdin: 'fault KIND [SECONDS]', 'notify', 'quit'\n";
}

}  // namespace hems::sim
