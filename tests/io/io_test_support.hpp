#pragma once

// Helpers shared by the io tests: bounded waiting, scratch directories and pty pairs.

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "hems/common/bytes.hpp"
#include "hems/io/transport.hpp"

namespace hems::io::testing_support {

inline constexpr std::chrono::seconds kPatience{5};

// Polls `done` until it holds or `timeout` passes; the result says which.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A fresh directory removed again at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hems-io-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr)
      path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Points `link` at `target`, replacing an existing link atomically (as udev and socat users do).
inline void point_symlink(const std::filesystem::path& link, const std::string& target) {
  const auto temporary = link.string() + ".new";
  std::filesystem::remove(temporary);
  std::filesystem::create_symlink(target, temporary);
  std::filesystem::rename(temporary, link);
}

// The master side of a pseudo-terminal, as socat or the simulator would hold it.
class PtyMaster {
 public:
  PtyMaster() {
    fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    std::array<char, 128> name{};
    if (fd_ < 0 || ::grantpt(fd_) != 0 || ::unlockpt(fd_) != 0 ||
        ::ptsname_r(fd_, name.data(), name.size()) != 0) {
      close();
      return;
    }
    slave_path_ = name.data();
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~PtyMaster() { close(); }
  PtyMaster(const PtyMaster&) = delete;
  PtyMaster& operator=(const PtyMaster&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& slave_path() const { return slave_path_; }
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  bool write(std::string_view text) {
    return ::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  // Reads until `count` bytes arrived or the patience ran out.
  std::string read(std::size_t count) {
    std::string got;
    wait_until([&] {
      std::array<char, 256> buffer{};
      const auto n = ::read(fd_, buffer.data(), std::min(buffer.size(), count - got.size()));
      if (n > 0)
        got.append(buffer.data(), static_cast<std::size_t>(n));
      return got.size() >= count;
    });
    return got;
  }

 private:
  int fd_ = -1;
  std::string slave_path_;
};

// Reads through a transport until `count` bytes arrived, an error, or the patience ran out.
inline std::string read_through(Transport& transport, std::size_t count) {
  std::string got;
  wait_until([&] {
    auto bytes = transport.read_available();
    if (!bytes)
      return true;
    got.append(bytes->begin(), bytes->end());
    return got.size() >= count;
  });
  return got;
}

// Polls read_available() until it reports the link lost; the error message, or "" if it never did.
inline std::string wait_for_link_loss(Transport& transport) {
  std::string message;
  wait_until([&] {
    auto bytes = transport.read_available();
    if (bytes)
      return false;
    message = bytes.error().message;
    return true;
  });
  return message;
}

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace hems::io::testing_support
