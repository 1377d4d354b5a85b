#include "hems/app/bridge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "announced_topics.hpp"
#include "hems/app/bridge_requests.hpp"
#include "hems/app/health.hpp"
#include "hems/app/log.hpp"
#include "hems/app/requests.hpp"
#include "hems/echonet/frame.hpp"
#include "hems/ha/discovery.hpp"
#include "hems/version.hpp"

namespace hems::app {
namespace {

using nlohmann::json;
constexpr const char* kPanCacheFile = "pan-cache";

std::string local_iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char date_time[32];
  std::strftime(date_time, sizeof date_time, "%Y-%m-%dT%H:%M:%S", &local);
  char offset[16];
  std::strftime(offset, sizeof offset, "%z", &local);
  // Appended, not inserted: GCC 12 at -O2 reports a false -Wrestrict on s.insert(..., ":").
  std::string s = date_time;
  const std::string_view z = offset;
  if (z.size() == 5) {  // +0900 -> +09:00
    s += z.substr(0, 3);
    s += ':';
    s += z.substr(3);
  } else {
    s += z;
  }
  return s;
}

std::filesystem::path pan_cache_path(const Config& config) {
  return std::filesystem::path(config.meter.state_dir) / kPanCacheFile;
}

std::optional<wisun::PanInfo> load_pan_cache(const Config& config) {
  std::ifstream in(pan_cache_path(config));
  if (!in)
    return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto pan = wisun::parse_pan(text.str());
  if (!pan) {
    log(Level::warning,
        "ignoring the PAN cache " + pan_cache_path(config).string() + ": " + pan.error().message);
    return std::nullopt;
  }
  return *pan;
}

wisun::SessionConfig session_config(const Config& config) {
  wisun::SessionConfig s;
  s.route_b_id = config.meter.id;
  s.password = config.meter.password;
  s.dialect = wisun::dialect_from_config(config.meter.dialect);
  s.cached_pan = load_pan_cache(config);
  std::vector<std::uint8_t> durations;
  for (int d : {4, 5, 6, 6, 7, 8, 8}) {
    if (d <= config.meter.scan_duration_max)
      durations.push_back(static_cast<std::uint8_t>(d));
  }
  if (durations.empty())
    durations.push_back(static_cast<std::uint8_t>(config.meter.scan_duration_max));
  s.scan_durations = durations;
  return s;
}

meter::ReaderConfig reader_config(const Config& config) {
  meter::ReaderConfig r;
  r.instant_interval = seconds(config.meter.instant_interval);
  r.energy_interval = seconds(config.meter.energy_interval);
  r.response_timeout = Duration(static_cast<std::int64_t>(config.meter.response_timeout * 1000.0));
  r.tries = config.meter.request_tries;
  return r;
}

std::string epc_key(std::uint8_t epc) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", epc);
  return buf;
}

// State keys and the EPC that carries each.
std::optional<std::uint8_t> epc_for_key(const std::string& key) {
  if (key == "power_w")
    return 0xE7;
  if (key == "current_r_a" || key == "current_t_a")
    return 0xE8;
  if (key == "energy_import_kwh")
    return 0xE0;
  if (key == "energy_export_kwh")
    return 0xE3;
  if (key == "energy_import_fixed_kwh" || key == "energy_import_fixed_at")
    return 0xEA;
  if (key == "energy_export_fixed_kwh" || key == "energy_export_fixed_at")
    return 0xEB;
  return std::nullopt;
}

