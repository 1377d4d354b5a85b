#pragma once

// Test helpers around a real Mosquitto broker: a private broker on a free loopback port that can
// be stopped and started again on the same port, a mosquitto_sub subscriber that collects what it
// receives, and the child-process plumbing both use. Every wait is bounded.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hems::test {

using std::chrono::milliseconds;

// A child process started with posix_spawn; killed (SIGKILL) and reaped by the destructor.
class ChildProcess {
 public:
  enum class Output { kCaptureLines, kToFile };

  // argv[0] must be a path. With kCaptureLines, stdout lines are collected by a reader thread;
  // with kToFile, stdout and stderr go to `log_file`.
  ChildProcess(const std::vector<std::string>& argv, Output output,
               const std::filesystem::path& log_file = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The exit code once the process has exited normally (and running() has seen it).
  std::optional<int> exit_code() const { return exit_code_; }
  bool running();
  // SIGTERM, then SIGKILL if it has not exited within `grace`; always reaps the process.
  void terminate(milliseconds grace);
  // SIGKILL at once: the process gets no chance to clean up (sockets close without DISCONNECT).
  void kill_now();

  // Waits until a captured line satisfies `predicate`; returns that line.
  std::optional<std::string> wait_for_line(const std::function<bool(const std::string&)>& predicate,
                                           milliseconds timeout);
  std::vector<std::string> lines() const;

 private:
  void read_lines(int fd);
  void reap(bool block);

  pid_t pid_ = -1;
  bool reaped_ = false;
  std::optional<int> exit_code_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

// A private mosquitto on 127.0.0.1 with anonymous access; started by the constructor.
class MosquittoBroker {
 public:
  struct Options {
    // Keep sessions and retained messages across stop()/start() (in the broker's temp dir).
    bool persistence = false;
    // A second listener (login_port()) that lets in only the users of its password file, set
    // with set_login_users(); the first listener stays anonymous for observers.
    bool login_listener = false;
  };

  MosquittoBroker();
  explicit MosquittoBroker(Options options);
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  // Starts on the same port as before; returns once the port accepts connections. Throws
  // std::runtime_error (with the broker's log) if it does not come up in time.
  void start();
  // Stops the broker (SIGTERM, so persistence is written) and waits for it to exit.
  void stop();

  std::uint16_t port() const { return port_; }
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t login_port() const { return login_port_; }
  std::string login_uri() const { return "mqtt://127.0.0.1:" + std::to_string(login_port_); }
  // Replaces the login listener's users; a running broker rereads them (SIGHUP).
  void set_login_users(const std::vector<std::pair<std::string, std::string>>& users);
  std::string log() const;

 private:
  Options options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::uint16_t login_port_ = 0;
  std::optional<ChildProcess> process_;
};

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;
};

// A mosquitto_sub child process subscribed to `filters` on a broker; the constructor returns
// once the subscription is live (a probe message has made the round trip).
class Subscriber {
 public:
  struct Options {
    int qos = 0;
    // Non-empty: a persistent session (clean session off) with this client id, so QoS 1
    // messages published while the subscriber is disconnected are kept for it by the broker.
    std::string persistent_client_id;
  };

  Subscriber(std::uint16_t port, const std::vector<std::string>& filters);
  Subscriber(std::uint16_t port, const std::vector<std::string>& filters, Options options);

  // The first message on `topic` whose payload satisfies `predicate`.
  std::optional<ReceivedMessage> wait_for(const std::string& topic,
                                          const std::function<bool(const std::string&)>& predicate,
                                          milliseconds timeout);
  // Waits until `count` messages on `topic` have arrived; returns them in arrival order.
  std::vector<ReceivedMessage> wait_for_count(const std::string& topic, std::size_t count,
                                              milliseconds timeout);
  std::vector<ReceivedMessage> messages() const;

 private:
  std::uint16_t port_;
  std::string probe_topic_;
  std::optional<ChildProcess> process_;
};

// Publishes one message with mosquitto_pub; true when it exited successfully.
bool publish_with_mosquitto_pub(std::uint16_t port, const std::string& topic,
                                const std::string& payload, int qos = 0, bool retain = false);

// A loopback TCP port that was free a moment ago (the caller binds it right away).
std::uint16_t free_loopback_port();
// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(std::uint16_t port);
// The name of the user running the tests (for broker configs).
std::string current_user_name();

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, milliseconds timeout);

}  // namespace hems::test
