#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/target_command.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Reads from `fd` until `needle` shows up in `buffer` or the deadline passes.
bool read_until(int fd, std::string& buffer, std::string_view needle, Clock::time_point deadline) {
  while (buffer.find(needle) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0)
      continue;
    char buf[512];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0)
      buffer.append(buf, static_cast<std::size_t>(n));
    if (n == 0)
      return false;
  }
  return true;
}

class SimProcess {
 public:
  explicit SimProcess(const std::vector<std::string>& options) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
      return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> args{HEMS_SIM_EXE};
    args.insert(args.end(), options.begin(), options.end());
    args = hems::test::target_command(args);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    stdout_ = pipe_fds[0];
  }
  ~SimProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_ >= 0)
      ::close(stdout_);
  }
  pid_t pid() const { return pid_; }
  int stdout_fd() const { return stdout_; }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
};

TEST(SimExecutable, AnswersSkverOverThePty) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hems-sim-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string link = (dir / "wisun").string();
  SimProcess sim({"--pty", link, "--speed", "20", "--dialect", "bp35a1"});
  ASSERT_GT(sim.pid(), 0);

  const auto deadline = Clock::now() + std::chrono::seconds{20};
  std::string log;
  ASSERT_TRUE(read_until(sim.stdout_fd(), log, "\n", deadline)) << log;
  ASSERT_TRUE(log.starts_with("READY pty /dev/pts/")) << log;
  const std::string slave = log.substr(10, log.find('\n') - 10);
  EXPECT_EQ(std::filesystem::read_symlink(link).string(), slave);

  const int fd = ::open(link.c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(fd, 0);
  termios tio{};
  ASSERT_EQ(tcgetattr(fd, &tio), 0);
  cfmakeraw(&tio);
  cfsetspeed(&tio, B115200);
  ASSERT_EQ(tcsetattr(fd, TCSANOW, &tio), 0);

  const std::string cmd = "SKVER\r\n";
  ASSERT_EQ(::write(fd, cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
  std::string reply;
  EXPECT_TRUE(read_until(fd, reply, "OK\r\n", deadline)) << reply;
  EXPECT_NE(reply.find("SKVER\r\nEVER 1.2.10\r\nOK\r\n"), std::string::npos) << reply;

  // Closing and reopening the slave keeps the simulator serving.
  ::close(fd);
  const int fd2 = ::open(link.c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(fd2, 0);
  ASSERT_EQ(tcsetattr(fd2, TCSANOW, &tio), 0);
  std::string again;
  // The sim notices the reopen on its next poll round; resend until it answers.
  bool answered = false;
  while (!answered && Clock::now() < deadline) {
    ASSERT_EQ(::write(fd2, cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
    answered = read_until(fd2, again, "OK\r\n",
                          std::min(deadline, Clock::now() + std::chrono::milliseconds{500}));
  }
  EXPECT_TRUE(answered) << again;
  ::close(fd2);
  const pid_t pid = sim.pid();
  ::kill(pid, SIGTERM);
  std::string rest;
  EXPECT_TRUE(read_until(sim.stdout_fd(), rest, "exiting", deadline)) << rest;
  // A clean exit removes the link it made.
  while (std::filesystem::is_symlink(link) && Clock::now() < deadline) {
    ::usleep(10'000);
  }
  EXPECT_FALSE(std::filesystem::is_symlink(link));
  std::filesystem::remove_all(dir);
}

// Connects to 127.0.0.1:port; -1 on failure.
int connect_local(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Over TCP: WOPT is stored in the state file and read back by the next run.
TEST(SimExecutable, TcpServesAndTheStateFileKeepsWopt) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("hems-sim-tcp-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string state = (dir / "flash").string();
  const auto deadline = Clock::now() + std::chrono::seconds{20};
  for (int run = 0; run < 2; ++run) {
    SimProcess sim({"--tcp", "0", "--echo", "off", "--state-file", state});
    ASSERT_GT(sim.pid(), 0);
    std::string log;
    ASSERT_TRUE(read_until(sim.stdout_fd(), log, "\n", deadline)) << log;
    ASSERT_TRUE(log.starts_with("READY tcp 127.0.0.1:")) << log;
    const int port = std::stoi(log.substr(20));
    const int fd = connect_local(port);
    ASSERT_GE(fd, 0);
    const std::string cmd = run == 0 ? "ROPT\r\nWOPT 01\r\nROPT\r\n" : "ROPT\r\n";
    ASSERT_EQ(::write(fd, cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
    std::string reply;
    EXPECT_TRUE(read_until(fd, reply, "OK 01\r", deadline)) << reply;
    EXPECT_EQ(reply, run == 0 ? "OK 00\rOK\rOK 01\r" : "OK 01\r");
    if (run == 0) {
      EXPECT_TRUE(read_until(sim.stdout_fd(), log, "FLASH_WRITE 1", deadline)) << log;
    }
    ::close(fd);
  }
  std::ifstream in(state);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(content.find("flash_writes=1"), std::string::npos) << content;
  std::filesystem::remove_all(dir);
}

}  // namespace
