// SKSTACK IP command handling of the simulated dongle (REFERENCE.md §1-§9).
#include <bit>
#include <cmath>

#include "hems/sim/simulator.hpp"

namespace hems::sim {
namespace {

constexpr std::string_view kMulticastAll = "FF02:0000:0000:0000:0000:0000:0000:0001";
constexpr std::string_view kPanaPort = "02CC";
constexpr std::string_view kEchonetPort = "0E1A";

std::optional<std::uint64_t> parse_hex(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits)
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    auto v = hex_digit_value(c);
    if (!v)
      return std::nullopt;
    value = value * 16 + *v;
  }
  return value;
}

std::string hex_width(std::uint64_t value, int width) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

bool same_address(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = hex_digit_value(a[i]);
    auto y = hex_digit_value(b[i]);
    if (x != y || (!x && a[i] != b[i]))
      return false;
  }
  return true;
}

// Register numbers: "S2" and "S02" are the same register.
std::optional<unsigned> register_number(std::string_view name) {
  if (name.size() < 2 || name.size() > 3 || name[0] != 'S')
    return std::nullopt;
  auto n = parse_hex(name.substr(1), 2);
  if (!n)
    return std::nullopt;
  return static_cast<unsigned>(*n);
}

std::string register_name(unsigned number) {
  return "S" + hex_width(number, number < 16 ? 1 : 2);
}

constexpr unsigned kRegChannel = 0x02;
constexpr unsigned kRegPanId = 0x03;
constexpr unsigned kRegPairId = 0x0A;
constexpr unsigned kRegRssi = 0xA2;
constexpr unsigned kRegEcho = 0xFE;

}  // namespace

std::string Simulator::event(std::string_view num, const std::string& addr,
                             std::optional<std::string_view> param) const {
  std::string out = "EVENT " + std::string(num) + " " + addr;
  if (options_.dialect == Dialect::bp35c0)
    out += " 0";  // SIDE 0 = B-route
  if (param)
    out += " " + std::string(*param);
  return out;
}

void Simulator::emit_erxudp(const std::string& sender, const std::string& dest,
                            std::string_view port, bool secured, ByteView payload) {
  std::string header = "ERXUDP " + sender + " " + dest + " " + std::string(port) + " " +
                       std::string(port) + " " +
                       (sender == meter_ll_ ? options_.meter_mac : std::string(16, '0')) + " ";
  if (options_.dialect == Dialect::bp35c0) {
    if (registers_[kRegRssi] == "1")
      header += hex_width(0xA0 + rng_() % 0x20, 2) + " ";  // OQ-2
    header += std::string(secured ? "1" : "0") + " 0 ";
  } else {
    header += std::string(secured ? "1" : "0") + " ";
  }
  header += hex_width(payload.size(), 4) + " ";
  if (payload_hex_) {
    line(header + to_hex(payload));
  } else {
    std::string out = header;
    out.append(payload.begin(), payload.end());
    out += "\r\n";  // OQ-16: binary payloads still end with CRLF
    emit(out);
  }
}

void Simulator::fail(int code) {
  line(code < 10 ? "FAIL ER0" + std::to_string(code) : "FAIL ER" + std::to_string(code));
}

void Simulator::reset_dongle() {
  ++epoch_;
  echo_ = options_.echo;
  registers_.clear();
  registers_[kRegChannel] = "21";
  registers_[kRegPanId] = "FFFF";
  registers_[kRegPairId] = "00000000";
  registers_[0x15] = "1";
  registers_[0x16] = "00000384";
  registers_[0x17] = "1";
  registers_[kRegRssi] = "0";
  registers_[0xFB] = "0";
  registers_[0xFD] = "00000000";
  registers_[kRegEcho] = echo_ ? "1" : "0";
  registers_[0xFF] = "0";
  password_.reset();
  rbid_.reset();
  scanning_ = false;
  if (session_ != Session::none)
    ++session_gen_;
  session_ = Session::none;
}

void Simulator::end_session(const std::string& why) {
  session_ = Session::none;
  ++session_gen_;
  log("session ended: " + why);
}

bool Simulator::meter_reachable() const {
  return now_ >= reboot_until_;
}