// Rounds to a number of decimals so that 65139 x 0.1 is published as 6513.9, not
// 6513.900000000001: dividing by a power of ten gives the shortest representation.
double round_to(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

// Decimals that the meter's energy unit (E1) and coefficient can express.
int energy_decimals(const meter::MeterIdentity& id) {
  const double step = id.unit_kwh * id.coefficient;
  if (step <= 0.0 || step >= 1.0)
    return 0;
  return std::clamp(static_cast<int>(std::lround(-std::log10(step))), 0, 6);
}

json values_to_json(const meter::MeterValues& v, int decimals) {
  json j = json::object();
  if (v.power_w)
    j["power_w"] = *v.power_w;
  if (v.current_r_a)
    j["current_r_a"] = round_to(*v.current_r_a, 1);
  if (v.current_t_a)
    j["current_t_a"] = round_to(*v.current_t_a, 1);
  if (v.energy_import_kwh)
    j["energy_import_kwh"] = round_to(*v.energy_import_kwh, decimals);
  if (v.energy_export_kwh)
    j["energy_export_kwh"] = round_to(*v.energy_export_kwh, decimals);
  if (v.energy_import_fixed_kwh) {
    j["energy_import_fixed_kwh"] = round_to(*v.energy_import_fixed_kwh, decimals);
  }
  if (v.energy_import_fixed_at)
    j["energy_import_fixed_at"] = *v.energy_import_fixed_at;
  if (v.energy_export_fixed_kwh) {
    j["energy_export_fixed_kwh"] = round_to(*v.energy_export_fixed_kwh, decimals);
  }
  if (v.energy_export_fixed_at)
    j["energy_export_fixed_at"] = *v.energy_export_fixed_at;
  return j;
}

}  // namespace

Bridge::Bridge(Config config, io::EventLoop& loop, std::unique_ptr<mqtt::Client> mqtt,
               std::unique_ptr<io::Transport> transport)
    : config_(std::move(config)),
      loop_(loop),
      mqtt_(std::move(mqtt)),
      transport_(std::move(transport)),
      session_(session_config(config_)),
      reader_(reader_config(config_)) {
  load_discovery_topics();
  if (config_.lan.enabled) {
    lan_ = std::make_unique<LanBridge>(
        config_, loop_,
        [this](const std::string& t, const std::string& p, bool r) { publish(t, p, r); },
        [this] { arm_timer(); }, [this] { publish_devices(); });
  }
}

Bridge::~Bridge() {
  if (mqtt_)
    mqtt_->set_handler(nullptr);
}

std::string Bridge::topic(const std::string& suffix) const {
  return config_.mqtt.base_topic + "/" + suffix;
}

std::string Bridge::meter_topic(const std::string& suffix) const {
  std::string t = config_.mqtt.base_topic + "/" + config_.meter.name;
  if (!suffix.empty())
    t += "/" + suffix;
  return t;
}

void Bridge::start() {
  log(Level::info, std::string("hems2mqtt ") + kVersion + " starting");
  mqtt_->set_handler(this);
  // Every device's get and set: the meter's and the LAN appliances'.
  mqtt_->subscribe(topic("+/get"), 1);
  mqtt_->subscribe(topic("+/set"), 1);
  mqtt_->subscribe(topic("bridge/request/+"), 1);
  if (!config_.mqtt.discovery_prefix.empty()) {
    mqtt_->subscribe(config_.mqtt.discovery_prefix + "/status", 1);
  }
  mqtt_->start();
  if (config_.meter.enabled) {
    log(Level::info, "meter: B-route dongle at " + transport_->description());
    session_.start(loop_.now());
  }
  if (lan_)
    lan_->start();
  process();
}

void Bridge::heartbeat() {
  if (heartbeat_timer_)
    loop_.cancel(*heartbeat_timer_);
  heartbeat_timer_.reset();
  if (!mqtt_connected_ || stopping_)
    return;
  touch_health_file(config_);
  heartbeat_timer_ = loop_.call_after(seconds(kHeartbeatSeconds), [this] {
    heartbeat_timer_.reset();
    heartbeat();
  });
}

void Bridge::shutdown() {
  if (stopping_)
    return;
  stopping_ = true;
  if (heartbeat_timer_)
    loop_.cancel(*heartbeat_timer_);
  remove_health_file(config_);
  log(Level::info, "shutting down");
  if (config_.meter.enabled) {
    session_.stop(loop_.now());
    handle_session_actions();
  }
  publish_availability(false, true);
  publish(topic("bridge/state"), R"({"state":"offline"})", true);
  if (lan_)
    lan_->stop();
  mqtt_->stop(std::chrono::milliseconds(3000));
  close_transport();
  loop_.stop();
}

