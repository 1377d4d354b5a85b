#include "hems/app/lan_bridge.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "hems/app/log.hpp"
#include "hems/app/requests.hpp"
#include "hems/echonet/definitions.hpp"
#include "hems/ha/appliance_discovery.hpp"
#include "hems/ha/removals.hpp"
#include "hems/lan/device_id.hpp"
#include "hems/version.hpp"

namespace hems::app {
namespace {

using nlohmann::json;
namespace defs = echonet::defs;

std::uint16_t class_of(const echonet::Eoj& eoj) {
  return static_cast<std::uint16_t>((eoj.group << 8) | eoj.cls);
}

lan::ControllerConfig controller_config(const Config& config) {
  lan::ControllerConfig c;
  c.timeout = Duration(static_cast<std::int64_t>(config.lan.timeout * 1000.0));
  c.poll_interval = seconds(config.lan.poll_interval);
  c.ipv6 = config.lan.ipv6;
  c.hosts = config.lan.hosts;
  c.names = config.lan.names;
  c.seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return c;
}

// A hex string without separators; nullopt when it is not one.
std::optional<Bytes> hex_value(const json& value) {
  if (!value.is_string())
    return std::nullopt;
  std::string text = value.get<std::string>();
  if (text.starts_with("0x") || text.starts_with("0X"))
    text = text.substr(2);
  return from_hex(text);
}

}  // namespace

LanBridge::LanBridge(const Config& config, io::EventLoop& loop, Publish publish,
                     std::function<void()> rearm, std::function<void()> devices_changed)
    : config_(config),
      loop_(loop),
      publish_(std::move(publish)),
      rearm_(std::move(rearm)),
      devices_changed_(std::move(devices_changed)),
      controller_(controller_config(config)) {}

LanBridge::~LanBridge() {
  stop();
}

std::string LanBridge::topic(const std::string& suffix) const {
  return config_.mqtt.base_topic + "/" + suffix;
}

void LanBridge::start() {
  open_socket();
  controller_.start(loop_.now());
  handle_actions();
}

void LanBridge::stop() {
  if (reopen_timer_)
    loop_.cancel(*reopen_timer_);
  reopen_timer_.reset();
  if (watched_fd_ >= 0)
    loop_.unwatch_fd(watched_fd_);
  watched_fd_ = -1;
  socket_.reset();
}

void LanBridge::open_socket() {
  lan::UdpOptions options;
  options.interface = config_.lan.interface;
  options.ipv6 = config_.lan.ipv6;
  auto opened = lan::open_udp_transport(options);
  if (!opened) {
    log(Level::error, "LAN: cannot listen on UDP 3610: " + opened.error().message +
                          " (another ECHONET Lite controller on this host? in Docker, use "
                          "network_mode: host); retrying in 60 s");
    reopen_timer_ = loop_.call_after(seconds(60), [this] {
      reopen_timer_.reset();
      open_socket();
      if (socket_)
        controller_.start(loop_.now());
      handle_actions();
      rearm_();
    });
    return;
  }
  socket_ = std::move(*opened);
  for (const auto& w : socket_->warnings())
    log(Level::warning, "LAN: " + w);
  watched_fd_ = socket_->poll_fd();
  loop_.watch_fd(watched_fd_, [this] { on_readable(); });
  log(Level::info, std::string("LAN: listening for ECHONET Lite on UDP 3610") +
                       (config_.lan.interface.empty() ? "" : " on " + config_.lan.interface));
}

void LanBridge::on_readable() {
  // Drain what is there; a hostile sender cannot stall the loop: bounded per wake-up.
  for (int i = 0; i < 64 && socket_; ++i) {
    auto datagram = socket_->receive();
    if (!datagram) {
      log(Level::debug, "LAN: receive failed: " + datagram.error().message);
      break;
    }
    if (!*datagram)
      break;
    controller_.on_datagram((*datagram)->from, (*datagram)->payload, loop_.now());
  }
  handle_actions();
  rearm_();
}

void LanBridge::on_timer(TimePoint now) {
  controller_.on_timer(now);
  handle_actions();
}

std::optional<TimePoint> LanBridge::next_deadline() const {
  return controller_.next_deadline();
}

bool LanBridge::has_device(const std::string& id) const {
  return devices_.contains(id);
}

void LanBridge::handle_actions() {
  for (int guard = 0; guard < 64; ++guard) {
    auto actions = controller_.take_actions();
    if (actions.empty())
      return;
    for (auto& action : actions) {
      std::visit(
          [&](auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, lan::SendDatagram>) {
              if (!socket_)
                return;
              if (auto sent = socket_->send_to(a.to, a.multicast, a.payload); !sent) {
                log(Level::debug, "LAN: send to " + a.to + " failed: " + sent.error().message);
              }
            } else if constexpr (std::is_same_v<T, lan::DeviceFound>) {
              on_device_found(a.device);
            } else if constexpr (std::is_same_v<T, lan::PropertiesUpdated>) {
              on_properties(a.device_id, a.properties, true);
            } else if constexpr (std::is_same_v<T, lan::AvailabilityChanged>) {
              auto it = devices_.find(a.device_id);
              if (it == devices_.end())
                return;
              it->second.online = a.online;
              log(Level::info, "LAN: " + a.device_id + (a.online ? " is online" : " is offline"));
              publish_availability(it->second);
            } else if constexpr (std::is_same_v<T, lan::RequestDone>) {
              on_done(a);
            } else if constexpr (std::is_same_v<T, lan::LanLog>) {
              log(a.level, "LAN: " + a.text);
            }
          },
          action);
    }
  }
}