void Simulator::handle_input(const SkInput& input) {
  switch (input.kind) {
    case SkInput::Kind::line:
      if (echo_)
        line(input.text);
      handle_line(input.text);
      break;
    case SkInput::Kind::sendto:
      if (echo_)
        line(input.text);  // the header only; the payload is not echoed (S8)
      handle_sendto(input);
      break;
    case SkInput::Kind::sendto_bad_length:
      if (echo_)
        line(input.text);
      log("command: SKSENDTO with DATALEN out of range");
      fail(6);
      break;
    case SkInput::Kind::overlong:
      log("command: overlong line dropped");
      fail(5);
      break;
  }
}

void Simulator::handle_line(const std::string& text) {
  auto tokens = split_tokens(text);
  if (tokens.empty())
    return;
  const std::string cmd = tokens[0];
  const std::vector<std::string> args(tokens.begin() + 1, tokens.end());
  // Secrets stay out of the log.
  if (cmd == "SKSETPWD" || cmd == "SKSETRBID") {
    log("command: " + cmd + " <hidden>");
  } else {
    std::string printable;
    for (char c : text)
      printable += (c >= 0x20 && c < 0x7F) ? c : '?';
    log("command: " + printable);
  }
  const bool a1 = options_.dialect == Dialect::bp35a1;

  if (cmd == "SKVER") {
    if (!args.empty())
      return fail(5);
    line(a1 ? "EVER 1.2.10" : "EVER 1.5.2");
    line("OK");
  } else if (cmd == "SKAPPVER") {
    if (options_.ropt_unsupported)
      return fail(4);  // as the RL7023 Stick-D/DSS (TRANSCRIPTS A.7)
    if (!args.empty())
      return fail(5);
    line(a1 ? "EAPPVER rev26e" : "EAPPVER rev1.0.2");
    line("OK");
  } else if (cmd == "SKINFO") {
    if (!args.empty())
      return fail(5);
    const auto ch = parse_hex(registers_[kRegChannel], 2).value_or(0x21);
    const auto pan = parse_hex(registers_[kRegPanId], 4).value_or(0xFFFF);
    line("EINFO " + own_ll_ + " " + own_mac_ + " " + hex_width(ch, 2) + " " + hex_width(pan, 4) +
         (a1 ? " FFFE" : " 0"));
    line("OK");
  } else if (cmd == "SKRESET") {
    if (!args.empty())
      return fail(5);
    reset_dongle();
    line("OK");
  } else if (cmd == "SKSREG") {
    cmd_sksreg(args);
  } else if (cmd == "SKSETPWD") {
    if (args.size() != 2)
      return fail(5);
    auto len = parse_hex(args[0], 2);
    if (!len || *len < 1 || *len > 0x20 || args[1].size() != *len)
      return fail(6);
    password_ = args[1];
    line("OK");
  } else if (cmd == "SKSETRBID") {
    if (args.size() != 1)
      return fail(5);
    if (args[0].size() != 32)
      return fail(6);
    rbid_ = args[0];
    registers_[kRegPairId] = args[0].substr(24);  // OQ-6: the Pairing ID follows the Route-B ID
    line("OK");
  } else if (cmd == "SKSCAN") {
    cmd_skscan(args);
  } else if (cmd == "SKLL64") {
    if (args.size() != 1)
      return fail(5);
    if (args[0].size() != 16 || !parse_hex(args[0], 16))
      return fail(6);
    line(link_local_from_mac(args[0]));  // no OK follows (REFERENCE §2)
  } else if (cmd == "SKJOIN") {
    cmd_skjoin(args);
  } else if (cmd == "SKREJOIN") {
    if (!args.empty())
      return fail(5);
    if (session_ != Session::up)
      return fail(10);
    line("OK");
    ++session_gen_;
    session_ = Session::reauth;
    schedule_session(SimMs{1500}, [this] {
      line(event("25", meter_ll_));
      session_ = Session::up;
      log("rejoin ok");
    });
  } else if (cmd == "SKSENDTO") {
    // A complete SKSENDTO always arrives as Kind::sendto; a line means the token count was wrong.
    fail(5);
  } else if (cmd == "SKTERM") {
    if (!args.empty())
      return fail(5);
    cmd_skterm();
  } else if (cmd == "SKADDNBR") {
    if (args.size() != 2)
      return fail(5);
    line("OK");
  } else if (cmd == "ROPT") {
    if (options_.ropt_unsupported)
      return fail(4);
    if (!args.empty())
      return fail(5);
    emit(std::string(payload_hex_ ? "OK 01" : "OK 00") + "\r");  // CR only (S1, S8)
  } else if (cmd == "WOPT") {
    cmd_wopt(args);
  } else if (cmd == "RUART") {
    if (!args.empty())
      return fail(5);
    emit(std::string(a1 ? "OK 00" : "OK 80") + "\r");
  } else if (cmd == "WUART") {
    if (args.size() != 1)
      return fail(5);
    if (!parse_hex(args[0], 2))
      return fail(6);
    emit("OK\r");  // accepted but the pty has no baud rate to change
  } else {
    fail(4);
  }
}

