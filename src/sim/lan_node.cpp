#include "hems/sim/lan_node.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace hems::sim {
namespace {

// Multicast requests are answered after a random delay in this range, so that many nodes
// answering one discovery do not collide.
constexpr int kMulticastDelayMinMs = 20;
constexpr int kMulticastDelayMaxMs = 250;
constexpr auto kModelStep = std::chrono::seconds(1);

bool is_request(std::uint8_t esv) {
  return esv == esv::kSetI || esv == esv::kSetC || esv == esv::kGet || esv == esv::kInfReq;
}

std::string eoj_hex(std::uint32_t eoj) {
  const Bytes b{static_cast<std::uint8_t>(eoj >> 16), static_cast<std::uint8_t>(eoj >> 8),
                static_cast<std::uint8_t>(eoj)};
  return to_hex(b);
}

std::string_view esv_name(std::uint8_t esv) {
  switch (esv) {
    case 0x60:
      return "SetI";
    case 0x61:
      return "SetC";
    case 0x62:
      return "Get";
    case 0x63:
      return "INF_REQ";
    case 0x6E:
      return "SetGet";
    case 0x71:
      return "Set_Res";
    case 0x72:
      return "Get_Res";
    case 0x73:
      return "INF";
    case 0x74:
      return "INFC";
    case 0x7A:
      return "INFC_Res";
    case 0x7E:
      return "SetGet_Res";
    case 0x50:
      return "SetI_SNA";
    case 0x51:
      return "SetC_SNA";
    case 0x52:
      return "Get_SNA";
    case 0x53:
      return "INF_SNA";
    case 0x5E:
      return "SetGet_SNA";
    default:
      return "ESV?";
  }
}

std::optional<std::uint32_t> parse_hex_number(std::string_view text, std::size_t max_digits) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty() || text.size() > max_digits)
    return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    auto d = hex_digit_value(c);
    if (!d)
      return std::nullopt;
    value = (value << 4) | *d;
  }
  return value;
}

}  // namespace

std::string describe_lan_frame(ByteView payload) {
  if (is_lan_setget(payload)) {
    auto both = decode_lan_setget(payload);
    if (!both)
      return "not a frame: " + both.error().message;
    std::ostringstream out;
    out << esv_name(both->esv) << ' ' << eoj_hex(both->seoj) << '>' << eoj_hex(both->deoj)
        << " tid="
        << to_hex(Bytes{static_cast<std::uint8_t>(both->tid >> 8),
                        static_cast<std::uint8_t>(both->tid)});
    for (const auto* list : {&both->set_properties, &both->get_properties}) {
      out << (list == &both->set_properties ? " set[" : " get[");
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto& p = (*list)[i];
        out << (i ? " " : "") << to_hex(Bytes{p.epc});
        if (!p.edt.empty())
          out << '=' << to_hex(p.edt);
      }
      out << ']';
    }
    return out.str();
  }
  auto frame = decode_frame(payload);
  if (!frame)
    return "not a frame: " + frame.error().message;
  std::ostringstream out;
  out << esv_name(frame->esv) << ' ' << eoj_hex(frame->seoj) << '>' << eoj_hex(frame->deoj)
      << " tid="
      << to_hex(Bytes{static_cast<std::uint8_t>(frame->tid >> 8),
                      static_cast<std::uint8_t>(frame->tid)});
  for (const auto& p : frame->properties) {
    out << ' ' << to_hex(Bytes{p.epc});
    if (!p.edt.empty())
      out << '=' << to_hex(p.edt);
  }
  return out.str();
}

LanNode::LanNode(const LanOptions& options, TimePoint start)
    : options_(options),
      identity_(make_lan_identity(options.node_id, options.maker)),
      start_(start),
      silent_until_(start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(options.late_join_s))),
      profile_(kNodeProfileEoj, {}),
      last_model_step_(start),
      rng_(options.seed),
      copies_(options.drop_copies, options.copies_any_tid) {
  std::map<LanObjectKind, std::uint8_t> instances;
  for (LanObjectKind kind : options_.objects)
    devices_.push_back(make_lan_device(kind, ++instances[kind], identity_, options_.location));
  profile_ = make_lan_node_profile(devices_, identity_);
  model_.resize(devices_.size());
  if (options_.late_join_s > 0)
    log("late join: silent for " + std::to_string(options_.late_join_s) + " s");
  announce_instances(silent_until_);
}

const LanObject* LanNode::find_object(std::uint32_t eoj) const {
  if (eoj == profile_.eoj())
    return &profile_;
  auto it = std::ranges::find(devices_, eoj, &LanObject::eoj);
  return it == devices_.end() ? nullptr : &*it;
}

LanObject* LanNode::find_mutable(std::uint32_t eoj) {
  return const_cast<LanObject*>(find_object(eoj));
}

