// The meter's half of the shell: the serial transport the B-route dongle is on, and the meter
// link's events carried out (bytes written, PAN cache kept) or presented (MQTT).

#include <ctime>

#include "hems/app/bridge.hpp"
#include "hems/app/history_presenter.hpp"
#include "hems/app/log.hpp"

namespace hems::app {
namespace {

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

}  // namespace

void Bridge::open_transport() {
  if (transport_->is_open())
    close_transport();
  auto opened = transport_->open();
  if (!opened) {
    meter_->on_transport_failed(loop_.now(), opened.error().message);
    return;
  }
  serial_fd_ = transport_->poll_fd();
  loop_.watch_fd(serial_fd_, [this] { on_serial_readable(); });
  log(Level::info, "opened " + transport_->description());
  meter_->on_transport_opened(loop_.now());
}

void Bridge::close_transport() {
  if (serial_fd_ >= 0) {
    loop_.unwatch_fd(serial_fd_);
    serial_fd_ = -1;
  }
  if (transport_->is_open())
    transport_->close();
}

void Bridge::on_serial_readable() {
  auto bytes = transport_->read_available();
  if (!bytes) {
    close_transport();
    meter_->on_transport_failed(loop_.now(), bytes.error().message);
  } else if (!bytes->empty()) {
    meter_->on_bytes(*bytes, loop_.now());
  }
  settle();
}

MeterView Bridge::meter_view() const {
  return MeterView{meter_->status(), meter_->identity(), meter_->values(), meter_->single_phase()};
}

void Bridge::on_meter_event(MeterEvent& event) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, meter_link::WriteBytes>) {
          if (!transport_->is_open())
            return;
          if (auto written = transport_->write_all(e.bytes); !written) {
            close_transport();
            meter_->on_transport_failed(loop_.now(), written.error().message);
          }
        } else if constexpr (std::is_same_v<T, meter_link::OpenTransport>) {
          open_transport();
        } else if constexpr (std::is_same_v<T, meter_link::CloseTransport>) {
          close_transport();
        } else if constexpr (std::is_same_v<T, meter_link::SavePan>) {
          if (auto error = state_.save_pan(e.pan)) {
            log(Level::warning, "could not write the PAN cache " + state_.pan_cache_path() + ": " +
                                    *error + "; the next start will scan again");
          } else {
            log(Level::debug, "saved the PAN cache " + state_.pan_cache_path());
          }
        } else if constexpr (std::is_same_v<T, meter_link::ForgetPan>) {
          if (state_.forget_pan())
            log(Level::info, "forgot the cached PAN; the meter will be scanned for");
        } else if constexpr (std::is_same_v<T, meter_link::LinkChanged>) {
          publish_info();
        } else if constexpr (std::is_same_v<T, meter_link::AvailabilityChanged>) {
          log(Level::info, std::string("meter is ") + (e.online ? "online" : "offline"));
          publish_meter_availability();
        } else if constexpr (std::is_same_v<T, meter_link::ValuesRead>) {
          last_seen_ = local_iso8601_now();
          publish_meter_state(e.values);
          metrics_.count_reading(e.update);
        } else if constexpr (std::is_same_v<T, meter_link::IdentityRead>) {
          publish_info();
          publish_devices();
        } else if constexpr (std::is_same_v<T, meter_link::DiscoveryDue>) {
          publish_meter_discovery(false);
        } else if constexpr (std::is_same_v<T, meter_link::LinkEvent>) {
          publish(link_event_message(config_, e.type, e.detail));
          metrics_.count_link_event(e.type);
        } else if constexpr (std::is_same_v<T, meter_link::GetAnswered>) {
          publish(response_message(meter_topic(config_, "response"), e.transaction, true,
                                   meter_get_answer(meter_view(), e.keys), ""));
        } else if constexpr (std::is_same_v<T, meter_link::GetFailed>) {
          publish(response_message(meter_topic(config_, "response"), e.transaction, false,
                                   nlohmann::json::object(), e.error));
        } else if constexpr (std::is_same_v<T, meter_link::RawAnswered>) {
          const std::string topic = base_topic(config_, "bridge/response/echonet");
          if (e.sent_only) {
            publish(response_message(topic, e.transaction, true, nlohmann::json::object(), ""));
          } else if (!e.frame) {
            publish(
                response_message(topic, e.transaction, false, nlohmann::json::object(), "timeout"));
          } else {
            const bool failed = echonet::is_failure_esv(e.frame->esv);
            publish(response_message(
                topic, e.transaction, !failed, raw_answer_data(*e.frame),
                failed ? "the device answered " + echonet::esv_name(e.frame->esv) : ""));
          }
        } else if constexpr (std::is_same_v<T, meter_link::HistoryRecovered>) {
          metrics_.history_values_backfilled += e.records.size();
          for (auto& m : history_messages(config_, e.records, meter_->identity()))
            publish(std::move(m));
        } else if constexpr (std::is_same_v<T, meter_link::HistoryLatestDay>) {
          publish(latest_day_message(config_, e.records, meter_->identity()));
        } else if constexpr (std::is_same_v<T, meter_link::HistoryProgress>) {
          if (auto error = state_.save_history_progress(e.published_through)) {
            log(Level::warning, "could not write " + state_.history_progress_path() + ": " +
                                    *error +
                                    "; after a restart, half-hours may be read back twice");
          }
        } else if constexpr (std::is_same_v<T, meter_link::HistoryAnswered>) {
          const std::string topic = base_topic(config_, "bridge/response/history");
          if (e.records) {
            publish(response_message(topic, e.transaction, true,
                                     history_records_json(*e.records, meter_->identity()), ""));
          } else {
            log(Level::warning, "bridge request history: " + e.records.error().message);
            publish(response_message(topic, e.transaction, false, nlohmann::json::object(),
                                     e.records.error().message));
          }
        } else if constexpr (std::is_same_v<T, meter_link::Log>) {
          log(e.level, e.text);
        }
      },
      event);
}

void Bridge::publish_meter_state() {
  publish_meter_state(meter_->values());
}

void Bridge::publish_meter_state(const meter::MeterValues& values) {
  const MeterView view{meter_->status(), meter_->identity(), values, meter_->single_phase()};
  publish(meter_state_message(config_, view, last_seen_));
}

void Bridge::publish_meter_availability() {
  publish(availability_message(meter_topic(config_, "availability"), meter_->online()));
}

void Bridge::publish_meter_discovery(bool force) {
  if (config_.mqtt.discovery_prefix.empty() || !meter_)
    return;
  auto messages = meter_discovery_messages(config_, meter_view());
  if (!messages)
    return;  // the unique ids need the meter's identity
  const std::size_t entities = messages->size();
  // Entities that no longer exist (another meter, a phase that is not there) are removed.
  auto update = meter_announced_.update(std::move(*messages), force);
  for (auto& m : update.messages)
    publish(std::move(m));
  if (update.changed) {
    log(Level::info,
        "published Home Assistant discovery for " + std::to_string(entities) + " entities");
    save_announced(kMeterDiscoveryFile, meter_announced_.told());
  }
}

}  // namespace hems::app