void Simulator::cmd_sksreg(const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2)
    return fail(5);
  auto reg = register_number(args[0]);
  if (!reg)
    return fail(6);
  if (args.size() == 1) {
    auto it = registers_.find(*reg);
    line("ESREG " + (it == registers_.end() ? std::string("0") : it->second));
    line("OK");
    return;
  }
  const std::string& value = args[1];
  switch (*reg) {
    case kRegChannel: {
      auto ch = parse_hex(value, 2);
      if (!ch || *ch < 0x21 || *ch > 0x3C)
        return fail(6);
      registers_[*reg] = hex_width(*ch, 2);
      break;
    }
    case kRegPanId: {
      auto pan = parse_hex(value, 4);
      if (!pan)
        return fail(6);
      registers_[*reg] = hex_width(*pan, 4);
      break;
    }
    case 0x15:
    case 0x17:
    case kRegRssi:
    case kRegEcho:
    case 0xFF:
      if (value != "0" && value != "1")
        return fail(6);
      registers_[*reg] = value;
      if (*reg == kRegEcho)
        echo_ = value == "1";
      break;
    case 0x16: {
      auto lifetime = parse_hex(value, 8);
      if (!lifetime || *lifetime < 0x3C)
        return fail(6);
      registers_[*reg] = hex_width(*lifetime, 8);
      break;
    }
    case 0xFB:
    case 0xFD:
      return fail(6);  // read-only
    default:
      registers_[*reg] = value;
      break;
  }
  log("register " + register_name(*reg) + " = " + registers_[*reg]);
  line("OK");
}

void Simulator::cmd_skscan(const std::vector<std::string>& args) {
  const bool a1 = options_.dialect == Dialect::bp35a1;
  if (args.size() != (a1 ? 3u : 4u))
    return fail(5);
  auto mode = parse_hex(args[0], 1);
  auto mask = parse_hex(args[1], 8);
  auto duration = parse_hex(args[2], 1);
  auto side = a1 ? std::optional<std::uint64_t>{0} : parse_hex(args[3], 1);
  if (!mode || (*mode != 0 && *mode != 2 && *mode != 3) || !mask || !duration || *duration > 0xE ||
      !side || *side > 1) {
    return fail(6);
  }
  if (scanning_ || session_ == Session::joining)
    return fail(10);
  line("OK");
  scanning_ = true;
  const auto channels = static_cast<unsigned>(std::popcount(*mask & 0x0FFFFFFFu));
  const double per_channel_ms = 9.6 * static_cast<double>((1u << *duration) + 1);
  const auto total = SimMs{std::llround(per_channel_ms * channels)};
  log("scan started: mode " + std::to_string(*mode) + ", duration " + std::to_string(*duration) +
      ", " + std::to_string(channels) + " channels, " + std::to_string(total.count()) + " ms");

  const unsigned meter_bit = options_.channel - 0x21u;
  const bool channel_scanned = (*mask >> meter_bit) & 1;
  const std::string expected_pair = options_.rbid.substr(24);
  const bool pair_ok = *mode == 3 || (rbid_ && rbid_->substr(24) == expected_pair);
  if (*mode != 0 && channel_scanned && *side == 0 && pair_ok) {
    // The beacon is heard when the scan reaches the meter's channel.
    const auto before = static_cast<unsigned>(std::popcount(*mask & ((2ull << meter_bit) - 1)));
    const auto at = SimMs{std::llround(per_channel_ms * before)};
    const bool with_pair = *mode == 2;
    schedule_dongle(at, [this, with_pair, expected_pair] {
      if (now_ < no_beacon_until_ || !meter_reachable())
        return;
      line(event("20", own_ll_));
      line("EPANDESC");
      line("  Channel:" + hex_width(options_.channel, 2));
      line("  Channel Page:09");
      line("  Pan ID:" + hex_width(options_.pan_id, 4));
      line("  Addr:" + options_.meter_mac);
      line("  LQI:" + hex_width(0x90 + rng_() % 0x30, 2));
      if (options_.dialect == Dialect::bp35c0)
        line("  Side:0");
      if (with_pair)
        line("  PairID:" + expected_pair);
      log("scan: beacon sent");
    });
  }
  schedule_dongle(total, [this, mode = *mode] {
    scanning_ = false;
    if (mode == 0) {
      line(event("1F", own_ll_));
      line("EEDSCAN");
      std::string ed;
      for (unsigned ch = 0x21; ch <= 0x3C; ++ch) {
        if (!ed.empty())
          ed += ' ';  // not `" " + hex_width(...)`: a false -Wrestrict with GCC 12 at -O2
        ed += hex_width(ch, 2) + " " + hex_width(rng_() % 0x20, 2);
      }
      line(ed);
    } else {
      line(event("22", own_ll_));
    }
    log("scan finished");
  });
}

