// The systemd notifier against a socket standing in for the service manager.
#include "hems/app/service_notifier.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>

namespace hems::app {
namespace {

using namespace std::chrono_literals;

class Notifier : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) {
      if (const char* value = std::getenv(name))
        saved_[name] = value;
      ::unsetenv(name);
    }
    char dir[] = "/tmp/hems-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  void TearDown() override {
    ::close(fd_);
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
    for (const char* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) {
      if (auto it = saved_.find(name); it != saved_.end())
        ::setenv(name, it->second.c_str(), 1);
      else
        ::unsetenv(name);
    }
  }

  // The next datagram, or nullopt after `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 5s) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
      return std::nullopt;
    char buf[1024];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0)
      return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

  std::map<std::string, std::string> saved_;
  std::string dir_, path_;
  int fd_ = -1;
};

TEST_F(Notifier, SendsEachNotificationToNotifySocket) {
  ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  auto notifier = make_service_notifier();
  ASSERT_TRUE(notifier->enabled());
  notifier->ready();
  EXPECT_EQ(receive(), "READY=1");
  notifier->alive();
  EXPECT_EQ(receive(), "WATCHDOG=1");
  notifier->status("meter joined, MQTT connected");
  EXPECT_EQ(receive(), "STATUS=meter joined, MQTT connected");
  notifier->status("two\nlines");  // would otherwise smuggle in a second field
  EXPECT_EQ(receive(), "STATUS=two lines");
  notifier->stopping();
  EXPECT_EQ(receive(), "STOPPING=1");
}

TEST_F(Notifier, WatchdogIntervalIsHalfTheManagersTimeout) {
  ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  EXPECT_EQ(make_service_notifier()->watchdog_interval(), std::optional<Duration>(15s));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(make_service_notifier()->watchdog_interval(), std::optional<Duration>(15s));
}

TEST_F(Notifier, NoWatchdogWhenNotAskedOrAskedOfAnotherProcess) {
  ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  EXPECT_EQ(make_service_notifier()->watchdog_interval(), std::nullopt);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getppid()).c_str(), 1);
  EXPECT_EQ(make_service_notifier()->watchdog_interval(), std::nullopt);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  ::setenv("WATCHDOG_USEC", "not a number", 1);
  EXPECT_EQ(make_service_notifier()->watchdog_interval(), std::nullopt);
}

// systemd may name a socket in the abstract namespace: '@' stands for the leading NUL byte.
TEST_F(Notifier, SendsToAnAbstractSocket) {
  const std::string name = "hems-notify-test-" + std::to_string(::getpid());
  const int abstract = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(abstract, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(::bind(abstract, reinterpret_cast<sockaddr*>(&addr), length), 0);
  ::setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
  make_service_notifier()->ready();
  pollfd p{abstract, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  char buf[64];
  const ssize_t n = ::recv(abstract, buf, sizeof buf, 0);
  ::close(abstract);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "READY=1");
}

// A name that is neither a path nor abstract is refused, not sent somewhere relative.
// From inside the socket's directory, so that a relative send would reach it.
TEST_F(Notifier, RelativeSocketNameSendsNothing) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(::chdir(dir_.c_str()), 0);
  ::setenv("NOTIFY_SOCKET", "notify", 1);
  auto notifier = make_service_notifier();
  EXPECT_TRUE(notifier->enabled());
  notifier->ready();
  const auto received = receive(200ms);
  ASSERT_EQ(::chdir(cwd), 0);
  EXPECT_EQ(received, std::nullopt);
}

TEST_F(Notifier, WithoutNotifySocketNothingIsSentAndNothingIsAsked) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  auto notifier = make_service_notifier();
  EXPECT_FALSE(notifier->enabled());
  EXPECT_EQ(notifier->watchdog_interval(), std::nullopt);
  notifier->ready();
  notifier->alive();
  notifier->stopping();
  EXPECT_EQ(receive(200ms), std::nullopt);  // nothing arrived anywhere it could have
}

}  // namespace
}  // namespace hems::app