// ---- MQTT callbacks: only post into the loop --------------------------------------------------

void Bridge::on_connected() {
  loop_.post([this] {
    log(Level::info, "connected to the MQTT broker " + config_.mqtt.server + " as '" +
                         config_.mqtt.client_id + "'");
    takeover_.on_connected(loop_.now());
    mqtt_connected_ = true;
    heartbeat();
    publish_online_state();
  });
}

void Bridge::on_connection_lost(const std::string& cause) {
  loop_.post([this, cause] {
    mqtt_connected_ = false;
    log(Level::warning, "lost the connection to the MQTT broker " + config_.mqtt.server + " (" +
                            cause + "); reconnecting, readings are kept until it is back");
    if (takeover_.on_connection_lost(loop_.now())) {
      log(Level::error,
          "the MQTT broker has closed the connection right after accepting it " +
              std::to_string(takeover_.short_lived_in_a_row()) +
              " times in a row: another MQTT client probably uses the same client id '" +
              config_.mqtt.client_id +
              "' (a second hems2mqtt, or another program). Give each bridge its own "
              "[mqtt] client_id, or leave it empty so each makes a unique one");
    }
  });
}

void Bridge::on_connect_failed(const std::string& reason) {
  loop_.post([this, reason] {
    mqtt_connected_ = false;
    log(Level::error, "cannot connect to the MQTT broker " + config_.mqtt.server + ": " + reason +
                          "; retrying in the background, readings are kept until it connects");
  });
}

void Bridge::on_messages_dropped(std::uint64_t count) {
  loop_.post([count] {
    log(Level::warning, "the MQTT offline buffer was full: dropped the " + std::to_string(count) +
                            " oldest messages");
  });
}

void Bridge::on_message(mqtt::Message msg) {
  loop_.post([this, msg = std::move(msg)] {
    handle_message(msg);
    process();
  });
}

// ---- the loop ----------------------------------------------------------------------------------

void Bridge::process() {
  const TimePoint now = loop_.now();
  session_.on_timer(now);
  handle_session_actions();
  reader_.on_timer(now);
  handle_reader_actions();
  if (lan_)
    lan_->on_timer(now);
  for (auto it = pending_gets_.begin(); it != pending_gets_.end();) {
    if (loop_.now() >= it->deadline) {
      respond(meter_topic("response"), it->transaction, false, json::object(),
              "the meter did not answer in time");
      it = pending_gets_.erase(it);
    } else {
      ++it;
    }
  }
  arm_timer();
}

void Bridge::arm_timer() {
  if (stopping_)
    return;
  std::optional<TimePoint> next = session_.next_deadline();
  if (auto r = reader_.next_deadline(); r && (!next || *r < *next))
    next = r;
  if (lan_) {
    if (auto l = lan_->next_deadline(); l && (!next || *l < *next))
      next = l;
  }
  for (const auto& g : pending_gets_) {
    if (!next || g.deadline < *next)
      next = g.deadline;
  }
  if (timer_)
    loop_.cancel(*timer_);
  timer_.reset();
  if (next) {
    timer_ = loop_.call_at(*next, [this] {
      timer_.reset();
      process();
    });
  }
}

void Bridge::open_transport() {
  if (transport_->is_open())
    close_transport();
  auto opened = transport_->open();
  if (!opened) {
    session_.on_transport_failed(loop_.now(), opened.error().message);
    return;
  }
  watched_fd_ = transport_->poll_fd();
  loop_.watch_fd(watched_fd_, [this] { on_readable(); });
  log(Level::info, "opened " + transport_->description());
  session_.on_transport_opened(loop_.now());
}

void Bridge::close_transport() {
  if (watched_fd_ >= 0) {
    loop_.unwatch_fd(watched_fd_);
    watched_fd_ = -1;
  }
  if (transport_->is_open())
    transport_->close();
}

