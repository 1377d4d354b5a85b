#include "hems/app/state_dir.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hems/app/health.hpp"

namespace hems::app {
namespace {

constexpr const char* kPanCacheFile = "pan-cache";

}  // namespace

StateDir::StateDir(const Config& config) : config_(config) {}

std::string StateDir::pan_cache_path() const {
  return (std::filesystem::path(config_.meter.state_dir) / kPanCacheFile).string();
}

std::optional<wisun::PanInfo> StateDir::load_pan(std::string& warning) const {
  std::ifstream in(pan_cache_path());
  if (!in)
    return std::nullopt;
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
  std::error_code ec;
  std::filesystem::create_directories(config_.meter.state_dir, ec);
  const std::string path = pan_cache_path();
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << wisun::serialize_pan(pan);
    if (!out)
      return "could not write " + temp;
  }
  std::filesystem::rename(temp, path, ec);
  if (ec)
    return ec.message();
  return std::nullopt;
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

void StateDir::save_announced(std::string_view file,
                              const std::vector<ha::DiscoveryMessage>& messages) const {
  std::error_code ec;
  std::filesystem::create_directories(config_.meter.state_dir, ec);
  std::ofstream out(std::filesystem::path(config_.meter.state_dir) / file, std::ios::trunc);
  for (const auto& m : messages)
    out << m.topic << "\n";
}

void StateDir::touch_heartbeat() const {
  touch_health_file(config_);
}

void StateDir::remove_heartbeat() const {
  remove_health_file(config_);
}

}  // namespace hems::app
