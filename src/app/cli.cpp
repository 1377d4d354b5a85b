#include "hems/app/cli.hpp"

#include <array>
#include <string_view>

namespace hems::app {
namespace {

constexpr std::array<std::string_view, 5> kLogLevels{"error", "warning", "info", "debug", "trace"};

bool is_log_level(std::string_view level) {
  for (std::string_view known : kLogLevels) {
    if (level == known)
      return true;
  }
  return false;
}

// Walks argv, splitting "--name=value" so options with values accept both spellings.
class ArgumentReader {
 public:
  ArgumentReader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  bool next() {
    if (index_ + 1 >= argc_)
      return false;
    ++index_;
    const std::string_view arg(argv_[index_]);
    inline_value_.reset();
    if (arg.starts_with("--")) {
      if (const std::size_t equals = arg.find('='); equals != std::string_view::npos) {
        name_ = arg.substr(0, equals);
        inline_value_ = std::string(arg.substr(equals + 1));
        return true;
      }
    }
    name_ = arg;
    return true;
  }

  std::string_view name() const { return name_; }
  bool has_inline_value() const { return inline_value_.has_value(); }

  // The option's value: after '=' or the next argument.
  std::expected<std::string, std::string> value() {
    if (inline_value_)
      return *inline_value_;
    if (index_ + 1 >= argc_) {
      return std::unexpected("option " + std::string(name_) + " needs a value");
    }
    ++index_;
    return std::string(argv_[index_]);
  }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;  // argv[0] is the program
  std::string_view name_;
  std::optional<std::string> inline_value_;
};

}  // namespace

std::expected<CliOptions, std::string> parse_command_line(
    int argc, char** argv, const std::map<std::string, std::string>& env) {
  CliOptions options;
  if (auto it = env.find("HEMS2MQTT_CONFIG"); it != env.end() && !it->second.empty()) {
    options.config_path = it->second;
  } else {
    options.config_path = kDefaultConfigPath;
  }

  ArgumentReader args(argc, argv);
  while (args.next()) {
    const std::string_view name = args.name();
    if (name == "--config" || name == "-c") {
      auto value = args.value();
      if (!value)
        return std::unexpected(value.error());
      if (value->empty())
        return std::unexpected("option --config needs a path");
      options.config_path = *value;
      continue;
    }
    if (name == "--log-level") {
      auto value = args.value();
      if (!value)
        return std::unexpected(value.error());
      if (!is_log_level(*value)) {
        return std::unexpected("--log-level must be error, warning, info, debug or trace, not '" +
                               *value + "'");
      }
      options.log_level = *value;
      continue;
    }

    bool* flag = nullptr;
    if (name == "--check-config")
      flag = &options.check_config;
    if (name == "--print-config")
      flag = &options.print_config;
    if (name == "--list-ports")
      flag = &options.list_ports;
    if (name == "--version")
      flag = &options.version;
    if (name == "--health")
      flag = &options.health;
    if (name == "--help" || name == "-h")
      flag = &options.help;
    if (flag == nullptr) {
      if (!name.starts_with("-")) {
        return std::unexpected("unexpected argument '" + std::string(name) + "' (see --help)");
      }
      return std::unexpected("unknown option '" + std::string(name) + "' (see --help)");
    }
    if (args.has_inline_value()) {
      return std::unexpected("option " + std::string(name) + " takes no value");
    }
    *flag = true;
  }
  return options;
}

std::string usage_text() {
  return "Usage: hems2mqtt [OPTIONS]\n"
         "Bridges a B-route smart meter and ECHONET Lite devices to MQTT.\n"
         "\n"
         "Options:\n"
         "  -c, --config PATH      config file (default: $HEMS2MQTT_CONFIG, else " +
         std::string(kDefaultConfigPath) +
         ")\n"
         "      --check-config     validate the config and exit (0 valid, 2 invalid)\n"
         "      --print-config     print the effective config, secrets redacted, and exit\n"
         "      --list-ports       list serial ports, marking known Wi-SUN dongles, and exit\n"
         "      --log-level LEVEL  error | warning | info | debug | trace (overrides [log])\n"
         "      --health           exit 0 when a running daemon with this config is healthy\n"
         "                         (connected to MQTT within the last 2 minutes), else 1\n"
         "      --version          print the version and exit\n"
         "  -h, --help             print this help and exit\n"
         "\n"
         "Every config key can be overridden by an environment variable\n"
         "HEMS2MQTT_<SECTION>_<KEY>, for example HEMS2MQTT_MQTT_SERVER.\n";
}

}  // namespace hems::app