void LanBridge::on_device_found(const lan::DeviceInfo& info) {
  auto [it, added] = devices_.try_emplace(info.id);
  Device& device = it->second;
  const bool moved = !added && device.info.address != info.address;
  device.info = info;
  device.online = true;
  const auto* cls = defs::find_class(class_of(info.eoj));
  if (added) {
    log(Level::debug, "LAN: found " + std::string(cls ? cls->name_en : "an unknown device class") +
                          " " + info.eoj.to_string() + " at " + info.address + " as " + info.id);
  } else if (moved) {
    log(Level::info, "LAN: " + info.id + " moved to " + info.address);
  }
  publish_discovery(device, added);
  publish_availability(device);
  devices_changed_();
}

std::optional<std::pair<std::string, json>> LanBridge::decode(const lan::DeviceInfo& info,
                                                              const echonet::Property& p) const {
  const std::uint16_t cls = class_of(info.eoj);
  const auto* def = defs::find_property(cls, p.epc);
  if (!def || p.epc >= 0xF0)
    return std::pair{defs::hex_key(p.epc), json(to_hex(p.edt))};
  auto value = defs::decode_value(cls, *def, p.edt);
  if (!value) {
    log(Level::warning,
        "LAN: " + info.id + ": dropped " + std::string(def->name) + ": " + value.error().message);
    return std::nullopt;
  }
  return std::pair{std::string(def->name), std::move(*value)};
}

void LanBridge::on_properties(const std::string& id, const std::vector<echonet::Property>& props,
                              bool publish) {
  auto it = devices_.find(id);
  if (it == devices_.end())
    return;
  Device& device = it->second;
  bool changed = false;
  for (const auto& p : props) {
    if (p.edt.empty())
      continue;  // not provided (SNA)
    if (p.epc == 0x9D || p.epc == 0x9E || p.epc == 0x9F)
      continue;
    auto decoded = decode(device.info, p);
    if (!decoded)
      continue;
    if (!device.state.contains(decoded->first) || device.state[decoded->first] != decoded->second) {
      device.state[decoded->first] = decoded->second;
      changed = true;
    }
  }
  if (publish && changed)
    publish_state(device);
}

