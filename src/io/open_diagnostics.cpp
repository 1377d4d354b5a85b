#include "hems/io/open_diagnostics.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

namespace hems::io {

namespace {

std::string user_name(uid_t uid) {
  std::array<char, 1024> buffer{};
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return "uid " + std::to_string(uid);  // common in containers without the host's passwd
}

std::string group_name(gid_t gid) {
  std::array<char, 1024> buffer{};
  group entry{};
  group* found = nullptr;
  if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->gr_name;
  }
  return "gid " + std::to_string(gid);
}

std::string mode_text(mode_t mode) {
  std::string text = S_ISCHR(mode) ? "c" : S_ISLNK(mode) ? "l" : S_ISDIR(mode) ? "d" : "-";
  constexpr std::array<mode_t, 9> kBits{S_IRUSR, S_IWUSR, S_IXUSR, S_IRGRP, S_IWGRP,
                                        S_IXGRP, S_IROTH, S_IWOTH, S_IXOTH};
  constexpr char kLetters[] = "rwxrwxrwx";
  for (std::size_t i = 0; i < kBits.size(); ++i) {
    text.push_back((mode & kBits[i]) != 0 ? kLetters[i] : '-');
  }
  return text;
}

std::string existence_note(const std::string& path) {
  std::error_code ec;
  const auto link_status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::exists(link_status))
    return "the path does not exist";
  if (std::filesystem::is_symlink(link_status)) {
    const auto target = std::filesystem::read_symlink(path, ec).string();
    if (!std::filesystem::exists(path, ec)) {
      return "it is a symlink to " + target + ", which does not exist";
    }
    return "it is a symlink to " + target;
  }
  return "the path exists";
}

// "this process runs as hems2mqtt (uid 1000) with groups hems2mqtt, dialout"
std::string process_identity() {
  const uid_t uid = ::geteuid();
  std::string text = "this process runs as " + user_name(uid) + " (uid " + std::to_string(uid) +
                     ") with groups " + group_name(::getegid());
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(0, ::getgroups(0, nullptr))));
  const int count = ::getgroups(static_cast<int>(groups.size()), groups.data());
  for (int i = 0; i < count; ++i) {
    if (groups[static_cast<std::size_t>(i)] != ::getegid()) {
      text += ", " + group_name(groups[static_cast<std::size_t>(i)]);
    }
  }
  return text;
}

}  // namespace

std::string describe_open_failure(const std::string& path, int error_number) {
  std::string text = "cannot open " + path + ": " + std::system_category().message(error_number);
  text += "; " + existence_note(path);

  switch (error_number) {
    case EACCES:
    case EPERM: {
      struct stat info {};
      if (::stat(path.c_str(), &info) == 0) {
        const std::string group = group_name(info.st_gid);
        text += " (owner " + user_name(info.st_uid) + ", group " + group + ", mode " +
                mode_text(info.st_mode) + "); " + process_identity();
        text += "; add the user to the '" + group + "' group (the serial group is usually " +
                "'dialout': sudo usermod -aG dialout $USER, then log in again), or in Docker " +
                "pass the device with --device (compose: devices:) and --group-add " + group +
                "; deploy/udev/99-wisun-dongle.rules gives known dongles a stable /dev/wisun";
      } else {
        text += "; " + process_identity() +
                "; add the user to the 'dialout' group (sudo usermod -aG dialout $USER)";
      }
      break;
    }
    case ENOENT:
    case ENODEV:
    case ENXIO:
      text +=
          "; check the dongle is plugged in (ls -l /dev/serial/by-id/), that the pty or symlink "
          "was created (socat, simulator), or in Docker that the device is passed with --device";
      break;
    case EBUSY:
      text +=
          "; another program holds the port (another hems2mqtt, a terminal program, "
          "ModemManager): stop it or tell it to leave the device alone";
      break;
    case ENOTTY:
      text += "; this is not a serial port or terminal";
      break;
    default:
      break;
  }
  return text;
}

}  // namespace hems::io