LanModelState* LanNode::model_state(std::uint32_t eoj) {
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    if (devices_[i].eoj() == eoj)
      return &model_[i];
  }
  return nullptr;
}

// Instance code 0 addresses every instance of the class; 0x0EF000 is the node profile too.
std::vector<LanObject*> LanNode::targets(std::uint32_t deoj) {
  std::vector<LanObject*> out;
  const auto class_code = static_cast<std::uint16_t>(deoj >> 8);
  const auto instance = static_cast<std::uint8_t>(deoj & 0xFF);
  if (class_code == kNodeProfileClass) {
    if (instance == 0x00 || instance == 0x01)
      out.push_back(&profile_);
    return out;
  }
  for (auto& device : devices_) {
    if (device.class_code() == class_code && (instance == 0 || device.eoj() == deoj))
      out.push_back(&device);
  }
  return out;
}

std::optional<LanNode::Admitted> LanNode::admit(const LanDatagram& datagram, std::uint32_t deoj,
                                                TimePoint now) {
  if (silent(now)) {
    log("  no answer: not joined yet (--late-join)");
    return std::nullopt;
  }
  if (options_.drop_copies > 0) {
    const auto copy = copies_.count(datagram.peer, datagram.payload, now);
    if (copy.drop) {
      log("  dropped: copy " + std::to_string(copy.copy) + ", answered from copy " +
          std::to_string(options_.drop_copies + 1) + " (--drop-copies)");
      return std::nullopt;
    }
  }
  if (options_.lossy_percent > 0 &&
      std::uniform_real_distribution<double>(0, 100)(rng_) < options_.lossy_percent) {
    log("  dropped (--lossy)");
    return std::nullopt;
  }
  Admitted admitted{targets(deoj), now + std::chrono::milliseconds(options_.slow_ms)};
  if (admitted.objects.empty()) {
    log("  ignored: no object " + eoj_hex(deoj) + " here");
    return std::nullopt;
  }
  if (datagram.multicast) {
    admitted.due += std::chrono::milliseconds(
        std::uniform_int_distribution<int>(kMulticastDelayMinMs, kMulticastDelayMaxMs)(rng_));
  }
  return admitted;
}

void LanNode::after_set(const LanObject& object, const std::vector<std::uint8_t>& changed,
                        TimePoint due) {
  if (changed.empty())
    return;
  if (auto* state = model_state(object.eoj()))
    state->synced = false;
  announce_changes(object, changed, due);
}

void LanNode::receive(const LanDatagram& datagram, TimePoint now) {
  if (vanished_) {
    log("rx " + datagram.peer + " " + to_hex(datagram.payload) + " not heard: vanished");
    return;
  }
  if (is_lan_setget(datagram.payload)) {
    receive_setget(datagram, now);
    return;
  }
  const std::string from = datagram.peer + (datagram.multicast ? " (multicast)" : "");
  auto frame = decode_frame(datagram.payload);
  if (!frame) {
    log("rx " + from + " " + to_hex(datagram.payload) + " ignored: " + frame.error().message);
    return;
  }
  log("rx " + from + " " + to_hex(datagram.payload) + " (" + describe_lan_frame(datagram.payload) +
      ")");
  if (!is_request(frame->esv)) {
    log("  ignored: not a request");
    return;
  }
  if (frame->properties.empty()) {
    log("  ignored: no properties");
    return;
  }
  if (options_.no_multi && frame->esv == esv::kGet && frame->properties.size() > 1) {
    log("  ignored: multi-EPC Get (--no-multi)");
    return;
  }
  auto admitted = admit(datagram, frame->deoj, now);
  if (!admitted)
    return;
  for (LanObject* object : admitted->objects) {
    std::vector<std::uint8_t> changed;
    if (auto reply = serve(*object, *frame, changed))
      schedule(admitted->due, LanSend{datagram.peer, encode_frame(*reply)});
    after_set(*object, changed, admitted->due);
  }
}

void LanNode::receive_setget(const LanDatagram& datagram, TimePoint now) {
  const std::string from = datagram.peer + (datagram.multicast ? " (multicast)" : "");
  auto frame = decode_lan_setget(datagram.payload);
  if (!frame) {
    log("rx " + from + " " + to_hex(datagram.payload) + " ignored: " + frame.error().message);
    return;
  }
  log("rx " + from + " " + to_hex(datagram.payload) + " (" + describe_lan_frame(datagram.payload) +
      ")");
  if (frame->esv != kSetGet) {
    log("  ignored: not a request");
    return;
  }
  if (frame->set_properties.empty() && frame->get_properties.empty()) {
    log("  ignored: no properties");
    return;
  }
  auto admitted = admit(datagram, frame->deoj, now);
  if (!admitted)
    return;
  for (LanObject* object : admitted->objects) {
    std::vector<std::uint8_t> changed;
    const LanSetGetFrame reply = serve_setget(*object, *frame, changed);
    schedule(admitted->due, LanSend{datagram.peer, encode_lan_setget(reply)});
    after_set(*object, changed, admitted->due);
  }
}

