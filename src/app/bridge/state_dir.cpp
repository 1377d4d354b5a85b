#include "hems/app/state_dir.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hems/app/health.hpp"
#include "hems/io/state_file.hpp"

namespace hems::app {
namespace {

constexpr const char* kPanCacheFile = "pan-cache";
constexpr const char* kHistoryProgressFile = "history-published-through";

}  // namespace

StateDir::StateDir(const Config& config) : config_(config) {}

std::string StateDir::pan_cache_path() const {
  return (std::filesystem::path(config_.meter.state_dir) / kPanCacheFile).string();
}

std::optional<wisun::PanInfo> StateDir::load_pan(std::string& warning) const {
  std::ifstream in(pan_cache_path());
  if (!in) {
    std::error_code ec;
    if (std::filesystem::exists(pan_cache_path(), ec))
      warning = "cannot read the PAN cache " + pan_cache_path() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto pan = wisun::parse_pan(text.str());
  if (!pan) {
    warning = "ignoring the PAN cache " + pan_cache_path() + ": " + pan.error().message;
    return std::nullopt;
  }
  return *pan;
}

std::optional<std::string> StateDir::save_pan(const wisun::PanInfo& pan) const {
  return save(kPanCacheFile, wisun::serialize_pan(pan));
}

std::optional<std::string> StateDir::save(std::string_view file, const std::string& content) const {
  const std::filesystem::path dir(config_.meter.state_dir);
  if (auto made = io::make_private_dir(dir); !made)
    return made.error().message;
  if (auto written = io::write_file_atomically(dir / file, content); !written)
    return written.error().message;
  return std::nullopt;
}

std::string StateDir::history_progress_path() const {
  return (std::filesystem::path(config_.meter.state_dir) / kHistoryProgressFile).string();
}

std::optional<meter::MeterTime> StateDir::load_history_progress(std::string& warning) const {
  std::ifstream in(history_progress_path());
  if (!in) {
    std::error_code ec;
    if (std::filesystem::exists(history_progress_path(), ec)) {
      warning = "cannot read " + history_progress_path() + ": " + std::strerror(errno) +
                "; missed half-hours are not read back this time";
    }
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  auto at = meter::parse_iso8601(line);
  if (!at) {
    warning = "ignoring " + history_progress_path() +
              " (not a time like 2026-05-20T14:00:00); missed half-hours are not read back "
              "this time";
  }
  return at;
}

std::optional<std::string> StateDir::save_history_progress(
    meter::MeterTime published_through) const {
  std::string content = meter::to_iso8601(published_through);
  content += '\n';
  return save(kHistoryProgressFile, content);
}

bool StateDir::forget_pan() const {
  std::error_code ec;
  return std::filesystem::remove(pan_cache_path(), ec);
}

std::vector<ha::DiscoveryMessage> StateDir::load_announced(std::string_view file) const {
  std::vector<ha::DiscoveryMessage> out;
  std::ifstream in(std::filesystem::path(config_.meter.state_dir) / file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty())
      out.push_back(ha::DiscoveryMessage{line, "{}"});
  }
  return out;
}

std::optional<std::string> StateDir::save_announced(
    std::string_view file, const std::vector<ha::DiscoveryMessage>& messages) const {
  std::string content;
  for (const auto& m : messages) {
    content += m.topic;
    content += '\n';
  }
  return save(file, content);
}

std::string StateDir::path_of(std::string_view file) const {
  return (std::filesystem::path(config_.meter.state_dir) / file).string();
}

void StateDir::touch_heartbeat() const {
  touch_health_file(config_);
}

void StateDir::remove_heartbeat() const {
  remove_health_file(config_);
}

}  // namespace hems::app
