#pragma once

// The command line: hems2mqtt [--config PATH] [--check-config] [--print-config] [--list-ports]
// [--log-level LEVEL] [--version] [--help]. Names are part of the product's stable interface.

#include <expected>
#include <map>
#include <optional>
#include <string>

namespace hems::app {

inline constexpr const char* kDefaultConfigPath = "/etc/hems2mqtt/config.toml";

struct CliOptions {
  std::string config_path;  // --config, else $HEMS2MQTT_CONFIG, else kDefaultConfigPath
  bool check_config = false;
  bool print_config = false;
  bool list_ports = false;
  bool version = false;
  bool health = false;  // container health check: is the heartbeat file fresh?
  bool help = false;
  std::optional<std::string> log_level;  // overrides [log] level
};

// Parses argv; `env` supplies HEMS2MQTT_CONFIG. The error is a one-line message for stderr.
std::expected<CliOptions, std::string> parse_command_line(
    int argc, char** argv, const std::map<std::string, std::string>& env);

std::string usage_text();

}  // namespace hems::app