void Bridge::on_readable() {
  auto bytes = transport_->read_available();
  if (!bytes) {
    close_transport();
    session_.on_transport_failed(loop_.now(), bytes.error().message);
  } else if (!bytes->empty()) {
    session_.on_bytes(*bytes, loop_.now());
  }
  handle_session_actions();
  handle_reader_actions();
  process();
}

void Bridge::handle_session_actions() {
  // Actions can lead to more actions (a write that fails reports back); drain until quiet.
  for (int guard = 0; guard < 64; ++guard) {
    auto actions = session_.take_actions();
    if (actions.empty())
      return;
    for (auto& action : actions) {
      std::visit(
          [&](auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, wisun::WriteBytes>) {
              if (!transport_->is_open())
                return;
              if (auto written = transport_->write_all(a.bytes); !written) {
                close_transport();
                session_.on_transport_failed(loop_.now(), written.error().message);
              }
            } else if constexpr (std::is_same_v<T, wisun::OpenTransport>) {
              open_transport();
            } else if constexpr (std::is_same_v<T, wisun::CloseTransport>) {
              close_transport();
            } else if constexpr (std::is_same_v<T, wisun::FrameReceived>) {
              reader_.on_frame(a.payload, loop_.now());
            } else if constexpr (std::is_same_v<T, wisun::StateChanged>) {
              const bool up = a.state == wisun::LinkState::joined ||
                              a.state == wisun::LinkState::reauthenticating;
              if (up && !link_up_) {
                link_up_ = true;
                reader_.on_link_up(loop_.now());
              } else if (!up && link_up_) {
                link_up_ = false;
                reader_.on_link_down(loop_.now());
              }
              if (a.state == wisun::LinkState::closed || a.state == wisun::LinkState::scanning ||
                  a.state == wisun::LinkState::waiting) {
                publish_availability(false);
              }
              publish_info();
            } else if constexpr (std::is_same_v<T, wisun::SavePan>) {
              save_pan(a.pan);
            } else if constexpr (std::is_same_v<T, wisun::ForgetPan>) {
              forget_pan();
            } else if constexpr (std::is_same_v<T, wisun::LinkEvent>) {
              publish_event(a.type, a.detail);
            } else if constexpr (std::is_same_v<T, wisun::LogMessage>) {
              log(a.level, a.text);
            }
          },
          action);
    }
  }
}

void Bridge::handle_reader_actions() {
  for (int guard = 0; guard < 64; ++guard) {
    auto actions = reader_.take_actions();
    if (actions.empty())
      return;
    // Discovery waits for the whole batch: the identity answer also carries E8, which tells
    // whether a T phase exists, so no entity is announced and then removed again.
    bool discovery_due = false;
    for (auto& action : actions) {
      std::visit(
          [&](auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, meter::SendFrame>) {
              session_.send_frame(std::move(a.frame), loop_.now());
            } else if constexpr (std::is_same_v<T, meter::ValuesUpdated>) {
              if (a.values.current_r_a && !a.values.current_t_a && !single_phase_) {
                single_phase_ = true;  // E8 without a T phase: single-phase two-wire
                discovery_due = true;
              }
              values_.merge(a.values);
              last_seen_ = local_iso8601_now();
              last_reading_at_ = loop_.now();
              publish_state();
              answer_pending_gets(a.values);
            } else if constexpr (std::is_same_v<T, meter::IdentityRead>) {
              publish_info();
              publish_devices();
              discovery_due = true;
            } else if constexpr (std::is_same_v<T, meter::MeterUnresponsive>) {
              publish_availability(false);
              session_.report_meter_unresponsive(loop_.now());
            } else if constexpr (std::is_same_v<T, meter::MeterAlive>) {
              publish_availability(true);
              session_.report_meter_alive(loop_.now());
            } else if constexpr (std::is_same_v<T, meter::RawReply>) {
              for (auto it = pending_raw_.begin(); it != pending_raw_.end(); ++it) {
                if (it->id != a.request_id)
                  continue;
                if (a.frame) {
                  json props = json::object();
                  for (const auto& p : a.frame->properties)
                    props[epc_key(p.epc)] = to_hex(p.edt);
                  json data = {{"esv", epc_key(a.frame->esv)}, {"properties", props}};
                  respond(topic("bridge/response/echonet"), it->transaction,
                          !echonet::is_failure_esv(a.frame->esv), data,
                          echonet::is_failure_esv(a.frame->esv)
                              ? "the device answered " + echonet::esv_name(a.frame->esv)
                              : "");
                } else {
                  respond(topic("bridge/response/echonet"), it->transaction, false, json::object(),
                          "timeout");
                }
                pending_raw_.erase(it);
                break;
              }
            } else if constexpr (std::is_same_v<T, meter::ReaderLog>) {
              log(a.level, "meter: " + a.text);
            }
          },
          action);
    }
    if (discovery_due)
      publish_discovery(false);
    handle_session_actions();
  }
}

