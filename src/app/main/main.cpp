// hems2mqtt: the command line, then one event loop running the bridge.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "hems/app/bridge.hpp"
#include "hems/app/cli.hpp"
#include "hems/app/client_identity.hpp"
#include "hems/app/config.hpp"
#include "hems/app/health.hpp"
#include "hems/app/log.hpp"
#include "hems/app/service_heartbeat.hpp"
#include "hems/app/service_notifier.hpp"
#include "hems/http/listen_address.hpp"
#include "hems/io/http_server.hpp"
#include "hems/io/known_dongles.hpp"
#include "hems/io/serial_ports.hpp"
#include "hems/io/signals.hpp"
#include "hems/io/transport.hpp"
#include "hems/mqtt/client.hpp"
#include "hems/version.hpp"

extern char** environ;

namespace {

using namespace hems;

int list_ports() {
  auto ports = io::list_serial_ports();
  if (ports.empty()) {
    std::cout << "No serial ports found. A USB Wi-SUN dongle shows up as /dev/ttyUSB* or "
                 "/dev/ttyACM*; check `dmesg` after plugging it in.\n";
    return 0;
  }
  for (const auto& port : ports) {
    std::cout << port.path;
    if (!port.stable_path.empty())
      std::cout << "  (" << port.stable_path << ")";
    if (port.usb_vid >= 0) {
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", port.usb_vid, port.usb_pid);
      std::cout << "  usb " << ids;
    }
    if (auto dongle = io::known_dongle(port.usb_vid, port.usb_pid, port.product)) {
      std::cout << "  [Wi-SUN dongle: " << *dongle << "]";
    }
    if (!port.description.empty())
      std::cout << "  " << port.description;
    std::cout << "\n";
  }
  return 0;
}

mqtt::ClientOptions mqtt_options(const app::Config& config) {
  mqtt::ClientOptions o;
  o.server_uri = config.mqtt.server;
  o.client_id = config.mqtt.client_id;
  o.username = config.mqtt.username;
  o.password = config.mqtt.password;
  o.ca_file = config.mqtt.ca_file;
  o.cert_file = config.mqtt.cert_file;
  o.key_file = config.mqtt.key_file;
  o.keepalive_s = config.mqtt.keepalive;
  o.will =
      mqtt::Message{config.mqtt.base_topic + "/bridge/state", R"({"state":"offline"})", 1, true};
  return o;
}

// The endpoint of [http] listen, answered by the bridge; nullptr when the key is empty.
Result<std::unique_ptr<io::HttpServer>> open_http(const app::Config& config, io::EventLoop& loop,
                                                  const app::Bridge& bridge) {
  if (config.http.listen.empty())
    return nullptr;
  auto address = http::parse_listen_address(config.http.listen);  // checked with the config
  if (!address)
    return fail("http.listen " + address.error().message);
  auto server = io::HttpServer::open(
      loop, io::HttpServerOptions{*address},
      [&bridge](const http::Request& request) { return bridge.serve_http(request); },
      [](LogLevel level, const std::string& text) { app::log(level, text); });
  if (server) {
    app::log(app::Level::info,
             "serving /metrics and /health on http://" + (*server)->local_address());
  }
  return server;
}

// Which of stdout and stderr systemd connected to the journal. There, log lines carry syslog
// priority prefixes instead of our own timestamps; configuration problems go to stderr (also for
// --check-config in ExecStartPre=) and are filed as errors and warnings too.
struct JournalStreams {
  bool out = false;
  bool err = false;
};

JournalStreams journal_streams() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr)
    return {};
  return {app::is_journal_stream(stream, STDOUT_FILENO),
          app::is_journal_stream(stream, STDERR_FILENO)};
}

}  // namespace

int main(int argc, char** argv) {
  const auto env = app::environment_from(environ);
  const auto journal = journal_streams();
  if (journal.out)
    app::set_log_format(app::LogFormat::journal);
  const char* const error_prefix = journal.err ? "<3>" : "";
  const char* const warning_prefix = journal.err ? "<4>" : "";
  auto cli = app::parse_command_line(argc, argv, env);
  if (!cli) {
    std::cerr << error_prefix << "hems2mqtt: " << cli.error() << "\n\n" << app::usage_text();
    return 2;
  }
  if (cli->help) {
    std::cout << app::usage_text();
    return 0;
  }
  if (cli->version) {
    std::cout << "hems2mqtt " << kVersion << "\n";
    return 0;
  }
  if (cli->list_ports)
    return list_ports();

  auto config = app::load_config(cli->config_path, env);
  if (!config) {
    for (const auto& problem : config.error())
      std::cerr << error_prefix << problem.to_string() << "\n";
    return 2;
  }
  if (cli->check_config) {
    for (const auto& warning : config->warnings)
      std::cerr << warning_prefix << warning.to_string() << "\n";
    std::cout << cli->config_path << ": configuration is valid\n";
    return 0;
  }
  if (cli->health)
    return app::check_health(*config);
  if (cli->print_config) {
    std::cout << app::render_config(*config);
    return 0;
  }

  auto level = app::level_from_string(cli->log_level.value_or(config->log.level));
  app::set_log_level(level.value_or(app::Level::info));
  for (const auto& warning : config->warnings)
    app::log(app::Level::warning, warning.to_string());

  // Held (with its lock in state_dir) for as long as the bridge runs.
  auto identity = app::ClientIdentity::resolve(config->mqtt, config->meter.state_dir);
  for (const auto& warning : identity.warnings())
    app::log(app::Level::warning, warning);
  config->mqtt.client_id = identity.id();

  auto notifier = app::make_service_notifier();
  try {
    io::EventLoop loop;
    auto client = mqtt::make_paho_client(mqtt_options(*config));
    auto transport = io::make_transport(config->meter.device);
    app::Bridge bridge(*config, loop, std::move(client), std::move(transport));
    // Before the bridge starts: a port that cannot be had stops the daemon at once, with the
    // address in the message, instead of a bridge running without the endpoint it was asked for.
    auto http_server = open_http(*config, loop, bridge);
    if (!http_server) {
      app::log(app::Level::error, http_server.error().message);
      notifier->status(http_server.error().message);
      return 1;
    }
    app::ServiceHeartbeat service(loop, *notifier, [&] { return bridge.status_summary(); });
    io::on_termination_signals(loop, [&](int signo) {
      app::log(app::Level::info, signo == SIGINT ? "interrupted" : "terminated");
      service.stopping();
      bridge.shutdown();
    });
    bridge.start();
    service.start();
    loop.run();
  } catch (const std::exception& e) {
    app::log(app::Level::error, std::string("fatal: ") + e.what());
    notifier->status(std::string("fatal: ") + e.what());
    return 1;
  }
  return 0;
}
