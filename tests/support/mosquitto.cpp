#include "support/mosquitto.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace hems::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kBrokerBinary = "/usr/sbin/mosquitto";
constexpr const char* kSubscribeBinary = "/usr/bin/mosquitto_sub";
constexpr const char* kPasswdBinary = "/usr/bin/mosquitto_passwd";
constexpr const char* kPublishBinary = "/usr/bin/mosquitto_pub";
constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kStopGrace{5000};
constexpr milliseconds kPollInterval{10};

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hems-broker-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    fail_errno("mkdtemp");
  return pattern;
}

// Runs a short-lived command to completion (bounded); its exit code, or -1.
int run_to_completion(const std::vector<std::string>& argv, milliseconds timeout) {
  ChildProcess child(argv, ChildProcess::Output::kCaptureLines);
  if (!eventually([&] { return !child.running(); }, timeout))
    return -1;
  return child.exit_code().value_or(-1);
}

std::optional<ReceivedMessage> parse_line(const std::string& line) {
  // mosquitto_sub -F "%r %q %t %p": retained flag, QoS, topic, payload.
  std::istringstream in(line);
  ReceivedMessage message;
  int retained = 0;
  if (!(in >> retained >> message.qos >> message.topic))
    return std::nullopt;
  message.retained = retained != 0;
  if (in.peek() == ' ')
    in.get();
  std::getline(in, message.payload);
  return message;
}

}  // namespace

// Asks the kernel for a free port; the broker binds it right after (with SO_REUSEADDR).
std::uint16_t free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail_errno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    fail_errno("bind");
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool port_accepts(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

std::string current_user_name() {
  const passwd* entry = getpwuid(getuid());
  return entry != nullptr ? entry->pw_name : "root";
}

bool eventually(const std::function<bool()>& condition, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition())
      return true;
    if (Clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// --- ChildProcess ----------------------------------------------------------------------------

ChildProcess::ChildProcess(const std::vector<std::string>& argv, Output output,
                           const std::filesystem::path& log_file) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int pipe_fds[2] = {-1, -1};
  if (output == Output::kCaptureLines) {
    // O_CLOEXEC keeps the write end out of every other child, so EOF arrives when this one dies.
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
      fail_errno("pipe2");
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_fds[1] >= 0)
    close(pipe_fds[1]);
  if (rc != 0) {
    if (pipe_fds[0] >= 0)
      close(pipe_fds[0]);
    errno = rc;
    fail_errno(std::string("posix_spawn ") + args[0]);
  }
  if (pipe_fds[0] >= 0) {
    const int fd = pipe_fds[0];
    reader_ = std::thread([this, fd] { read_lines(fd); });
  }
}

ChildProcess::~ChildProcess() {
  kill_now();
  if (reader_.joinable())
    reader_.join();
}

void ChildProcess::read_lines(int fd) {
  std::string pending;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      {
        std::lock_guard lock(mutex_);
        lines_.push_back(pending.substr(0, newline));
      }
      changed_.notify_all();
      pending.erase(0, newline + 1);
    }
  }
  close(fd);
}

void ChildProcess::reap(bool block) {
  if (reaped_ || pid_ <= 0)
    return;
  int status = 0;
  const pid_t result = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (result == pid_) {
    reaped_ = true;
    if (WIFEXITED(status))
      exit_code_ = WEXITSTATUS(status);
  } else if (result < 0 && errno == ECHILD) {
    reaped_ = true;
  }
}

bool ChildProcess::running() {
  reap(false);
  return !reaped_;
}

void ChildProcess::terminate(milliseconds grace) {
  if (!running())
    return;
  ::kill(pid_, SIGTERM);
  if (!eventually([this] { return !running(); }, grace))
    kill_now();
}