// ---- MQTT requests -----------------------------------------------------------------------------

void Bridge::handle_message(const mqtt::Message& msg) {
  if (!config_.mqtt.discovery_prefix.empty() &&
      msg.topic == config_.mqtt.discovery_prefix + "/status") {
    if (msg.payload == "online") {
      log(Level::info, "Home Assistant came online; publishing discovery and states again");
      publish_online_state();
    }
    return;
  }
  if (msg.topic.starts_with(topic("bridge/request/"))) {
    handle_bridge_request(msg);
    return;
  }
  if (msg.payload.size() > kMaxRequestBytes) {
    log(Level::warning, "dropped an oversized request on " + msg.topic + " (" +
                            std::to_string(msg.payload.size()) + " bytes)");
    respond(msg.topic.substr(0, msg.topic.size() - 4) + "/response", nullptr, false, json::object(),
            "request too large");
    return;
  }
  // <base>/<device>/get or <base>/<device>/set
  const std::string prefix = config_.mqtt.base_topic + "/";
  if (msg.topic.starts_with(prefix) && msg.topic.size() > prefix.size() + 4) {
    const std::string rest = msg.topic.substr(prefix.size());
    const std::string device = rest.substr(0, rest.size() - 4);
    const std::string verb = rest.substr(rest.size() - 3);
    if (device.find('/') == std::string::npos && (verb == "get" || verb == "set") &&
        rest[rest.size() - 4] == '/') {
      handle_device_request(device, verb, msg.payload);
    }
  }
}

void Bridge::handle_device_request(const std::string& device, const std::string& verb,
                                   const std::string& payload) {
  if (config_.meter.enabled && device == config_.meter.name) {
    verb == "get" ? handle_get(payload) : handle_set(payload);
    return;
  }
  const std::string reply_topic = topic(device + "/response");
  if (!lan_ || !lan_->has_device(device)) {
    if (device == "bridge")
      return;
    log(Level::warning, verb + " request for an unknown device: " + device);
    respond(reply_topic, nullptr, false, json::object(), "unknown device: " + device);
    return;
  }
  json request = json::parse(payload.empty() ? "{}" : payload, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    log(Level::warning, verb + " request for " + device + " is not a JSON object; ignored");
    respond(reply_topic, nullptr, false, json::object(), "request must be a JSON object");
    return;
  }
  if (request.contains("transaction") && !request["transaction"].is_string() &&
      !request["transaction"].is_number()) {
    respond(reply_topic, nullptr, false, json::object(),
            "\"transaction\" must be a string or a number");
    return;
  }
  verb == "get" ? lan_->handle_get(device, request) : lan_->handle_set(device, request);
}

