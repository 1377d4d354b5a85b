#include "hems/app/bridge.hpp"

#include "hems/app/health.hpp"
#include "hems/app/link_config.hpp"
#include "hems/app/log.hpp"
#include "hems/version.hpp"

namespace hems::app {

Bridge::Bridge(Config config, io::Loop& loop, std::unique_ptr<mqtt::Client> mqtt,
               std::unique_ptr<io::Transport> transport, UdpOpener open_udp)
    : config_(std::move(config)),
      loop_(loop),
      mqtt_(std::move(mqtt)),
      transport_(std::move(transport)),
      open_udp_(std::move(open_udp)),
      state_(config_),
      heartbeat_([this](TimePoint now) { heartbeat(now); }),
      reopen_lan_([this](TimePoint now) { open_socket(now); }),
      lan_bookkeeping_([this](TimePoint) { flush_lan_bookkeeping(); }),
      meter_announced_(state_.load_announced(kMeterDiscoveryFile)),
      bridge_announced_(state_.load_announced(kBridgeDiscoveryFile)),
      lan_remembered_(state_.load_announced(kLanDiscoveryFile)) {
  if (config_.meter.enabled) {
    std::string warning;
    auto cached_pan = state_.load_pan(warning);
    if (!warning.empty())
      log(Level::warning, warning);
    meter_ = std::make_unique<MeterLink>(session_config(config_, std::move(cached_pan)),
                                         reader_config(config_));
    std::string history_warning;
    meter_->resume_history(state_.load_history_progress(history_warning));
    if (!history_warning.empty())
      log(Level::warning, history_warning);
    timed_.push_back(meter_.get());
  }
  if (config_.lan.enabled) {
    // The loop's time seeds the retry jitter: bridges started apart spread apart, and a
    // manual-time loop replays exactly.
    const auto seed = static_cast<std::uint64_t>(loop_.now().time_since_epoch().count());
    lan_ = std::make_unique<LanLink>(controller_config(config_, seed),
                                     AllowSet(config_.lan.allow_set));
    timed_.push_back(lan_.get());
    timed_.push_back(&reopen_lan_);
    timed_.push_back(&lan_bookkeeping_);
  }
  timed_.push_back(&heartbeat_);
}

Bridge::~Bridge() {
  if (mqtt_)
    mqtt_->set_handler(nullptr);
  if (timer_)
    loop_.cancel(*timer_);
  close_socket();
  if (serial_fd_ >= 0)
    loop_.unwatch_fd(serial_fd_);
}

void Bridge::start() {
  log(Level::info, std::string("hems2mqtt ") + kVersion + " starting");
  mqtt_->set_handler(this);
  // Every device's get and set: the meter's and the LAN appliances'.
  mqtt_->subscribe(base_topic(config_, "+/get"), 1);
  mqtt_->subscribe(base_topic(config_, "+/set"), 1);
  mqtt_->subscribe(base_topic(config_, "bridge/request/+"), 1);
  if (!config_.mqtt.discovery_prefix.empty())
    mqtt_->subscribe(config_.mqtt.discovery_prefix + "/status", 1);
  mqtt_->start();
  if (meter_) {
    log(Level::info, "meter: B-route dongle at " + transport_->description());
    meter_->start(loop_.now());
  }
  if (lan_)
    open_socket(loop_.now());
  settle();
}

void Bridge::shutdown() {
  if (stopping_)
    return;
  stopping_ = true;
  heartbeat_.disarm();
  state_.remove_heartbeat();
  log(Level::info, "shutting down");
  flush_lan_bookkeeping();  // what a restart needs to remember, and the last device list
  if (meter_) {
    meter_->stop(loop_.now());
    drain();  // the session's goodbye to the meter goes out before the transport closes
    publish(availability_message(meter_topic(config_, "availability"), false));
  }
  publish(mqtt::Message{base_topic(config_, "bridge/state"), R"({"state":"offline"})", 1, true});
  close_socket();
  mqtt_->stop(std::chrono::milliseconds(3000));
  close_transport();
  if (timer_)
    loop_.cancel(*timer_);
  timer_.reset();
  loop_.stop();
}

// ---- MQTT callbacks: only post into the loop --------------------------------------------------

void Bridge::on_connected() {
  loop_.post([this] {
    log(Level::info, "connected to the MQTT broker " + config_.mqtt.server + " as '" +
                         config_.mqtt.client_id + "'");
    takeover_.on_connected(loop_.now());
    mqtt_connected_ = true;
    ++metrics_.mqtt_connects;
    publish_online_state();
    heartbeat_.arm(loop_.now());
    settle();
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
    on_mqtt_message(msg);
    settle();
  });
}

// ---- the loop ----------------------------------------------------------------------------------

void Bridge::settle() {
  drain();
  const TimePoint now = loop_.now();
  for (Timed* part : timed_)
    part->on_timer(now);
  drain();
  arm_timer();
}

void Bridge::drain() {
  // Carrying out an event can give a link more input (a write that fails is reported back), so
  // this runs until both are quiet. It ends: each link settles its own work before it returns,
  // and what comes back is a transport failure, which the session answers with a timer.
  for (bool any = true; any;) {
    any = false;
    if (meter_) {
      for (auto& event : meter_->take_events()) {
        any = true;
        on_meter_event(event);
      }
    }
    if (lan_) {
      for (auto& event : lan_->take_events()) {
        any = true;
        on_lan_event(event);
      }
    }
  }
}

void Bridge::arm_timer() {
  if (stopping_)
    return;
  std::optional<TimePoint> next;
  for (const Timed* part : timed_) {
    if (auto due = part->next_deadline(); due && (!next || *due < *next))
      next = due;
  }
  if (timer_)
    loop_.cancel(*timer_);
  timer_.reset();
  if (next) {
    timer_ = loop_.call_at(*next, [this] {
      timer_.reset();
      settle();
    });
  }
}

void Bridge::heartbeat(TimePoint now) {
  if (!mqtt_connected_ || stopping_)
    return;
  state_.touch_heartbeat();
  heartbeat_.arm(now + seconds(kHeartbeatSeconds));
}

void Bridge::publish(mqtt::Message message) {
  mqtt_->publish(std::move(message));
}

// ---- requests ----------------------------------------------------------------------------------

RouterContext Bridge::router_context() const {
  RouterContext context;
  context.base_topic = config_.mqtt.base_topic;
  context.discovery_prefix = config_.mqtt.discovery_prefix;
  context.meter_name = config_.meter.name;
  context.meter_enabled = meter_ != nullptr;
  context.lan_enabled = lan_ != nullptr;
  if (lan_)
    context.lan_address = [this](const std::string& id) { return lan_->address_of(id); };
  return context;
}

void Bridge::on_mqtt_message(const mqtt::Message& msg) {
  carry_out(route_message(router_context(), msg));
}

void Bridge::carry_out(Route route) {
  const TimePoint now = loop_.now();
  std::visit(
      [&](auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, route::HomeAssistantOnline>) {
          log(Level::info, "Home Assistant came online; publishing discovery and states again");
          publish_online_state();
        } else if constexpr (std::is_same_v<T, route::Refused>) {
          if (r.log)
            log(Level::warning, "request refused (" + r.topic + "): " + r.error);
          publish(
              response_message(r.topic, r.transaction, false, nlohmann::json::object(), r.error));
        } else if constexpr (std::is_same_v<T, route::BridgeRequest>) {
          on_bridge_request(r);
        } else if constexpr (std::is_same_v<T, route::MeterGet>) {
          meter_->get(std::move(r.request), now);
        } else if constexpr (std::is_same_v<T, route::MeterRaw>) {
          meter_->raw(std::move(r.transaction), std::move(r.frame), now);
        } else if constexpr (std::is_same_v<T, route::LanGet>) {
          lan_->get(r.device, r.body, r.transaction, now);
        } else if constexpr (std::is_same_v<T, route::LanSet>) {
          lan_->set(r.device, r.body, r.transaction, now);
        } else if constexpr (std::is_same_v<T, route::LanRaw>) {
          lan_->raw(r.transaction, r.address, std::move(r.frame), now);
        }
      },
      route);
}

}  // namespace hems::app