void ChildProcess::kill_now() {
  if (!running())
    return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

std::optional<std::string> ChildProcess::wait_for_line(
    const std::function<bool(const std::string&)>& predicate, milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const std::string& line : lines_) {
      if (predicate(line)) {
        found = line;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::vector<std::string> ChildProcess::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

// --- MosquittoBroker -------------------------------------------------------------------------

MosquittoBroker::MosquittoBroker() : MosquittoBroker(Options{}) {}

MosquittoBroker::MosquittoBroker(Options options)
    : options_(options), dir_(make_temp_dir()), port_(free_loopback_port()) {
  std::ofstream config(dir_ / "mosquitto.conf");
  if (options_.login_listener)
    config << "per_listener_settings true\n";
  config << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n";
  if (options_.login_listener) {
    login_port_ = free_loopback_port();
    set_login_users({});
    config << "listener " << login_port_ << " 127.0.0.1\n"
           << "allow_anonymous false\n"
           << "password_file " << (dir_ / "passwords").string() << "\n";
  }
  config << "persistence " << (options_.persistence ? "true" : "false") << "\n"
         << "persistence_location " << dir_.string()
         << "/\n"
         // As root, mosquitto would switch to the "mosquitto" user, who cannot use our temp dir.
         << "user " << current_user_name() << "\n"
         << "log_dest stderr\n";
  config.close();
  start();
}

void MosquittoBroker::set_login_users(
    const std::vector<std::pair<std::string, std::string>>& users) {
  const std::string file = (dir_ / "passwords").string();
  std::ofstream(file, std::ios::trunc).close();
  for (const auto& [name, password] : users) {
    if (run_to_completion({kPasswdBinary, "-b", file, name, password}, kStartTimeout) != 0)
      throw std::runtime_error("mosquitto_passwd failed for " + name);
  }
  if (process_ && process_->running())
    ::kill(process_->pid(), SIGHUP);  // mosquitto rereads its password files
}

MosquittoBroker::~MosquittoBroker() {
  process_.reset();  // SIGKILL: nothing to keep
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void MosquittoBroker::start() {
  if (process_ && process_->running())
    return;
  process_.emplace(
      std::vector<std::string>{kBrokerBinary, "-c", (dir_ / "mosquitto.conf").string()},
      ChildProcess::Output::kToFile, dir_ / "broker.log");
  // The port was free a moment ago; after a restart it may briefly linger, so keep trying.
  const bool up =
      eventually([this] { return !process_->running() || port_accepts(port_); }, kStartTimeout);
  if (!up || !process_->running()) {
    throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) + ":\n" +
                             log());
  }
}

void MosquittoBroker::stop() {
  if (!process_)
    return;
  process_->terminate(kStopGrace);
  process_.reset();
}

std::string MosquittoBroker::log() const {
  std::ifstream in(dir_ / "broker.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// --- Subscriber ------------------------------------------------------------------------------

Subscriber::Subscriber(std::uint16_t port, const std::vector<std::string>& filters)
    : Subscriber(port, filters, Options{}) {}

Subscriber::Subscriber(std::uint16_t port, const std::vector<std::string>& filters, Options options)
    : port_(port) {
  static std::atomic<int> counter{0};
  probe_topic_ = "hems-test-probe/" + std::to_string(getpid()) + "-" + std::to_string(++counter);

  std::vector<std::string> argv{kSubscribeBinary,
                                "-h",
                                "127.0.0.1",
                                "-p",
                                std::to_string(port),
                                "-q",
                                std::to_string(options.qos),
                                "-F",
                                "%r %q %t %p"};
  if (!options.persistent_client_id.empty()) {
    argv.insert(argv.end(), {"-c", "-i", options.persistent_client_id});
  }
  for (const std::string& filter : filters)
    argv.insert(argv.end(), {"-t", filter});
  argv.insert(argv.end(), {"-t", probe_topic_});
  process_.emplace(argv, ChildProcess::Output::kCaptureLines);

  // A subscription is live once something published after it comes back.
  const bool ready = eventually(
      [this] {
        publish_with_mosquitto_pub(port_, probe_topic_, "probe");
        return wait_for(
                   probe_topic_, [](const std::string&) { return true; }, milliseconds{200})
            .has_value();
      },
      kStartTimeout);
  if (!ready)
    throw std::runtime_error("mosquitto_sub did not become ready");
}

std::vector<ReceivedMessage> Subscriber::messages() const {
  std::vector<ReceivedMessage> out;
  for (const std::string& line : process_->lines()) {
    if (auto message = parse_line(line))
      out.push_back(std::move(*message));
  }
  return out;
}

std::optional<ReceivedMessage> Subscriber::wait_for(
    const std::string& topic, const std::function<bool(const std::string&)>& predicate,
    milliseconds timeout) {
  auto line = process_->wait_for_line(
      [&](const std::string& text) {
        auto message = parse_line(text);
        return message && message->topic == topic && predicate(message->payload);
      },
      timeout);
  if (!line)
    return std::nullopt;
  return parse_line(*line);
}

std::vector<ReceivedMessage> Subscriber::wait_for_count(const std::string& topic, std::size_t count,
                                                        milliseconds timeout) {
  std::vector<ReceivedMessage> matching;
  eventually(
      [&] {
        matching.clear();
        for (auto& message : messages()) {
          if (message.topic == topic)
            matching.push_back(std::move(message));
        }
        return matching.size() >= count;
      },
      timeout);
  return matching;
}

bool publish_with_mosquitto_pub(std::uint16_t port, const std::string& topic,
                                const std::string& payload, int qos, bool retain) {
  std::vector<std::string> argv{kPublishBinary, "-h", "127.0.0.1", "-p", std::to_string(port), "-t",
                                topic,          "-m", payload,     "-q", std::to_string(qos)};
  if (retain)
    argv.push_back("-r");
  return run_to_completion(argv, milliseconds{5000}) == 0;
}

}  // namespace hems::test