void Bridge::handle_get(const std::string& payload) {
  const std::string reply_topic = meter_topic("response");
  json request = json::parse(payload.empty() ? "{}" : payload, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    log(Level::warning, "get request is not a JSON object; ignored");
    respond(reply_topic, nullptr, false, json::object(), "request must be a JSON object");
    return;
  }
  json transaction = request.contains("transaction") ? request["transaction"] : json();
  if (!transaction.is_null() && !transaction.is_string() && !transaction.is_number()) {
    log(Level::warning, "get request has a transaction that is not a string or number");
    respond(reply_topic, nullptr, false, json::object(),
            "\"transaction\" must be a string or a number");
    return;
  }
  std::vector<std::uint8_t> epcs;
  std::vector<std::string> keys;
  for (auto& [key, value] : request.items()) {
    if (key == "transaction")
      continue;
    auto epc = epc_for_key(key);
    if (!epc) {
      log(Level::warning, "get request names an unknown value: " + key);
      respond(reply_topic, transaction, false, json::object(), "unknown value: " + key);
      return;
    }
    if (!value.is_string() && !value.is_null()) {
      log(Level::warning, "get request: the value of " + key + " must be \"\"");
      respond(reply_topic, transaction, false, json::object(),
              "the value of " + key + " must be \"\"");
      return;
    }
    keys.push_back(key);
    if (std::find(epcs.begin(), epcs.end(), *epc) == epcs.end())
      epcs.push_back(*epc);
  }
  if (!link_up_) {
    respond(reply_topic, transaction, false, json::object(), "the meter is not connected");
    return;
  }
  if (epcs.empty()) {
    reader_.request_all(loop_.now());
  } else {
    reader_.request_epcs(epcs, loop_.now());
  }
  if (!transaction.is_null()) {
    pending_gets_.push_back(PendingGet{transaction, std::move(keys), loop_.now() + seconds(60)});
  }
}

void Bridge::answer_pending_gets(const meter::MeterValues& update) {
  if (pending_gets_.empty())
    return;
  const int decimals = energy_decimals(reader_.identity());
  const json arrived = values_to_json(update, decimals);
  const json current = values_to_json(values_, decimals);
  for (auto it = pending_gets_.begin(); it != pending_gets_.end();) {
    bool covered =
        it->keys.empty() || std::any_of(it->keys.begin(), it->keys.end(),
                                        [&](const std::string& k) { return arrived.contains(k); });
    if (!covered) {
      ++it;
      continue;
    }
    json data = json::object();
    if (it->keys.empty()) {
      data = current;
    } else {
      for (const auto& k : it->keys) {
        if (current.contains(k))
          data[k] = current[k];
      }
    }
    respond(meter_topic("response"), it->transaction, true, data, "");
    it = pending_gets_.erase(it);
  }
}

void Bridge::handle_set(const std::string& payload) {
  json request = json::parse(payload, nullptr, false);
  json transaction =
      (!request.is_discarded() && request.is_object() && request.contains("transaction"))
          ? request["transaction"]
          : json();
  log(Level::warning, "set request for the smart meter ignored: it has no writable values");
  respond(meter_topic("response"), transaction, false, json::object(),
          "the smart meter has no writable values");
}

void Bridge::handle_raw_request(const std::string& payload) {
  const std::string reply_topic = topic("bridge/response/echonet");
  json request = json::parse(payload, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    log(Level::warning, "raw ECHONET request is not a JSON object");
    respond(reply_topic, nullptr, false, json::object(), "request must be a JSON object");
    return;
  }
  json transaction = request.contains("transaction") ? request["transaction"] : json();
  auto reject = [&](const std::string& why) {
    log(Level::warning, "raw ECHONET request rejected: " + why);
    respond(reply_topic, transaction, false, json::object(), why);
  };
  for (auto& [key, value] : request.items()) {
    if (key != "transaction" && key != "device" && key != "address" && key != "eoj" &&
        key != "esv" && key != "properties") {
      return reject("unknown key: " + key);
    }
  }
  const bool for_meter = request.contains("device") && request["device"].is_string() &&
                         request["device"].get<std::string>() == config_.meter.name;
  if (!for_meter && lan_ && lan_->handle_raw(request))
    return;
  if (!request.contains("device") || !request["device"].is_string()) {
    return reject(lan_ ? "\"device\" or \"address\" must name a target"
                       : "\"device\" must name a device");
  }
  if (!for_meter) {
    return reject("unknown device: " + request["device"].get<std::string>());
  }
  auto parsed = parse_raw_frame(request);
  if (!parsed)
    return reject(parsed.error());
  echonet::Frame frame = std::move(*parsed);
  if (frame.esv == echonet::esv::set_i) {
    // SetI gets no answer when it works.
    reader_.submit_raw("seti", frame, loop_.now());
    respond(reply_topic, transaction, true, json::object(), "");
    return;
  }
  const std::string id = "raw-" + std::to_string(++raw_counter_);
  pending_raw_.push_back(PendingRaw{id, transaction});
  reader_.submit_raw(id, std::move(frame), loop_.now());
}

