#include "hems/app/lan_link.hpp"

#include <algorithm>

#include "hems/echonet/definitions.hpp"

namespace hems::app {
namespace {

using nlohmann::json;
namespace defs = echonet::defs;

// The controller's actions never ask for more actions of themselves, except a finished set that
// reads back what it wrote; a few rounds settle anything. More is a bug: logged, never spun on.
constexpr int kMaxPumpRounds = 64;

bool is_map_epc(std::uint8_t epc) {
  return epc == 0x9D || epc == 0x9E || epc == 0x9F;
}

}  // namespace

LanLink::LanLink(lan::ControllerConfig config, AllowSet allow_set)
    : controller_(std::move(config)), allow_set_(std::move(allow_set)) {}

void LanLink::start(TimePoint now) {
  controller_.start(now);
  pump(now);
}

void LanLink::on_datagram(const std::string& from, ByteView payload, TimePoint now) {
  controller_.on_datagram(from, payload, now);
  pump(now);
}

void LanLink::on_timer(TimePoint now) {
  controller_.on_timer(now);
  pump(now);
}

std::optional<TimePoint> LanLink::next_deadline() const {
  return controller_.next_deadline();
}

std::vector<LanEvent> LanLink::take_events() {
  std::vector<LanEvent> out;
  out.swap(events_);
  return out;
}

std::optional<std::string> LanLink::address_of(const std::string& id) const {
  auto it = devices_.find(id);
  if (it == devices_.end())
    return std::nullopt;
  return it->second.info.address;
}

LanLink::DeviceCount LanLink::device_count() const {
  DeviceCount count;
  for (const auto& [id, device] : devices_) {
    ++count.total;
    count.online += device.online ? 1 : 0;
  }
  return count;
}

void LanLink::log(LogLevel level, std::string text) {
  events_.emplace_back(lan_link::Log{level, "LAN: " + text});
}

void LanLink::pump(TimePoint now) {
  for (int round = 0; round < kMaxPumpRounds; ++round) {
    auto actions = controller_.take_actions();
    if (actions.empty())
      return;
    for (auto& action : actions) {
      std::visit(
          [&](auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, lan::SendDatagram>) {
              events_.emplace_back(std::move(a));
            } else if constexpr (std::is_same_v<T, lan::DeviceFound>) {
              on_device_found(a.device);
            } else if constexpr (std::is_same_v<T, lan::PropertiesUpdated>) {
              on_properties(a.device_id, a.properties);
            } else if constexpr (std::is_same_v<T, lan::AvailabilityChanged>) {
              auto it = devices_.find(a.device_id);
              if (it == devices_.end())
                return;
              it->second.online = a.online;
              log(LogLevel::info, a.device_id + (a.online ? " is online" : " is offline"));
              events_.emplace_back(lan_link::AvailabilityChanged{a.device_id});
            } else if constexpr (std::is_same_v<T, lan::RequestDone>) {
              on_done(a, now);
            } else if constexpr (std::is_same_v<T, lan::DiscoverySettled>) {
              events_.emplace_back(lan_link::DiscoverySettled{});
            } else if constexpr (std::is_same_v<T, lan::LanLog>) {
              log(a.level, std::move(a.text));
            }
          },
          action);
    }
  }
  log(LogLevel::error, "the controller kept asking for more work; stopped after " +
                           std::to_string(kMaxPumpRounds) + " rounds (a bug, please report it)");
}

void LanLink::on_device_found(const lan::DeviceInfo& info) {
  auto [it, added] = devices_.try_emplace(info.id);
  Device& device = it->second;
  const bool moved = !added && device.info.address != info.address;
  device.info = info;
  device.online = true;
  const auto* cls = defs::find_class(class_code(info.eoj));
  if (added) {
    log(LogLevel::debug, "found " + std::string(cls ? cls->name_en : "an unknown device class") +
                             " " + info.eoj.to_string() + " at " + info.address + " as " + info.id);
  } else if (moved) {
    log(LogLevel::info, info.id + " moved to " + info.address);
  }
  events_.emplace_back(lan_link::DeviceFound{info.id, added});
}

std::optional<std::pair<std::string, json>> LanLink::decode(const lan::DeviceInfo& info,
                                                            const echonet::Property& p) {
  const std::uint16_t cls = class_code(info.eoj);
  const auto* def = defs::find_property(cls, p.epc);
  if (!def || p.epc >= 0xF0)
    return std::pair{defs::hex_key(p.epc), json(to_hex(p.edt))};
  auto value = defs::decode_value(cls, *def, p.edt);
  if (!value) {
    log(LogLevel::warning,
        info.id + ": dropped " + std::string(def->name) + ": " + value.error().message);
    return std::nullopt;
  }
  return std::pair{std::string(def->name), std::move(*value)};
}

void LanLink::on_properties(const std::string& id, const std::vector<echonet::Property>& props) {
  auto it = devices_.find(id);
  if (it == devices_.end())
    return;
  Device& device = it->second;
  bool changed = false;
  for (const auto& p : props) {
    if (p.edt.empty() || is_map_epc(p.epc))
      continue;  // not provided (SNA), or a property map (in bridge/devices instead)
    auto decoded = decode(device.info, p);
    if (!decoded)
      continue;
    if (!device.state.contains(decoded->first) || device.state[decoded->first] != decoded->second) {
      device.state[decoded->first] = decoded->second;
      changed = true;
    }
  }
  if (changed)
    events_.emplace_back(lan_link::StateChanged{id});
}

}  // namespace hems::app