void Simulator::cmd_skjoin(const std::vector<std::string>& args) {
  if (args.size() != 1)
    return fail(5);
  if (!is_full_ipv6(args[0]))
    return fail(6);
  if (session_ != Session::none || scanning_)
    return fail(10);  // OQ-4
  line("OK");
  session_ = Session::joining;
  ++session_gen_;

  const bool reachable = meter_reachable() && same_address(args[0], meter_ll_) &&
                         parse_hex(registers_[kRegChannel], 2) == options_.channel &&
                         parse_hex(registers_[kRegPanId], 4) == options_.pan_id;
  const bool credentials_ok = password_ == options_.password && rbid_ == options_.rbid;
  const bool refused = now_ < pana_refused_until_;
  std::string reason = !reachable
                           ? "meter unreachable (channel, PAN ID or address wrong, or meter down)"
                       : !credentials_ok ? "wrong Route-B ID or password"
                       : refused         ? "the meter refuses authentication (reauth fault)"
                                         : "";
  log("join started");

  const std::string peer = args[0];
  schedule_session(SimMs{100}, [this, peer] { line(event("21", peer, "02")); });
  if (!reachable) {
    // Nobody answers: PANA retransmits for about 38 s, then gives up (REFERENCE §7).
    schedule_session(SimMs{600}, [this, peer] { line(event("21", peer, "00")); });
    schedule_session(SimMs{38'000}, [this, peer, reason] {
      line(event("24", peer));
      session_ = Session::none;
      log("join failed: " + reason);
    });
    return;
  }
  auto pana = [this] {
    Bytes junk(40 + rng_() % 60);
    for (auto& b : junk)
      b = static_cast<std::uint8_t>(rng_());
    emit_erxudp(meter_ll_, own_ll_, kPanaPort, false, junk);
  };
  schedule_session(SimMs{300}, [this] { line(event("02", meter_ll_)); });
  schedule_session(SimMs{600}, pana);
  schedule_session(SimMs{1100}, pana);
  schedule_session(SimMs{1600}, pana);
  schedule_session(SimMs{1900}, [this] { line(event("21", meter_ll_, "00")); });
  if (!credentials_ok || refused) {
    schedule_session(SimMs{6000}, [this, reason] {
      line(event("24", meter_ll_));
      session_ = Session::none;
      log("join failed: " + reason);
    });
    return;
  }
  schedule_session(SimMs{2200}, pana);
  schedule_session(SimMs{2500}, [this] {
    line(event("25", meter_ll_));
    session_ = Session::up;
    meter_has_session_ = true;
    log("join ok");
    schedule_session(SimMs{1000}, [this] {
      if (now_ < silent_until_) {
        log("meter did not multicast the instance list (silent-meter)");
        return;
      }
      emit_erxudp(meter_ll_, std::string(kMulticastAll), kEchonetPort, true,
                  MeterModel::instance_list_announcement());
      log("meter multicast the instance list (D5)");
    });
  });
}

void Simulator::cmd_skterm() {
  if (session_ == Session::none || session_ == Session::joining)
    return fail(10);  // OQ-4
  line("OK");
  const bool answered = meter_reachable() && meter_has_session_;
  end_session("SKTERM");
  // The meter answers the PANA termination; a rebooted meter does not, which is EVENT 28.
  schedule_dongle(answered ? SimMs{300} : SimMs{3000},
                  [this, answered] { line(event(answered ? "27" : "28", meter_ll_)); });
}

