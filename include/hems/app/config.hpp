#pragma once

// The daemon's configuration: a TOML file plus HEMS2MQTT_<SECTION>_<KEY> environment overrides.
// The section and key names are part of the product's stable interface (see the design notes).

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hems::app {

struct MqttConfig {
  std::string server = "mqtt://127.0.0.1:1883";  // mqtt:// or mqtts://
  std::string base_topic = "hems2mqtt";
  std::string discovery_prefix = "homeassistant";  // "" turns Home Assistant discovery off
  std::string discovery_language = "en";           // Home Assistant entity names: en | ja
  std::string client_id;  // "" = one made per instance and kept in state_dir (ClientIdentity)
  std::string username;
  std::string password;       // after loading: the secret itself, also when read from a file
  std::string password_file;  // path the password was read from ("" when given inline)
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  int keepalive = 60;  // seconds
  bool retain = true;
};

struct MeterConfig {
  bool enabled = true;
  std::string name = "smart_meter";   // the meter's device id in topics
  std::string device = "/dev/wisun";  // tty, pty path, or tcp://host:port
  std::string dialect = "auto";       // auto | bp35a1 | bp35c0
  std::string id;                     // B-route ID (secret), 32 hex characters
  std::string id_file;                // path the ID was read from ("" when given inline)
  std::string password;               // B-route password (secret), 12 characters
  std::string password_file;          // path the password was read from
  std::string state_dir = "/var/lib/hems2mqtt";
  int instant_interval = 10;     // seconds between reads of E7/E8
  int energy_interval = 60;      // seconds between reads of E0/E3
  int scan_duration_max = 8;     // largest SKSCAN DURATION tried when the meter is not found
  double response_timeout = 12;  // seconds to wait for the meter's answer before a resend
  int request_tries = 3;         // sends of one request before it counts as unanswered
};

struct LanConfig {
  bool enabled = false;
  std::string interface;  // NIC name or local address; "" = every multicast-capable NIC
  bool ipv6 = true;
  std::vector<std::string> hosts;  // extra nodes probed by unicast
  int poll_interval = 60;          // seconds
  double timeout = 1;  // seconds to wait for an answer until the node's round trip is measured
  std::map<std::string, std::string> names;  // "<uid or address>/<eoj>" -> friendly id
  // "<device or class>/<property>" patterns a set may change (allow_set.hpp); nullopt (the key is
  // absent): what the Home Assistant entities control.
  std::optional<std::vector<std::string>> allow_set;
};

struct HttpConfig {
  // "host:port" or "[IPv6]:port" where /metrics and /health are served; "" = off.
  std::string listen;
};

struct LogConfig {
  std::string level = "info";  // error | warning | info | debug | trace
};

// One thing wrong with the configuration, located as precisely as we know.
struct ConfigProblem {
  std::string path;  // the config file
  int line = 0;      // 1-based; 0 when the problem has no line (environment, missing file)
  std::string message;

  // "PATH:LINE: message", or "PATH: message" when the line is unknown.
  std::string to_string() const;
};

struct Config {
  MqttConfig mqtt;
  MeterConfig meter;
  LanConfig lan;
  HttpConfig http;
  LogConfig log;
  std::string source_path;
  // Accepted but questionable settings (e.g. instant_interval under 10 s); not errors.
  std::vector<ConfigProblem> warnings;
};

// Loads `path`, applies the HEMS2MQTT_* overrides in `env`, reads the *_file secrets and validates
// everything. On failure returns every problem found, not just the first one.
std::expected<Config, std::vector<ConfigProblem>> load_config(
    const std::string& path, const std::map<std::string, std::string>& env);

// The HEMS2MQTT_* entries of a NULL-terminated environment block (e.g. main's envp).
std::map<std::string, std::string> environment_from(char** envp);

// The effective configuration as TOML, with every secret shown as "<redacted>".
std::string render_config(const Config& config);

}  // namespace hems::app