void Bridge::respond(const std::string& reply_topic, const nlohmann::json& transaction, bool ok,
                     const nlohmann::json& data, const std::string& error) {
  publish(reply_topic, response_envelope(transaction, ok, data, error).dump(), false);
}

// ---- publishing --------------------------------------------------------------------------------

void Bridge::publish(const std::string& t, const std::string& payload, bool retain, int qos) {
  mqtt_->publish(mqtt::Message{t, payload, qos, retain});
}

void Bridge::publish_online_state() {
  publish(topic("bridge/state"), R"({"state":"online"})", true);
  last_info_.clear();
  publish_info();
  publish_devices();
  publish_bridge_discovery(true);  // first: the meter and the appliances name it as via_device
  publish_discovery(true);
  if (lan_)
    lan_->republish();
  if (!values_.empty())
    publish_state();
  publish_availability(meter_online_, true);
}

void Bridge::publish_state() {
  json j = values_to_json(values_, energy_decimals(reader_.identity()));
  if (!last_seen_.empty())
    j["last_seen"] = last_seen_;
  publish(meter_topic(), j.dump(), config_.mqtt.retain);
}

void Bridge::publish_availability(bool online, bool force) {
  if (!config_.meter.enabled)
    return;
  const bool changed = online != meter_online_;
  meter_online_ = online;
  if (!changed && !force)
    return;
  if (changed)
    log(Level::info, std::string("meter is ") + (online ? "online" : "offline"));
  publish(meter_topic("availability"), online ? R"({"state":"online"})" : R"({"state":"offline"})",
          true);
}

void Bridge::publish_info() {
  std::string payload = info_json().dump();
  if (payload == last_info_)
    return;  // state changes often repeat the same information
  last_info_ = std::move(payload);
  publish(topic("bridge/info"), last_info_, true);
}

json Bridge::info_json() const {
  const auto& link = session_.status();
  json info = {{"version", kVersion}};
  json meter = {{"name", config_.meter.name},
                {"device", config_.meter.device},
                {"state", std::string(wisun::to_string(link.state))}};
  if (link.dialect)
    meter["dialect"] = std::string(wisun::to_string(*link.dialect));
  if (!link.firmware.empty())
    meter["firmware"] = link.firmware;
  if (link.pan) {
    char channel[8], pan_id[8];
    std::snprintf(channel, sizeof channel, "0x%02X", link.pan->channel);
    std::snprintf(pan_id, sizeof pan_id, "%04X", link.pan->pan_id);
    meter["channel"] = channel;
    meter["pan_id"] = pan_id;
  }
  if (link.rssi_dbm)
    meter["rssi_dbm"] = std::round(*link.rssi_dbm);
  if (!link.last_error.empty())
    meter["last_error"] = link.last_error;
  const auto& id = reader_.identity();
  if (id.manufacturer_code) {
    char code[12];
    std::snprintf(code, sizeof code, "0x%06X", *id.manufacturer_code);
    meter["manufacturer"] = code;
  }
  if (!id.serial_number.empty())
    meter["serial_number"] = id.serial_number;
  if (!id.release.empty())
    meter["release"] = id.release;
  if (config_.meter.enabled)
    info["meter"] = meter;
  info["config"] = {{"base_topic", config_.mqtt.base_topic},
                    {"discovery_prefix", config_.mqtt.discovery_prefix},
                    {"instant_interval", config_.meter.instant_interval},
                    {"energy_interval", config_.meter.energy_interval},
                    {"lan_enabled", config_.lan.enabled}};
  return info;
}