void LanBridge::publish_state(const Device& device) {
  publish_(topic(device.info.id), device.state.dump(), config_.mqtt.retain);
}

void LanBridge::publish_availability(const Device& device) {
  publish_(topic(device.info.id + "/availability"),
           device.online ? R"({"state":"online"})" : R"({"state":"offline"})", true);
}

void LanBridge::publish_discovery(Device& device, bool force) {
  if (config_.mqtt.discovery_prefix.empty())
    return;
  ha::ApplianceDevice appliance;
  appliance.id = device.info.id;
  appliance.class_code = class_of(device.info.eoj);
  appliance.instance = device.info.eoj.instance;
  std::string hw = device.info.node_id.empty() ? device.info.id
                                               : lan::node_uid(device.info.node_id) + "_" +
                                                     device.info.eoj.to_string().substr(2);
  std::transform(hw.begin(), hw.end(), hw.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  });
  appliance.hardware_id = hw;
  appliance.manufacturer_code = device.info.manufacturer;
  appliance.get_map = device.info.get_map;
  appliance.set_map = device.info.set_map;
  auto messages = ha::appliance_discovery(
      ha::BridgeTopics{config_.mqtt.base_topic, config_.mqtt.discovery_prefix}, appliance, kVersion,
      ha::language_from(config_.mqtt.discovery_language).value_or(ha::Language::en));
  if (!force && messages == device.discovery)
    return;
  for (const auto& r : ha::removals(device.discovery, messages))
    publish_(r.topic, "", true);
  for (const auto& m : messages)
    publish_(m.topic, m.payload, true);
  device.discovery = std::move(messages);
}

void LanBridge::republish() {
  for (auto& [id, device] : devices_) {
    publish_discovery(device, true);
    if (!device.state.empty())
      publish_state(device);
    publish_availability(device);
  }
}

LanBridge::DeviceCount LanBridge::device_count() const {
  DeviceCount count;
  for (const auto& [id, device] : devices_) {
    ++count.total;
    count.online += device.online ? 1 : 0;
  }
  return count;
}

json LanBridge::devices_json() const {
  json list = json::array();
  for (const auto& [id, device] : devices_) {
    const std::uint16_t cls = class_of(device.info.eoj);
    const auto* class_def = defs::find_class(cls);
    auto names = [&](const std::vector<std::uint8_t>& epcs) {
      json out = json::array();
      for (std::uint8_t epc : epcs) {
        const auto* def = defs::find_property(cls, epc);
        out.push_back(def && epc < 0xF0 ? std::string(def->name) : defs::hex_key(epc));
      }
      return out;
    };
    json entry = {{"id", id},
                  {"address", device.info.address},
                  {"eoj", device.info.eoj.to_string()},
                  {"class", class_def ? std::string(class_def->name) : "unknown"},
                  {"properties",
                   {{"get", names(device.info.get_map)},
                    {"set", names(device.info.set_map)},
                    {"inf", names(device.info.inf_map)}}}};
    if (device.info.manufacturer) {
      char code[12];
      std::snprintf(code, sizeof code, "0x%06X", *device.info.manufacturer);
      entry["manufacturer"] = code;
    }
    list.push_back(std::move(entry));
  }
  return list;
}

// ---- requests ----------------------------------------------------------------------------------

void LanBridge::respond(const std::string& device_id, const json& transaction, bool ok,
                        const json& data, const std::string& error) {
  publish_(topic(device_id + "/response"), response_envelope(transaction, ok, data, error).dump(),
           false);
}

void LanBridge::respond_raw(const json& transaction, bool ok, const json& data,
                            const std::string& error) {
  publish_(topic("bridge/response/echonet"), response_envelope(transaction, ok, data, error).dump(),
           false);
}

