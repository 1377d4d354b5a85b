// Runs `hems2mqtt-sim lan` bound to 127.0.0.1:3610 and talks to it over a real UDP socket.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"
#include "support/target_command.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint16_t kPort = 3610;

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// True when 127.0.0.1:3610 can be bound (nobody else, e.g. a bridge on 0.0.0.0, holds it).
bool port_is_free() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(kPort);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class LanSimProcess {
 public:
  explicit LanSimProcess(std::vector<std::string> options) {
    int out[2];
    if (::pipe(out) != 0)
      return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> args{HEMS_SIM_EXE, "lan"};
    args.insert(args.end(), options.begin(), options.end());
    args = hems::test::target_command(args);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    stdout_ = out[0];
  }
  ~LanSimProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_ >= 0)
      ::close(stdout_);
  }

  // Reads stdout until `needle` appears or the deadline passes.
  bool wait_for(std::string_view needle, Clock::time_point deadline) {
    while (output_.find(needle) == std::string::npos) {
      const int left = remaining_ms(deadline);
      if (left <= 0)
        return false;
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0)
        continue;
      char buf[1024];
      const ssize_t n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0)
        return false;
      output_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& output() const { return output_; }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::string output_;
};

std::optional<hems::Bytes> exchange(int fd, const hems::Bytes& request,
                                    Clock::time_point deadline) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kPort);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) <
      0) {
    return std::nullopt;
  }
  while (remaining_ms(deadline) > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0)
      continue;
    std::uint8_t buf[1500];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0)
      return hems::Bytes(buf, buf + n);
  }
  return std::nullopt;
}

TEST(LanSimExecutable, AnswersAUnicastGetOnLoopback) {
  if (!port_is_free())
    GTEST_SKIP() << "UDP 127.0.0.1:3610 is in use";
  LanSimProcess sim({"--bind", "127.0.0.1", "--object", "aircon", "--node-id", "0102", "--maker",
                     "000016", "--clock", "12:00"});
  ASSERT_TRUE(sim.started());
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  if (!sim.wait_for("READY lan 127.0.0.1:3610", deadline)) {
    if (sim.output().find("in use") != std::string::npos)
      GTEST_SKIP() << "UDP 3610 was taken meanwhile: " << sim.output();
    FAIL() << sim.output();
  }

  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  auto reply = exchange(fd, *hems::from_hex("1081000105FF010EF00162028300D600"), deadline);
  ASSERT_TRUE(reply.has_value()) << sim.output();
  EXPECT_EQ(hems::to_hex(*reply),
            "108100010EF00105FF017202"
            "8311FE0000160000000000000000000000"
            "0102"
            "D60401013001");
  auto rejected = exchange(fd, *hems::from_hex("1081000205FF010130016101B30132"), deadline);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(hems::to_hex(*rejected), "1081000201300105FF015101B30132");
  ::close(fd);
  EXPECT_TRUE(sim.wait_for("tx 127.0.0.1:", deadline)) << "each response is logged";
  EXPECT_NE(sim.output().find("rx 127.0.0.1:"), std::string::npos);
}

TEST(LanSimExecutable, RejectsUnknownOptions) {
  LanSimProcess sim({"--object", "toaster"});
  ASSERT_TRUE(sim.started());
  EXPECT_FALSE(sim.wait_for("READY", Clock::now() + std::chrono::seconds(10)));
  EXPECT_NE(sim.output().find("--object needs one of"), std::string::npos) << sim.output();
}

}  // namespace
