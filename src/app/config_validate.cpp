#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

#include "config_steps.hpp"
#include "hems/app/allow_set.hpp"
#include "hems/http/listen_address.hpp"
#include "hems/mqtt/server_uri.hpp"

namespace hems::app::detail {
namespace {

constexpr std::array<std::string_view, 3> kDialects{"auto", "bp35a1", "bp35c0"};
constexpr std::array<std::string_view, 2> kDiscoveryLanguages{"en", "ja"};
constexpr std::array<std::string_view, 5> kLogLevels{"error", "warning", "info", "debug", "trace"};
constexpr std::size_t kRouteBIdLength = 32;
constexpr std::size_t kRouteBPasswordLength = 12;
constexpr int kRadioFriendlyInterval = 10;
constexpr int kMaxScanDuration = 14;  // SKSCAN DURATION is one hex digit, 0..E
// The placeholders in config/example.toml (and in the design notes): a config still holding them
// was copied and not edited, and would only fail minutes later, when the meter refuses the join.
constexpr std::string_view kExampleRouteBId = "00112233445566778899AABBCCDDEEFF";
constexpr std::string_view kExampleRouteBPassword = "0123456789AB";

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& choices) {
  return std::find(choices.begin(), choices.end(), value) != choices.end();
}

template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& choices) {
  std::string out;
  for (std::string_view choice : choices) {
    if (!out.empty())
      out += " | ";
    out += choice;
  }
  return out;
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

bool is_ip_address(std::string_view text) {
  std::string address(text.substr(0, text.find('%')));  // an IPv6 zone ("%eth0") is fine
  std::array<unsigned char, 16> buffer{};
  if (inet_pton(AF_INET, address.c_str(), buffer.data()) == 1)
    return true;
  return inet_pton(AF_INET6, address.c_str(), buffer.data()) == 1;
}

// Device ids become topic levels and Home Assistant object ids.
bool is_valid_device_id(std::string_view id) {
  if (id.empty())
    return false;
  return std::none_of(id.begin(), id.end(), [](unsigned char c) {
    return c == '/' || c == '+' || c == '#' || std::isspace(c) != 0 || std::iscntrl(c) != 0;
  });
}

// Names the secret for messages, saying where it was read from; never includes its value.
std::string secret_label(std::string_view name, const std::string& file) {
  std::string label(name);
  if (!file.empty())
    label += " (read from " + std::string(name) + "_file)";
  return label;
}

void validate_topic_root(std::string_view name, const std::string& topic, bool may_be_empty,
                         LoadContext& context) {
  if (topic.empty()) {
    if (!may_be_empty)
      context.error(name, std::string(name) + " must not be empty");
    return;
  }
  if (topic.find_first_of("+#") != std::string::npos) {
    context.error(name, std::string(name) + " must not contain the wildcards '+' or '#'");
  }
  if (topic.front() == '/' || topic.back() == '/') {
    context.warn(name, std::string(name) +
                           " starts or ends with '/', which makes an empty "
                           "topic level");
  }
}

void validate_mqtt(const MqttConfig& mqtt, LoadContext& context) {
  auto address = hems::mqtt::parse_server_uri(mqtt.server);
  if (!address) {
    context.error("mqtt.server", "mqtt.server '" + mqtt.server + "' " + address.error().message);
  }
  validate_topic_root("mqtt.base_topic", mqtt.base_topic, false, context);
  validate_topic_root("mqtt.discovery_prefix", mqtt.discovery_prefix, true, context);
  if (!one_of(mqtt.discovery_language, kDiscoveryLanguages)) {
    context.error("mqtt.discovery_language", "mqtt.discovery_language '" + mqtt.discovery_language +
                                                 "' is not one of " + joined(kDiscoveryLanguages));
  }
  if (mqtt.keepalive < 0 || mqtt.keepalive > 65535) {
    context.error("mqtt.keepalive", "mqtt.keepalive must be 0-65535 seconds");
  }
  const bool tls_files = !mqtt.ca_file.empty() || !mqtt.cert_file.empty() || !mqtt.key_file.empty();
  if (address && !address->tls && tls_files) {
    context.warn("mqtt.server",
                 "ca_file, cert_file and key_file are ignored with mqtt://; use mqtts://");
  }
  if (!mqtt.key_file.empty() && mqtt.cert_file.empty()) {
    context.error("mqtt.key_file", "mqtt.key_file needs mqtt.cert_file");
  }
  if (!mqtt.password.empty() && mqtt.username.empty()) {
    context.warn("mqtt.password", "mqtt.password is set but mqtt.username is empty");
  }
}

void validate_meter_secrets(const MeterConfig& meter, LoadContext& context) {
  // Messages name the key and the rule, never the value: both are secrets.
  const std::string id_label = secret_label("meter.id", meter.id_file);
  if (meter.id.empty()) {
    if (meter.enabled && meter.id_file.empty()) {
      context.error("meter.id",
                    "meter.id (or meter.id_file) is required when the meter is "
                    "enabled");
    }
  } else if (meter.id.size() != kRouteBIdLength || !is_hex(meter.id)) {
    context.error("meter.id", id_label + " must be 32 hexadecimal characters (got " +
                                  std::to_string(meter.id.size()) + " characters)");
  } else if (meter.enabled && equals_ignoring_case(meter.id, kExampleRouteBId)) {
    context.error("meter.id", id_label +
                                  " is still the example's placeholder: put in the B-route ID "
                                  "(認証ID) your power distribution company sent you");
  }
  const std::string password_label = secret_label("meter.password", meter.password_file);
  if (meter.password.empty()) {
    if (meter.enabled && meter.password_file.empty()) {
      context.error("meter.password",
                    "meter.password (or meter.password_file) is required "
                    "when the meter is enabled");
    }
  } else if (meter.password.size() != kRouteBPasswordLength) {
    context.error("meter.password", password_label + " must be 12 characters (got " +
                                        std::to_string(meter.password.size()) + ")");
  } else if (meter.enabled && meter.password == kExampleRouteBPassword) {
    context.error("meter.password", password_label +
                                        " is still the example's placeholder: put in the B-route "
                                        "password (パスワード) your power distribution company "
                                        "sent you");
  }
}

void validate_meter(const MeterConfig& meter, LoadContext& context) {
  if (!is_valid_device_id(meter.name)) {
    context.error("meter.name", "meter.name '" + meter.name +
                                    "' must be non-empty without '/', '+', '#' or spaces");
  }
  if (meter.enabled && meter.device.empty()) {
    context.error("meter.device", "meter.device must not be empty when the meter is enabled");
  }
  if (!one_of(meter.dialect, kDialects)) {
    context.error("meter.dialect",
                  "meter.dialect '" + meter.dialect + "' is not one of " + joined(kDialects));
  }
  validate_meter_secrets(meter, context);
  if (meter.state_dir.empty()) {
    context.error("meter.state_dir", "meter.state_dir must not be empty");
  }
  if (meter.instant_interval < 1) {
    context.error("meter.instant_interval",
                  "meter.instant_interval must be at least 1 second (the B-route minimum)");
  } else if (meter.instant_interval < kRadioFriendlyInterval) {
    context.warn("meter.instant_interval",
                 "meter.instant_interval under 10 seconds may exceed the radio's transmit-time "
                 "limit");
  }
  if (meter.energy_interval < meter.instant_interval) {
    context.error("meter.energy_interval",
                  "meter.energy_interval (" + std::to_string(meter.energy_interval) +
                      ") must not be shorter than meter.instant_interval (" +
                      std::to_string(meter.instant_interval) + ")");
  }
  if (meter.scan_duration_max < 0 || meter.scan_duration_max > kMaxScanDuration) {
    context.error("meter.scan_duration_max", "meter.scan_duration_max must be 0-14");
  }
  if (!(meter.response_timeout >= 1.0 && meter.response_timeout <= 120.0)) {
    context.error("meter.response_timeout", "meter.response_timeout must be 1-120 seconds");
  }
  if (meter.request_tries < 1 || meter.request_tries > 12) {
    context.error("meter.request_tries", "meter.request_tries must be 1-12");
  }
}

void validate_allow_set(const LanConfig& lan, LoadContext& context) {
  if (!lan.allow_set)
    return;
  for (const std::string& entry : *lan.allow_set) {
    auto pattern = parse_allow_pattern(entry);
    if (!pattern) {
      context.error("lan.allow_set",
                    "lan.allow_set entry '" + entry + "': " + pattern.error().message);
      continue;
    }
    // Four hex digits name a class; a device given such a name cannot be named here by it.
    if (pattern->device != AllowPattern::Device::device_class)
      continue;
    const std::string device = entry.substr(0, entry.find('/'));
    for (const auto& [node, name] : lan.names) {
      if (name != device)
        continue;
      char code[8];
      std::snprintf(code, sizeof code, "0x%04X", static_cast<unsigned>(pattern->class_code));
      context.warn("lan.allow_set", "lan.allow_set entry '" + entry + "' names the class " + code +
                                        ", not the device '" + name +
                                        "' of lan.names; give that device another name");
    }
  }
}

void validate_lan(const LanConfig& lan, LoadContext& context) {
  for (const std::string& host : lan.hosts) {
    if (!is_ip_address(host)) {
      context.error("lan.hosts", "lan.hosts entry '" + host + "' is not an IP address");
    }
  }
  if (lan.poll_interval < 1) {
    context.error("lan.poll_interval", "lan.poll_interval must be at least 1 second");
  }
  if (!(lan.timeout > 0)) {
    context.error("lan.timeout", "lan.timeout must be greater than 0 seconds");
  }
  for (const auto& [node, name] : lan.names) {
    if (node.empty())
      context.error("lan.names", "lan.names has an empty key");
    if (!is_valid_device_id(name)) {
      context.error("lan.names", "lan.names value '" + name +
                                     "' must be non-empty without '/', '+', '#' or spaces");
    }
  }
  validate_allow_set(lan, context);
}

void validate_http(const HttpConfig& config, LoadContext& context) {
  if (config.listen.empty())
    return;  // off
  if (auto address = http::parse_listen_address(config.listen); !address)
    context.error("http.listen", "http.listen " + address.error().message);
}

}  // namespace

void validate(const Config& config, LoadContext& context) {
  validate_mqtt(config.mqtt, context);
  validate_meter(config.meter, context);
  validate_lan(config.lan, context);
  validate_http(config.http, context);
  if (!one_of(config.log.level, kLogLevels)) {
    context.error("log.level",
                  "log.level '" + config.log.level + "' is not one of " + joined(kLogLevels));
  }
  if (!config.meter.enabled && !config.lan.enabled) {
    context.warn("meter.enabled",
                 "both [meter] and [lan] are disabled: nothing will be "
                 "published but the bridge state");
  }
}

}  // namespace hems::app::detail