void Simulator::cmd_wopt(const std::vector<std::string>& args) {
  if (options_.ropt_unsupported)
    return fail(4);
  if (args.size() != 1)
    return fail(5);
  auto mode = parse_hex(args[0], 2);
  if (!mode || *mode > 1)
    return fail(6);
  payload_hex_ = *mode == 1;
  ++flash_writes_;
  log("FLASH_WRITE " + std::to_string(flash_writes_));
  emit("OK\r");  // CR only
}

void Simulator::handle_sendto(const SkInput& input) {
  const auto tokens = split_tokens(input.text);  // SKSENDTO HANDLE IP PORT SEC [SIDE] LEN
  const bool a1 = options_.dialect == Dialect::bp35a1;
  log("command: " + input.text + "<" + std::to_string(input.data.size()) + " bytes>");
  auto handle = parse_hex(tokens[1], 1);
  auto port = parse_hex(tokens[3], 4);
  auto sec = parse_hex(tokens[4], 1);
  auto side = a1 ? std::optional<std::uint64_t>{0} : parse_hex(tokens[5], 1);
  if (!handle || *handle < 1 || *handle > 6 || !is_full_ipv6(tokens[2]) || !port ||
      tokens[3].size() != 4 || !sec || *sec > 2 || !side || *side > 1) {
    return fail(6);
  }
  const std::string dest = tokens[2];
  const bool to_meter = same_address(dest, meter_ll_);
  const bool multicast = same_address(dest, kMulticastAll);

  if (now_ < tx_limit_until_) {
    // OQ-4: while the ARIB limit holds we refuse with EVENT 21 01 (not FAIL ER10), as the
    // radio layer reports a failed send; clients must handle both.
    line(event("21", dest, "01"));
    line("OK");
    log("send refused: transmit-time limit");
    return;
  }
  if (multicast) {
    schedule_dongle(SimMs{40}, [this, dest] {
      line(event("21", dest, "00"));
      line("OK");
    });
    return;
  }
  if (!to_meter || *side != 0) {
    // Nobody at that address: neighbour discovery runs and fails. EVENT 21 02 means "neighbour
    // solicitation sent, the result follows" (REFERENCE §4); no transcript shows this case.
    schedule_dongle(SimMs{50}, [this, dest] { line(event("21", dest, "02")); });
    schedule_dongle(SimMs{2000}, [this, dest] {
      line(event("21", dest, "01"));
      line("OK");
    });
    log("send to an unknown address");
    return;
  }
  if (session_ != Session::up || !meter_reachable()) {
    schedule_dongle(SimMs{50}, [this, dest] {
      line(event("21", dest, "01"));
      line("OK");
    });
    log(session_ != Session::up ? "send failed: no PANA session"
                                : "send failed: meter does not answer");
    return;
  }
  // The join's PANA exchange already resolved the meter's address, so even the first send after
  // a join is answered EVENT 21 00 then OK, with no neighbour solicitation (EVENT 21 02), as the
  // real BP35A1 (TRANSCRIPTS A.1) and BP35C2 (A.3) logs show.
  const bool encrypted = *sec != 0;
  schedule_session(SimMs{40}, [this, dest, encrypted, data = input.data] {
    line(event("21", dest, "00"));
    line("OK");
    if (encrypted) {
      deliver_to_meter(data);
    } else {
      // The radio send works, but the meter only accepts traffic under the PANA key.
      log("meter dropped an unencrypted request (SEC 0)");
    }
  });
}

void Simulator::deliver_to_meter(Bytes payload) {
  if (!meter_has_session_) {
    log("meter dropped a request: it has no session since its reboot");
    return;
  }
  if (now_ < silent_until_) {
    log("meter ignored a request (silent-meter)");
    return;
  }
  schedule_session(random_ms(100, 1500), [this, payload = std::move(payload)] {
    if (now_ < silent_until_ || !meter_reachable()) {
      log("meter ignored a request (silent)");
      return;
    }
    const bool forced = meter_.power_forced();
    auto reply = meter_.handle(payload);
    if (forced && !meter_.power_forced())
      log("fault ended: crlf-binary (E7 = 00000D0A sent)");
    if (reply.infc_res_tid) {
      log(pending_infc_ == reply.infc_res_tid
              ? "INFC_Res came for TID " + std::to_string(*reply.infc_res_tid)
              : "unexpected INFC_Res");
      if (pending_infc_ == reply.infc_res_tid)
        pending_infc_.reset();
      return;
    }
    log("meter: " + reply.note);
    if (reply.frame)
      emit_erxudp(meter_ll_, own_ll_, kEchonetPort, true, *reply.frame);
  });
}

}  // namespace hems::sim
