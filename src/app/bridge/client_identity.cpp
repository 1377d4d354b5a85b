#include "hems/app/client_identity.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <utility>

#include "hems/io/state_file.hpp"

namespace hems::app {
namespace {

constexpr std::size_t kMaxHostPart = 24;
constexpr std::size_t kMaxKeptId = 128;

std::string host_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0)
    return {};
  return host.data();
}

std::string errno_text(int error) {
  return std::strerror(error);
}

// The id kept in the file, if it looks like one (printable, no spaces, not too long).
std::string read_kept_id(int fd) {
  std::string text(kMaxKeptId + 2, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  if (n <= 0)
    return {};
  text.resize(static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  const bool usable =
      !text.empty() && text.size() <= kMaxKeptId &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isgraph(c) != 0; });
  return usable ? text : std::string{};
}

bool write_kept_id(int fd, const std::string& id) {
  const std::string line = id + "\n";
  if (::ftruncate(fd, 0) != 0)
    return false;
  return ::pwrite(fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()) &&
         ::fsync(fd) == 0;
}

}  // namespace

std::string make_client_id(std::string_view host, std::string_view suffix) {
  std::string part;
  for (const char ch : host) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '.')
      break;  // the short host name is enough to recognise the machine
    if (std::isalnum(c) != 0 || c == '-')
      part += static_cast<char>(std::tolower(c));
    if (part.size() == kMaxHostPart)
      break;
  }
  std::string id = "hems2mqtt-";
  if (!part.empty())
    id += part + "-";
  return id + std::string(suffix);
}

std::string random_suffix() {
  std::random_device source;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string suffix;
  for (int i = 0; i < 6; ++i)
    suffix += "0123456789abcdef"[digit(source)];
  return suffix;
}

ClientIdentity ClientIdentity::resolve(const MqttConfig& mqtt, const std::string& state_dir) {
  ClientIdentity identity;
  if (!mqtt.client_id.empty()) {
    identity.id_ = mqtt.client_id;  // the user's choice, used as is
    return identity;
  }
  const auto path = std::filesystem::path(state_dir) / kFileName;
  auto fresh_for_this_run = [&](const std::string& why) {
    identity.id_ = make_client_id(host_name(), random_suffix());
    identity.warnings_.push_back(why + "; connecting as '" + identity.id_ +
                                 "' for this run (set [mqtt] client_id to keep one id)");
    return std::move(identity);
  };

  if (auto made = io::make_private_dir(state_dir); !made)
    return fresh_for_this_run("cannot keep the MQTT client id in " + path.string() + ": " +
                              made.error().message);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fresh_for_this_run("cannot keep the MQTT client id in " + path.string() + ": " +
                              errno_text(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string kept = read_kept_id(fd);
    ::close(fd);
    if (error != EWOULDBLOCK) {
      return fresh_for_this_run("cannot lock " + path.string() + ": " + errno_text(error));
    }
    // Another bridge runs on this state_dir and holds its id: take a neighbour of it.
    identity.id_ = (kept.empty() ? make_client_id(host_name(), random_suffix()) : kept) + "-" +
                   random_suffix();
    identity.warnings_.push_back(
        "another hems2mqtt is running with the state directory " + state_dir +
        " and uses its MQTT client id; this one connects as '" + identity.id_ +
        "'. Two bridges should not share a state directory (they would share the PAN cache): "
        "give each its own meter.state_dir");
    return identity;
  }
  identity.lock_fd_ = fd;
  identity.id_ = read_kept_id(fd);
  if (identity.id_.empty()) {
    identity.id_ = make_client_id(host_name(), random_suffix());
    if (!write_kept_id(fd, identity.id_)) {
      identity.warnings_.push_back("cannot keep the MQTT client id in " + path.string() + ": " +
                                   errno_text(errno) + "; connecting as '" + identity.id_ +
                                   "' for this run");
    }
  }
  return identity;
}

ClientIdentity::ClientIdentity(ClientIdentity&& other) noexcept
    : id_(std::move(other.id_)),
      warnings_(std::move(other.warnings_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)) {}

ClientIdentity& ClientIdentity::operator=(ClientIdentity&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0)
      ::close(lock_fd_);
    id_ = std::move(other.id_);
    warnings_ = std::move(other.warnings_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

ClientIdentity::~ClientIdentity() {
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // closing the last descriptor releases the flock
}

}  // namespace hems::app
