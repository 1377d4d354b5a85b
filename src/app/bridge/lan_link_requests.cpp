// The user's requests to LAN appliances: get, set (allowed by lan.allow_set, values checked and
// encoded before anything is sent) and raw frames, and their answers when the controller reports
// them done.

#include <algorithm>
#include <cctype>

#include "hems/app/lan_appliance.hpp"
#include "hems/app/lan_link.hpp"
#include "hems/echonet/definitions.hpp"

namespace hems::app {
namespace {

using nlohmann::json;
namespace defs = echonet::defs;

// A hex string without separators; nullopt when it is not one.
std::optional<Bytes> hex_value(const json& value) {
  if (!value.is_string())
    return std::nullopt;
  std::string text = value.get<std::string>();
  if (text.starts_with("0x") || text.starts_with("0X"))
    text = text.substr(2);
  return from_hex(text);
}

std::string key_for(const std::map<std::uint8_t, std::string>& keys, std::uint8_t epc) {
  auto it = keys.find(epc);
  return it != keys.end() ? it->second : defs::hex_key(epc);
}

bool writes(std::uint8_t esv) {
  return esv == echonet::esv::set_c || esv == echonet::esv::set_i || esv == echonet::esv::set_get;
}

// IPv6 addresses may be written in either case.
bool same_address(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::vector<std::uint8_t> LanLink::default_controls(const Device& device) const {
  if (!allow_set_.uses_default())
    return {};
  return home_assistant_controls(device.info);
}

bool LanLink::may_set(const Device& device, std::uint8_t epc,
                      const std::vector<std::uint8_t>& controls) const {
  return allow_set_.allows(SetTarget{
      .device = device.info.id,
      .class_code = class_code(device.info.eoj),
      .epc = epc,
      .home_assistant_controls = std::find(controls.begin(), controls.end(), epc) != controls.end(),
  });
}

std::string LanLink::raw_set_refusal(const std::string& address,
                                     const echonet::Frame& frame) const {
  if (allow_set_.allows_everything())
    return "";
  auto it = std::find_if(devices_.begin(), devices_.end(), [&](const auto& entry) {
    const lan::DeviceInfo& info = entry.second.info;
    return info.eoj == frame.deoj && same_address(info.address, address);
  });
  if (it == devices_.end()) {
    // Not one known device (an unknown node, a multicast address, instance 0 for all of a class):
    // no pattern but "*" can say what such a set would reach.
    return std::string(kNotAllowedReason) + ": " + frame.deoj.to_string() + " at " + address +
           " is not a known device";
  }
  const Device& device = it->second;
  const auto controls = default_controls(device);
  std::string refused;
  for (const auto& property : frame.properties) {
    if (!may_set(device, property.epc, controls))
      refused += (refused.empty() ? "" : ", ") + defs::hex_key(property.epc);
  }
  if (refused.empty())
    return "";
  return std::string(kNotAllowedReason) + " on " + device.info.id + ": " + refused;
}

void LanLink::answer(const std::string& device, const json& transaction, bool ok, json data,
                     std::string error) {
  events_.emplace_back(lan_link::Answered{device.empty() ? std::nullopt : std::optional(device),
                                          transaction, ok, std::move(data), std::move(error)});
}

void LanLink::get(const std::string& id, const json& body, const json& transaction, TimePoint now) {
  const Device& device = devices_.at(id);
  const std::uint16_t cls = class_code(device.info.eoj);
  Pending pending{Pending::Kind::get, id, transaction, {}, json::object(), {}};
  std::vector<std::uint8_t> epcs;
  for (const auto& [key, value] : body.items()) {
    std::optional<std::uint8_t> epc = defs::parse_hex_key(key);
    if (!epc) {
      if (const auto* def = defs::find_property_by_name(cls, key))
        epc = def->epc;
    }
    if (!epc) {
      log(LogLevel::warning, "get for " + id + " names an unknown property: " + key);
      answer(id, transaction, false, json::object(), "unknown property: " + key);
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
  controller_.get(request_id, id, epcs, now);
  pump(now);
}

void LanLink::set(const std::string& id, const json& body, const json& transaction, TimePoint now) {
  const Device& device = devices_.at(id);
  const std::uint16_t cls = class_code(device.info.eoj);
  Pending pending{Pending::Kind::set, id, transaction, {}, json::object(), {}};
  std::string reasons;  // why values were refused before anything was sent
  std::vector<echonet::Property> props;
  auto refuse = [&](const std::string& key, const std::string& why) {
    pending.early[key] = "rejected";
    reasons += "; " + key + ": " + why;
  };
  const auto controls = default_controls(device);
  std::string not_allowed;  // the keys lan.allow_set refuses, logged once for the request
  auto allowed = [&](const std::string& key, std::uint8_t epc) {
    if (may_set(device, epc, controls))
      return true;
    refuse(key, std::string(kNotAllowedReason));
    not_allowed += (not_allowed.empty() ? "" : ", ") + key;
    return false;
  };
  for (const auto& [key, value] : body.items()) {
    if (auto epc = defs::parse_hex_key(key)) {
      if (!allowed(key, *epc))
        continue;
      auto bytes = hex_value(value);
      if (!bytes || bytes->empty()) {
        refuse(key, "not a hex string");
        log(LogLevel::warning, "set for " + id + ": " + key + " is not a hex string");
        continue;
      }
      pending.keys[*epc] = key;
      props.push_back(echonet::Property{*epc, *bytes});
      continue;
    }
    const auto* def = defs::find_property_by_name(cls, key);
    if (!def) {
      refuse(key, "unknown property");
      log(LogLevel::warning, "set for " + id + " names an unknown property: " + key);
      continue;
    }
    if (!allowed(key, def->epc))
      continue;
    const auto& writable = device.info.set_map;
    if (!writable.empty() &&
        std::find(writable.begin(), writable.end(), def->epc) == writable.end()) {
      refuse(key, "the device does not accept writes to it");
      log(LogLevel::warning, id + " does not accept writes to " + key);
      continue;
    }
    auto encoded = defs::encode_value(cls, *def, value);
    if (!encoded) {
      refuse(key, encoded.error().message);
      log(LogLevel::warning, "set " + id + " " + key + ": " + encoded.error().message);
      continue;
    }
    pending.keys[def->epc] = key;
    props.push_back(echonet::Property{def->epc, *encoded});
  }
  if (!not_allowed.empty()) {
    log(LogLevel::warning,
        std::string("set for ") + id + ": " + std::string(kNotAllowedReason) + ": " + not_allowed);
  }
  if (props.empty()) {
    std::string rejected;
    for (const auto& [k, v] : pending.early.items())
      rejected += (rejected.empty() ? "" : ", ") + k;
    answer(id, transaction, false, pending.early,
           rejected.empty() ? "nothing to set" : "rejected: " + rejected + reasons);
    return;
  }
  pending.reasons = reasons;
  const std::string request_id = "lan-set-" + std::to_string(++counter_);
  pending_[request_id] = std::move(pending);
  controller_.set(request_id, id, std::move(props), true, now);
  pump(now);
}

void LanLink::raw(const json& transaction, const std::string& address, echonet::Frame frame,
                  TimePoint now) {
  if (writes(frame.esv)) {
    if (std::string refusal = raw_set_refusal(address, frame); !refusal.empty()) {
      log(LogLevel::warning,
          std::string("raw ") + echonet::esv_name(frame.esv) + " refused: " + refusal);
      answer({}, transaction, false, json::object(), std::move(refusal));
      return;
    }
  }
  const std::string request_id = "lan-raw-" + std::to_string(++counter_);
  pending_[request_id] = Pending{Pending::Kind::raw, {}, transaction, {}, json::object(), {}};
  controller_.raw(request_id, address, std::move(frame), now);
  pump(now);
}

void LanLink::on_done(const lan::RequestDone& done, TimePoint now) {
  auto it = pending_.find(done.request_id);
  if (it == pending_.end())
    return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  switch (pending.kind) {
    case Pending::Kind::raw: {
      if (done.esv == 0) {
        answer({}, pending.transaction, false, json::object(), "timeout");
        return;
      }
      json props = json::object();
      for (const auto& [p, outcome] : done.results)
        props[defs::hex_key(p.epc)] = to_hex(p.edt);
      const bool failed = echonet::is_failure_esv(done.esv);
      answer({}, pending.transaction, !failed,
             json{{"esv", defs::hex_key(done.esv)}, {"properties", props}},
             failed ? "the device answered " + echonet::esv_name(done.esv) : "");
      return;
    }
    case Pending::Kind::get:
      on_get_done(pending, done);
      return;
    case Pending::Kind::set:
      on_set_done(pending, done, now);
      return;
  }
}

void LanLink::on_get_done(Pending& pending, const lan::RequestDone& done) {
  auto device_it = devices_.find(pending.device_id);
  json data = json::object();
  std::string missing;
  std::vector<echonet::Property> values;
  for (const auto& [p, outcome] : done.results) {
    if (outcome != lan::PropertyOutcome::accepted || p.edt.empty()) {
      missing += (missing.empty() ? "" : ", ") + key_for(pending.keys, p.epc) + " (" +
                 lan::to_string(outcome) + ")";
      continue;
    }
    values.push_back(p);
    if (device_it != devices_.end()) {
      if (auto decoded = decode(device_it->second.info, p))
        data[decoded->first] = decoded->second;
    }
  }
  if (device_it != devices_.end())
    on_properties(pending.device_id, values);
  if (pending.transaction.is_null() && missing.empty())
    return;  // a read-back after a set, or a get nobody waits for
  answer(pending.device_id, pending.transaction, missing.empty(), std::move(data),
         missing.empty() ? "" : "not read: " + missing);
}

void LanLink::on_set_done(Pending& pending, const lan::RequestDone& done, TimePoint now) {
  json data = pending.early;
  for (const auto& [p, outcome] : done.results)
    data[key_for(pending.keys, p.epc)] = lan::to_string(outcome);
  std::string not_accepted;
  for (const auto& [key, value] : data.items()) {
    if (value != "accepted")
      not_accepted += (not_accepted.empty() ? "" : ", ") + key + " " + value.get<std::string>();
  }
  // The log names what the device did not take; what was refused before sending was logged then.
  std::string device_refused;
  for (const auto& [p, outcome] : done.results) {
    if (outcome != lan::PropertyOutcome::accepted) {
      device_refused += (device_refused.empty() ? "" : ", ") + key_for(pending.keys, p.epc) + " " +
                        lan::to_string(outcome);
    }
  }
  if (!device_refused.empty())
    log(LogLevel::warning, "set on " + pending.device_id + ": " + device_refused);
  answer(pending.device_id, pending.transaction, not_accepted.empty(), std::move(data),
         not_accepted.empty() ? "" : not_accepted + pending.reasons);
  // Read back what was accepted so the state shows the device's own view.
  std::vector<std::uint8_t> readback;
  for (const auto& [p, outcome] : done.results) {
    if (outcome == lan::PropertyOutcome::accepted)
      readback.push_back(p.epc);
  }
  if (!readback.empty() && devices_.contains(pending.device_id)) {
    const std::string request_id = "lan-get-" + std::to_string(++counter_);
    pending_[request_id] =
        Pending{Pending::Kind::get, pending.device_id, json(), {}, json::object(), {}};
    controller_.get(request_id, pending.device_id, readback, now);
  }
}

}  // namespace hems::app
