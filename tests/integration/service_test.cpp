// hems2mqtt under a service manager, as systemd runs it: the sd_notify protocol on a datagram
// socket (READY=1, WATCHDOG=1, STATUS=, STOPPING=1) and log lines written for the journal.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <set>
#include <sstream>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

// The service manager's end of NOTIFY_SOCKET: a bound unix datagram socket, one message per
// datagram, each message one or more "KEY=value" lines.
class NotifyListener {
 public:
  explicit NotifyListener(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
      throw std::runtime_error("socket failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path)
      throw std::runtime_error("socket path too long: " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
  }
  ~NotifyListener() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::string& path() const { return path_; }

  // Receives until a line equal to `line` (or, with prefix, starting with it) arrives after index
  // `from` of the lines received so far; returns its index, nullopt at the deadline.
  std::optional<std::size_t> wait_for(const std::string& line, std::chrono::milliseconds timeout,
                                      std::size_t from = 0, bool prefix = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (std::size_t i = from;; ++i) {
      while (i >= lines_.size()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !receive(left))
          return std::nullopt;
      }
      if (prefix ? lines_[i].starts_with(line) : lines_[i] == line)
        return i;
    }
  }

  std::string all() const {
    std::string out;
    for (const auto& l : lines_)
      out += l + "\n";
    return out;
  }

 private:
  bool receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
      return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0)
      return false;
    std::istringstream message(std::string(buf, static_cast<std::size_t>(n)));
    for (std::string l; std::getline(message, l);)
      lines_.push_back(l);
    return true;
  }

  std::string path_;
  int fd_ = -1;
  std::vector<std::string> lines_;
};

class UnderServiceManager : public BridgeFixture {
 protected:
  void SetUp() override {
    // Set by systemd only for a service's own main process; none here should inherit one.
    ::unsetenv("WATCHDOG_PID");
    BridgeFixture::SetUp();
    if (HasFatalFailure())
      return;
    start_sim(SimSetup{});
    if (HasFatalFailure())
      return;
    write_config();
  }

  std::unique_ptr<ChildProcess> run_bridge(std::map<std::string, std::string> env,
                                           ChildProcess::Stdout out = ChildProcess::Stdout::file) {
    return std::make_unique<ChildProcess>(
        binary_dir() + "/src/app/hems2mqtt",
        std::vector<std::string>{"--config", dir_ + "/config.toml"}, std::move(env), out);
  }
};

TEST_F(UnderServiceManager, NotifiesReadyThenPingsTheWatchdogFromTheLoop) {
  NotifyListener manager(dir_ + "/notify");
  // systemd sets WATCHDOG_PID to the service's pid; `exec` keeps the shell's pid, so $$ is
  // exactly that. WATCHDOG_USEC=2 s: pings are due every second.
  const std::string command = "WATCHDOG_PID=$$ exec " + binary_dir() +
                              "/src/app/hems2mqtt --config " + dir_ + "/config.toml";
  bridge_ = std::make_unique<ChildProcess>(
      "/bin/sh", std::vector<std::string>{"-c", command},
      std::map<std::string, std::string>{{"NOTIFY_SOCKET", manager.path()},
                                         {"WATCHDOG_USEC", "2000000"}});

  auto ready = manager.wait_for("READY=1", 30s);
  ASSERT_TRUE(ready) << "no READY=1; received:\n" << manager.all();
  auto first = manager.wait_for("WATCHDOG=1", 15s, *ready + 1);
  ASSERT_TRUE(first) << "no WATCHDOG=1 after READY=1; received:\n" << manager.all();
  auto second = manager.wait_for("WATCHDOG=1", 15s, *first + 1);
  ASSERT_TRUE(second) << "only one WATCHDOG=1; received:\n" << manager.all();

  // The status line follows the bridge: the simulated meter joins and the broker is reached.
  EXPECT_TRUE(manager.wait_for("STATUS=meter joined and reading, MQTT connected", 60s))
      << manager.all();

  bridge_->signal(SIGTERM);
  EXPECT_TRUE(manager.wait_for("STOPPING=1", 15s)) << manager.all();
  EXPECT_EQ(bridge_->wait_exit(20s), 0);
}

TEST_F(UnderServiceManager, ANotifySocketNobodyListensOnIsLoggedOnceAndHarmless) {
  // A stale NOTIFY_SOCKET (a manual run from a shell that inherited one) must not stop the bridge
  // or flood the log with a warning per watchdog ping.
  bridge_ = run_bridge({{"NOTIFY_SOCKET", dir_ + "/nobody-listens"}, {"WATCHDOG_USEC", "500000"}});
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  ASSERT_TRUE(bridge_->wait_for_output("cannot notify the service manager", 10s))
      << bridge_->output();
  // Readings go on; by the next one several pings (every 250 ms) have failed too.
  const std::size_t from = mark();
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s, from));
  const std::string out = bridge_->output();
  const std::size_t first = out.find("cannot notify the service manager");
  EXPECT_EQ(out.find("cannot notify the service manager", first + 1), std::string::npos) << out;
  bridge_->signal(SIGTERM);
  EXPECT_EQ(bridge_->wait_exit(20s), 0);
}

// Every line of the bridge's output; the last one only if complete.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

TEST_F(UnderServiceManager, JournalLinesCarryPriorityAndNoTimestamp) {
  bridge_ = run_bridge({}, ChildProcess::Stdout::journal);
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  bridge_->signal(SIGTERM);
  ASSERT_EQ(bridge_->wait_exit(20s), 0);

  const std::regex journal_line(R"(<([3467])>(ERROR|WARN |INFO |DEBUG|TRACE) .*)");
  const std::regex timestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)");
  const auto lines = lines_of(bridge_->output());
  ASSERT_GT(lines.size(), 5u) << bridge_->output();
  std::set<std::string> priorities;
  for (const auto& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, journal_line)) << "not a journal line: " << line;
    EXPECT_FALSE(std::regex_search(line, timestamp)) << "own timestamp in: " << line;
    priorities.insert(m[1]);
    const char expected = m[2].str()[0] == 'E'   ? '3'
                          : m[2].str()[0] == 'W' ? '4'
                          : m[2].str()[0] == 'I' ? '6'
                                                 : '7';
    EXPECT_EQ(m[1].str()[0], expected) << line;
  }
  // The config asks for debug: both info and debug lines were written.
  EXPECT_TRUE(priorities.contains("6")) << bridge_->output();
  EXPECT_TRUE(priorities.contains("7")) << bridge_->output();
}

TEST_F(UnderServiceManager, JournalStreamOfAnotherFileKeepsTimestamps) {
  // Inherited from a parent whose stdout was the journal, while ours goes to a file.
  bridge_ = run_bridge({{"JOURNAL_STREAM", "1:1"}});
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  const std::regex plain_line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) .*)");
  const auto lines = lines_of(bridge_->output());
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines)
    EXPECT_TRUE(std::regex_match(line, plain_line)) << "not a plain line: " << line;
}

TEST(UnderJournal, ConfigurationErrorsAreFiledAsErrors) {
  // stderr is the same file as stdout here, as with systemd's default StandardError=inherit.
  ChildProcess bridge(binary_dir() + "/src/app/hems2mqtt",
                      {"--check-config", "--config", "/nonexistent/hems2mqtt.toml"}, {},
                      ChildProcess::Stdout::journal);
  ASSERT_EQ(bridge.wait_exit(30s), 2);
  EXPECT_TRUE(bridge.output().starts_with("<3>/nonexistent/hems2mqtt.toml: ")) << bridge.output();
}

}  // namespace
}  // namespace hems::testing
