#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hems::testing {

// A program started by a test: stdout and stderr go to a log file the test can search, stdin
// is a pipe the test can write commands to. Killed (SIGKILL) when destroyed.
class ChildProcess {
 public:
  // Stdout::journal also sets JOURNAL_STREAM to the device and inode of the child's stdout, as
  // systemd does when a service's stdout is connected to the journal.
  enum class Stdout { file, journal };

  ChildProcess(std::string program, std::vector<std::string> args,
               std::map<std::string, std::string> extra_env = {},
               Stdout stdout_kind = Stdout::file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  std::string output() const;  // everything it printed so far
  const std::string& log_path() const { return log_path_; }

  // Waits until the output contains `text` (searching from byte `from`); returns the offset just
  // after the match, or nullopt at the deadline.
  std::optional<std::size_t> wait_for_output(const std::string& text,
                                             std::chrono::milliseconds timeout,
                                             std::size_t from = 0) const;
  std::size_t output_size() const { return output().size(); }

  void write_stdin(const std::string& text);
  void signal(int signo);
  // Waits for the exit; returns the exit status (or 128 + signal), nullopt at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  std::string program_;
  std::string log_path_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> exit_status_;
};

// The directory of the built executables (set by CMake).
std::string binary_dir();
// A fresh temporary directory, removed by the caller when it wants.
std::string make_temp_dir(const std::string& prefix);

}  // namespace hems::testing
