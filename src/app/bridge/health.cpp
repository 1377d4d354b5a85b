#include "hems/app/health.hpp"

#include <chrono>
#include <fstream>
#include <iostream>

#include "hems/io/state_file.hpp"

namespace hems::app {

std::filesystem::path health_file(const Config& config) {
  return std::filesystem::path(config.meter.state_dir) / "health";
}

void touch_health_file(const Config& config) {
  std::error_code ec;
  if (!io::make_private_dir(config.meter.state_dir))
    return;  // no heartbeat then: --health-check says so
  std::ofstream(health_file(config), std::ios::trunc) << "ok\n";
  std::filesystem::last_write_time(health_file(config),
                                   std::filesystem::file_time_type::clock::now(), ec);
}

void remove_health_file(const Config& config) {
  std::error_code ec;
  std::filesystem::remove(health_file(config), ec);
}

int check_health(const Config& config) {
  const auto path = health_file(config);
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(path, ec);
  if (ec) {
    std::cout << "unhealthy: " << path.string()
              << " is missing (not running, or never connected to the MQTT broker)\n";
    return 1;
  }
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(
      std::filesystem::file_time_type::clock::now() - written);
  if (age.count() > kHealthyWithinSeconds) {
    std::cout << "unhealthy: not connected to the MQTT broker for " << age.count() << " s\n";
    return 1;
  }
  std::cout << "healthy\n";
  return 0;
}

}  // namespace hems::app
