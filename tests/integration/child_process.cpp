#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace hems::testing {

std::string binary_dir() {
  return HEMS_BINARY_DIR;
}

std::string make_temp_dir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

ChildProcess::ChildProcess(std::string program, std::vector<std::string> args,
                           std::map<std::string, std::string> extra_env, Stdout stdout_kind)
    : program_(std::move(program)) {
  static int counter = 0;
  log_path_ = make_temp_dir("hems-child") + "/output-" + std::to_string(++counter) + ".log";
  int in_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0)
    throw std::runtime_error("cannot create " + log_path_);
  if (stdout_kind == Stdout::journal) {
    struct stat st {};
    if (::fstat(log_fd, &st) != 0)
      throw std::runtime_error("cannot stat " + log_path_);
    extra_env["JOURNAL_STREAM"] = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                                  std::to_string(static_cast<unsigned long long>(st.st_ino));
  }

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('='));
    if (!extra_env.contains(key))
      env_strings.push_back(entry);
  }
  for (const auto& [k, v] : extra_env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{program_};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings)
    argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    setpgid(0, 0);
    execve(argv[0], argv.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  ::close(in_pipe[0]);
  ::close(log_fd);
  stdin_fd_ = in_pipe[1];
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::milliseconds(5000));
  }
  if (stdin_fd_ >= 0)
    ::close(stdin_fd_);
}

bool ChildProcess::running() {
  if (exit_status_)
    return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::string ChildProcess::output() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::size_t> ChildProcess::wait_for_output(const std::string& text,
                                                         std::chrono::milliseconds timeout,
                                                         std::size_t from) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const std::string out = output();
    if (out.size() > from) {
      const auto at = out.find(text, from);
      if (at != std::string::npos)
        return at + text.size();
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval, not a sync
  }
}

void ChildProcess::write_stdin(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(stdin_fd_, p, left);
    if (n <= 0)
      return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void ChildProcess::signal(int signo) {
  if (pid_ > 0 && !exit_status_)
    ::kill(pid_, signo);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

}  // namespace hems::testing