void LanNode::console(std::string_view line, TimePoint now) {
  std::istringstream in{std::string(line)};
  std::string command;
  in >> command;
  if (command.empty())
    return;
  if (command == "quit") {
    quit_ = true;
    log("quit");
    return;
  }
  if (command == "announce") {
    if (vanished_)
      log("announce: not sent, vanished");
    announce_instances(now);
    return;
  }
  if (command == "vanish") {
    vanished_ = true;
    pending_.clear();
    log("vanished: off the network until `return`");
    return;
  }
  if (command == "return") {
    vanished_ = false;
    log("returned: answering again");
    return;
  }
  if (command != "set") {
    log("unknown command: " + std::string(line) +
        " (set EOJ EPC HEX | announce | vanish | return | quit)");
    return;
  }
  std::string eoj_text, epc_text, value_text;
  in >> eoj_text >> epc_text >> value_text;
  const auto eoj = parse_hex_number(eoj_text, 6);
  const auto epc = parse_hex_number(epc_text, 2);
  auto value = from_hex(value_text);
  LanObject* object = eoj ? find_mutable(*eoj) : nullptr;
  if (!object || !epc || !value || value->empty() || value->size() > 255) {
    log("set: expected set EOJ EPC HEX (1-255 bytes) with an EOJ of this node, e.g. set 013001 "
        "80 31");
    return;
  }
  const auto code = static_cast<std::uint8_t>(*epc);
  const LanProperty* before = object->find(code);
  const bool changed = !before || before->value != *value;
  object->force(code, *value);
  if (auto* state = model_state(object->eoj()))
    state->synced = false;
  log("set " + eoj_hex(object->eoj()) + " " + to_hex(Bytes{code}) + " = " + to_hex(*value));
  if (changed && object->announces(code) && !silent(now))
    announce_changes(*object, {code}, now);
}

void LanNode::schedule(TimePoint due, LanSend send) {
  if (vanished_)
    return;                                // off the network: the datagram is never sent
  pending_.emplace(due, std::move(send));  // equal times keep their order
}

void LanNode::announce_instances(TimePoint due) {
  const LanProperty* list = profile_.find(0xD5);
  ElFrame inf{next_tid_++, kNodeProfileEoj, kNodeProfileEoj, esv::kInf, {{0xD5, list->value}}};
  schedule(due, LanSend{"", encode_frame(inf)});
}

void LanNode::announce_changes(const LanObject& object, const std::vector<std::uint8_t>& epcs,
                               TimePoint due) {
  ElFrame inf{next_tid_++, object.eoj(), kLanControllerEoj, esv::kInf, {}};
  for (std::uint8_t epc : epcs) {
    if (const LanProperty* p = object.find(epc))
      inf.properties.push_back(ElProperty{epc, p->value});
  }
  schedule(due, LanSend{"", encode_frame(inf)});
}

void LanNode::step_model(TimePoint now) {
  if (now - last_model_step_ < kModelStep)
    return;
  const double dt = std::chrono::duration<double>(now - last_model_step_).count() * options_.speed;
  last_model_step_ = now;
  sim_elapsed_s_ += dt;
  const double hour = std::fmod(options_.start_hour.value_or(12.0) + sim_elapsed_s_ / 3600.0, 24.0);
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    auto changed = lan_model_step(devices_[i], model_[i], dt, hour);
    if (!changed.empty() && !silent(now))
      announce_changes(devices_[i], changed, now);
  }
}

void LanNode::tick(TimePoint now) {
  step_model(now);
}

std::vector<LanSend> LanNode::take_sends(TimePoint now) {
  tick(now);
  std::vector<LanSend> out;
  while (!pending_.empty() && pending_.begin()->first <= now) {
    auto node = pending_.extract(pending_.begin());
    LanSend& send = node.mapped();
    log("tx " + (send.to.empty() ? std::string("multicast") : send.to) + " " +
        to_hex(send.payload) + " (" + describe_lan_frame(send.payload) + ")");
    out.push_back(std::move(send));
  }
  return out;
}

std::optional<TimePoint> LanNode::next_wakeup() const {
  TimePoint next = last_model_step_ + kModelStep;
  if (!pending_.empty())
    next = std::min(next, pending_.begin()->first);
  return next;
}

std::vector<std::string> LanNode::take_log() {
  return std::exchange(log_, {});
}

void LanNode::log(std::string text) {
  log_.push_back(std::move(text));
}

}  // namespace hems::sim
