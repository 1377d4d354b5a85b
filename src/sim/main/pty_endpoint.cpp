#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "endpoint.hpp"

namespace hems::sim {
namespace {

bool make_raw(int fd) {
  termios tio{};
  if (tcgetattr(fd, &tio) != 0)
    return false;
  cfmakeraw(&tio);
  return tcsetattr(fd, TCSANOW, &tio) == 0;
}

class PtyEndpoint final : public Endpoint {
 public:
  explicit PtyEndpoint(std::string link) : link_(std::move(link)) {}
  ~PtyEndpoint() override {
    close();
    // Leave no dangling link behind, unless someone re-pointed it meanwhile.
    char target[256] = {};
    const ssize_t n = ::readlink(link_.c_str(), target, sizeof target - 1);
    if (n > 0 && slave_path_ == std::string(target, static_cast<std::size_t>(n))) {
      ::unlink(link_.c_str());
    }
  }

  Result<std::string> open() override {
    close();
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
      return fail(std::string("posix_openpt: ") + std::strerror(errno));
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
      ::close(fd);
      return fail(std::string("grantpt/unlockpt: ") + std::strerror(errno));
    }
    const char* name = ptsname(fd);
    if (name == nullptr) {
      ::close(fd);
      return fail("ptsname failed");
    }
    slave_path_ = name;
    make_raw(fd);
    // Raw mode on the slave side too, so nothing is translated before the client sets termios.
    int slave = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY);
    if (slave >= 0) {
      make_raw(slave);
      ::close(slave);
    }
    master_ = fd;
    hung_ = true;
    ::unlink(link_.c_str());
    if (::symlink(slave_path_.c_str(), link_.c_str()) != 0) {
      return fail("symlink " + link_ + ": " + std::strerror(errno));
    }
    return "pty " + slave_path_;
  }

  void close() override {
    if (master_ >= 0)
      ::close(master_);
    master_ = -1;
    pending_.clear();
    hung_ = true;
  }

  void add_poll_fds(std::vector<pollfd>& fds) override {
    index_ = -1;
    if (master_ < 0)
      return;
    // While nobody holds the slave the master reports POLLHUP at once; skip it every other
    // round so the loop sleeps instead of spinning, and try again after max_wait_ms().
    if (hung_ && skip_next_) {
      skip_next_ = false;
      return;
    }
    index_ = static_cast<int>(fds.size());
    fds.push_back(
        pollfd{master_, static_cast<short>(POLLIN | (pending_.empty() ? 0 : POLLOUT)), 0});
  }

  EndpointEvents handle_poll(const std::vector<pollfd>& fds) override {
    EndpointEvents ev;
    if (index_ < 0 || master_ < 0)
      return ev;
    const short revents = fds[static_cast<std::size_t>(index_)].revents;
    if ((revents & POLLHUP) && !(revents & POLLIN)) {
      if (!hung_)
        ev.notes.push_back("client closed the pty");
      hung_ = true;
      skip_next_ = true;
      pending_.clear();
      return ev;
    }
    if (hung_) {
      hung_ = false;
      ev.attached = true;
    }
    if (revents & POLLIN) {
      std::uint8_t buf[4096];
      while (true) {
        ssize_t n = ::read(master_, buf, sizeof buf);
        if (n > 0) {
          ev.input.insert(ev.input.end(), buf, buf + n);
          continue;
        }
        if (n < 0 && errno == EIO) {
          hung_ = true;
          skip_next_ = true;
        }
        break;
      }
    }
    flush();
    return ev;
  }

  void write(ByteView bytes) override {
    if (master_ < 0 || hung_)
      return;
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    flush();
  }

  int max_wait_ms() const override { return hung_ ? 50 : 1000; }

 private:
  void flush() {
    while (!pending_.empty() && master_ >= 0) {
      ssize_t n = ::write(master_, pending_.data(), pending_.size());
      if (n <= 0)
        break;
      pending_.erase(pending_.begin(), pending_.begin() + n);
    }
  }

  std::string link_;
  std::string slave_path_;
  int master_ = -1;
  int index_ = -1;
  bool hung_ = true;
  bool skip_next_ = false;
  Bytes pending_;
};

}  // namespace

std::unique_ptr<Endpoint> make_pty_endpoint(std::string link) {
  return std::make_unique<PtyEndpoint>(std::move(link));
}

}  // namespace hems::sim