void LanBridge::handle_get(const std::string& id, const json& request) {
  const Device& device = devices_.at(id);
  const json transaction = request.value("transaction", json());
  const std::uint16_t cls = class_of(device.info.eoj);
  Pending pending{Pending::Kind::get, id, transaction, {}, json::object(), {}};
  std::vector<std::uint8_t> epcs;
  for (const auto& [key, value] : request.items()) {
    if (key == "transaction")
      continue;
    std::optional<std::uint8_t> epc = defs::parse_hex_key(key);
    if (!epc) {
      if (const auto* def = defs::find_property_by_name(cls, key))
        epc = def->epc;
    }
    if (!epc) {
      log(Level::warning, "LAN: get for " + id + " names an unknown property: " + key);
      respond(id, transaction, false, json::object(), "unknown property: " + key);
      return;
    }
    pending.keys[*epc] = key;
    epcs.push_back(*epc);
  }
  if (epcs.empty()) {
    for (std::uint8_t epc : device.info.get_map) {
      if (epc != 0x9D && epc != 0x9E && epc != 0x9F)
        epcs.push_back(epc);
    }
  }
  const std::string request_id = "lan-get-" + std::to_string(++counter_);
  pending_[request_id] = std::move(pending);
  controller_.get(request_id, id, epcs, loop_.now());
  handle_actions();
}

void LanBridge::handle_set(const std::string& id, const json& request) {
  const Device& device = devices_.at(id);
  const json transaction = request.value("transaction", json());
  const std::uint16_t cls = class_of(device.info.eoj);
  Pending pending{Pending::Kind::set, id, transaction, {}, json::object(), {}};
  std::string reasons;  // why values were refused before anything was sent
  std::vector<echonet::Property> props;
  for (const auto& [key, value] : request.items()) {
    if (key == "transaction")
      continue;
    if (auto epc = defs::parse_hex_key(key)) {
      auto bytes = hex_value(value);
      if (!bytes || bytes->empty()) {
        pending.early[key] = "rejected";
        reasons += "; " + key + ": not a hex string";
        continue;
      }
      pending.keys[*epc] = key;
      props.push_back(echonet::Property{*epc, *bytes});
      continue;
    }
    const auto* def = defs::find_property_by_name(cls, key);
    if (!def) {
      pending.early[key] = "rejected";
      reasons += "; " + key + ": unknown property";
      log(Level::warning, "LAN: set for " + id + " names an unknown property: " + key);
      continue;
    }
    if (!device.info.set_map.empty() &&
        std::find(device.info.set_map.begin(), device.info.set_map.end(), def->epc) ==
            device.info.set_map.end()) {
      pending.early[key] = "rejected";
      reasons += "; " + key + ": the device does not accept writes to it";
      log(Level::warning, "LAN: " + id + " does not accept writes to " + key);
      continue;
    }
    auto encoded = defs::encode_value(cls, *def, value);
    if (!encoded) {
      pending.early[key] = "rejected";
      reasons += "; " + key + ": " + encoded.error().message;
      log(Level::warning, "LAN: set " + id + " " + key + ": " + encoded.error().message);
      continue;
    }
    pending.keys[def->epc] = key;
    props.push_back(echonet::Property{def->epc, *encoded});
  }
  if (props.empty()) {
    std::string rejected;
    for (const auto& [k, v] : pending.early.items())
      rejected += (rejected.empty() ? "" : ", ") + k;
    respond(id, transaction, false, pending.early,
            rejected.empty() ? "nothing to set" : "rejected: " + rejected + reasons);
    return;
  }
  pending.reasons = reasons;
  const std::string request_id = "lan-set-" + std::to_string(++counter_);
  pending_[request_id] = std::move(pending);
  controller_.set(request_id, id, std::move(props), true, loop_.now());
  handle_actions();
}

