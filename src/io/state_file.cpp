#include "hems/io/state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace hems::io {
namespace {

std::unexpected<Error> failed(const std::string& what, const std::filesystem::path& path,
                              int error) {
  return fail(what + " " + path.string() + ": " + std::strerror(error));
}

// A closed descriptor whatever happens on the way out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Result<void> write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return failed("cannot write", path, errno);
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Result<void> make_private_dir(const std::filesystem::path& dir) {
  if (dir.empty())
    return fail("no state directory set");
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec))
    return {};
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    if (auto parent = make_private_dir(dir.parent_path()); !parent)
      return parent;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return failed("cannot create the directory", dir, errno);
  return {};
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0)
    return failed("cannot create", temp, errno);
  // O_CREAT's mode applies only to a new file; one left by an older version keeps its own.
  ::fchmod(fd.get(), 0600);
  auto written = write_all(fd.get(), content, temp);
  if (written && ::fsync(fd.get()) != 0)
    written = failed("cannot flush", temp, errno);
  if (written && ::close(fd.release()) != 0)
    written = failed("cannot close", temp, errno);
  if (written && ::rename(temp.c_str(), path.c_str()) != 0)
    written = failed("cannot replace", path, errno);
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  // The rename itself must reach the disk too, or a power cut can bring back the old name.
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0)
    ::fsync(dir_fd.get());
  return {};
}

}  // namespace hems::io
