#pragma once

#include <filesystem>

#include "hems/app/config.hpp"

namespace hems::app {

// A running daemon refreshes this file while it is connected to the MQTT broker; the container
// health check (`hems2mqtt --health`) reads its age.
std::filesystem::path health_file(const Config& config);
inline constexpr int kHeartbeatSeconds = 30;
inline constexpr int kHealthyWithinSeconds = 120;

void touch_health_file(const Config& config);
void remove_health_file(const Config& config);
// Prints one line and returns the exit status: 0 healthy, 1 not.
int check_health(const Config& config);

}  // namespace hems::app