bool LanBridge::handle_raw(const json& request) {
  const json transaction = request.value("transaction", json());
  std::string address;
  if (request.contains("device") && request["device"].is_string()) {
    auto it = devices_.find(request["device"].get<std::string>());
    if (it == devices_.end())
      return false;
    address = it->second.info.address;
  } else if (request.contains("address") && request["address"].is_string()) {
    address = request["address"].get<std::string>();
  } else {
    return false;
  }
  auto frame = parse_raw_frame(request);
  if (!frame) {
    respond_raw(transaction, false, json::object(), frame.error());
    return true;
  }
  const std::string request_id = "lan-raw-" + std::to_string(++counter_);
  pending_[request_id] = Pending{Pending::Kind::raw, {}, transaction, {}, json::object(), {}};
  controller_.raw(request_id, address, std::move(*frame), loop_.now());
  handle_actions();
  return true;
}

void LanBridge::on_done(const lan::RequestDone& done) {
  auto it = pending_.find(done.request_id);
  if (it == pending_.end())
    return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  if (pending.kind == Pending::Kind::raw) {
    if (done.esv == 0) {
      respond_raw(pending.transaction, false, json::object(), "timeout");
      return;
    }
    json props = json::object();
    for (const auto& [p, outcome] : done.results)
      props[defs::hex_key(p.epc)] = to_hex(p.edt);
    char esv[8];
    std::snprintf(esv, sizeof esv, "0x%02X", done.esv);
    const bool failed = echonet::is_failure_esv(done.esv);
    respond_raw(pending.transaction, !failed, json{{"esv", esv}, {"properties", props}},
                failed ? "the device answered " + echonet::esv_name(done.esv) : "");
    return;
  }
  auto device_it = devices_.find(pending.device_id);
  if (pending.kind == Pending::Kind::get) {
    json data = json::object();
    std::string missing;
    std::vector<echonet::Property> values;
    for (const auto& [p, outcome] : done.results) {
      if (outcome != lan::PropertyOutcome::accepted || p.edt.empty()) {
        const std::string key =
            pending.keys.contains(p.epc) ? pending.keys[p.epc] : defs::hex_key(p.epc);
        missing += (missing.empty() ? "" : ", ") + key + " (" + lan::to_string(outcome) + ")";
        continue;
      }
      values.push_back(p);
      if (device_it != devices_.end()) {
        if (auto decoded = decode(device_it->second.info, p))
          data[decoded->first] = decoded->second;
      }
    }
    if (device_it != devices_.end())
      on_properties(pending.device_id, values, true);
    if (pending.transaction.is_null() && missing.empty())
      return;
    respond(pending.device_id, pending.transaction, missing.empty(), data,
            missing.empty() ? "" : "not read: " + missing);
    return;
  }
  // set
  json data = pending.early;
  std::string not_accepted;
  for (const auto& [p, outcome] : done.results) {
    const std::string key =
        pending.keys.contains(p.epc) ? pending.keys[p.epc] : defs::hex_key(p.epc);
    data[key] = lan::to_string(outcome);
  }
  for (const auto& [key, value] : data.items()) {
    if (value != "accepted")
      not_accepted += (not_accepted.empty() ? "" : ", ") + key + " " + value.get<std::string>();
  }
  if (!not_accepted.empty()) {
    log(Level::warning, "LAN: set on " + pending.device_id + ": " + not_accepted);
  }
  respond(pending.device_id, pending.transaction, not_accepted.empty(), data,
          not_accepted.empty() ? "" : not_accepted + pending.reasons);
  // Read back what was accepted so the state shows the device's own view.
  std::vector<std::uint8_t> readback;
  for (const auto& [p, outcome] : done.results) {
    if (outcome == lan::PropertyOutcome::accepted)
      readback.push_back(p.epc);
  }
  if (!readback.empty() && device_it != devices_.end()) {
    const std::string request_id = "lan-get-" + std::to_string(++counter_);
    pending_[request_id] =
        Pending{Pending::Kind::get, pending.device_id, json(), {}, json::object(), {}};
    controller_.get(request_id, pending.device_id, readback, loop_.now());
  }
}

}  // namespace hems::app