void Bridge::publish_discovery(bool force) {
  if (config_.mqtt.discovery_prefix.empty() || !config_.meter.enabled)
    return;
  const auto& id = reader_.identity();
  if (!id.complete())
    return;  // the unique ids need the meter's identity
  ha::MeterDevice device;
  device.name = config_.meter.name;
  device.manufacturer_code = id.manufacturer_code;
  device.serial_number = id.serial_number;
  device.release = id.release;
  device.firmware = session_.status().firmware;
  device.has_current_t = !single_phase_;
  device.has_export = id.supports(0xE3);
  auto messages = ha::meter_discovery(
      ha::BridgeTopics{config_.mqtt.base_topic, config_.mqtt.discovery_prefix}, device, kVersion,
      ha::language_from(config_.mqtt.discovery_language).value_or(ha::Language::en));
  if (!force && messages == discovery_)
    return;
  // Entities that no longer exist (another meter, a phase that is not there) are removed.
  for (const auto& removal : ha::removals(discovery_, messages)) {
    publish(removal.topic, "", true);
  }
  for (const auto& m : messages)
    publish(m.topic, m.payload, true);
  if (messages != discovery_) {
    log(Level::info,
        "published Home Assistant discovery for " + std::to_string(messages.size()) + " entities");
  }
  discovery_ = std::move(messages);
  save_discovery_topics();
}

void Bridge::load_discovery_topics() {
  discovery_ = load_announced(config_.meter.state_dir, kDiscoveryFile);
  bridge_discovery_ = load_announced(config_.meter.state_dir, kBridgeDiscoveryFile);
}

void Bridge::save_discovery_topics() {
  save_announced(config_.meter.state_dir, kDiscoveryFile, discovery_);
}

void Bridge::publish_devices() {
  json devices = json::array();
  if (config_.meter.enabled) {
    const auto& id = reader_.identity();
    json get = json::array();
    for (std::uint8_t epc : id.get_map)
      get.push_back(epc_key(epc));
    json meter = {{"id", config_.meter.name},
                  {"type", "smart_meter"},
                  {"eoj", "0x028801"},
                  {"class", "low_voltage_smart_electric_energy_meter"},
                  {"properties", {{"get", get}, {"set", json::array()}, {"inf", json::array()}}}};
    if (const auto& pan = session_.status().pan; pan && !pan->ipv6.empty()) {
      meter["address"] = pan->ipv6;
    }
    if (id.manufacturer_code) {
      char code[12];
      std::snprintf(code, sizeof code, "0x%06X", *id.manufacturer_code);
      meter["manufacturer"] = code;
    }
    if (!id.serial_number.empty())
      meter["serial_number"] = id.serial_number;
    devices.push_back(meter);
  }
  if (lan_) {
    for (auto& entry : lan_->devices_json())
      devices.push_back(std::move(entry));
  }
  publish(topic("bridge/devices"), devices.dump(), true);
}

void Bridge::publish_event(const std::string& type, const std::string& detail) {
  json event = {{"type", type}, {"device", config_.meter.name}};
  if (!detail.empty())
    event["detail"] = detail;
  publish(topic("bridge/event"), event.dump(), false);
}

// ---- PAN cache ---------------------------------------------------------------------------------

void Bridge::save_pan(const wisun::PanInfo& pan) {
  std::error_code ec;
  std::filesystem::create_directories(config_.meter.state_dir, ec);
  const auto path = pan_cache_path(config_);
  const auto temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << wisun::serialize_pan(pan);
    if (!out) {
      log(Level::warning,
          "could not write the PAN cache " + path.string() + "; the next start will scan again");
      return;
    }
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    log(Level::warning, "could not write the PAN cache " + path.string() + ": " + ec.message());
    return;
  }
  log(Level::debug, "saved the PAN cache " + path.string());
}

void Bridge::forget_pan() {
  std::error_code ec;
  if (std::filesystem::remove(pan_cache_path(config_), ec)) {
    log(Level::info, "forgot the cached PAN; the meter will be scanned for");
  }
}

}  // namespace hems::app
