#pragma once

// What the bridge keeps between runs, in [meter] state_dir: the PAN cache (a restart joins at
// once instead of scanning), the last half-hour of the meter's history published (a restart
// reads back what it missed), the discovery topics last announced to Home Assistant (entities that
// no longer exist are removed after a restart too) and the heartbeat file the container health
// check reads. Every failure is a warning for the log, never fatal: without the files the bridge
// scans again and announces again.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/ha/types.hpp"
#include "hems/meter/meter_time.hpp"
#include "hems/wisun/pan.hpp"

namespace hems::app {

inline constexpr std::string_view kMeterDiscoveryFile = "discovery-topics";
inline constexpr std::string_view kBridgeDiscoveryFile = "bridge-discovery-topics";
inline constexpr std::string_view kLanDiscoveryFile = "lan-discovery-topics";  // every LAN device

class StateDir {
 public:
  explicit StateDir(const Config& config);

  // The cached PAN; nullopt when there is none or it cannot be read (`warning` then says why,
  // when the file exists).
  std::optional<wisun::PanInfo> load_pan(std::string& warning) const;
  // Every file is written whole (io/state_file.hpp), 0600 in a 0700 directory; a failure (full
  // or read-only disk) is returned as a message to log, and the old file stays as it was.
  std::optional<std::string> save_pan(const wisun::PanInfo& pan) const;
  bool forget_pan() const;  // true when there was a cache to remove
  std::string pan_cache_path() const;

  // The meter-clock half-hour up to which the history is published; nullopt when there is none
  // or it cannot be read (`warning` then says why).
  std::optional<meter::MeterTime> load_history_progress(std::string& warning) const;
  std::optional<std::string> save_history_progress(meter::MeterTime published_through) const;
  std::string history_progress_path() const;

  // Each topic with the placeholder payload "{}": announced before, content unknown.
  std::vector<ha::DiscoveryMessage> load_announced(std::string_view file) const;
  std::optional<std::string> save_announced(
      std::string_view file, const std::vector<ha::DiscoveryMessage>& messages) const;
  std::string path_of(std::string_view file) const;

  void touch_heartbeat() const;
  void remove_heartbeat() const;

 private:
  std::optional<std::string> save(std::string_view file, const std::string& content) const;

  const Config& config_;
};

}  // namespace hems::app
