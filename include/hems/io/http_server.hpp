#pragma once

// The HTTP endpoint's sockets on the daemon's event loop: a non-blocking listening socket and a
// few short connections, each read into an http::RequestParser, answered once by the handler and
// closed. Nothing here blocks the loop: a client that sends garbage gets its 4xx and is closed,
// one that stalls is dropped at its deadline, and connections beyond the limit are closed at once.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hems/common/error.hpp"
#include "hems/common/log_level.hpp"
#include "hems/common/time.hpp"
#include "hems/http/listen_address.hpp"
#include "hems/http/request.hpp"
#include "hems/http/response.hpp"
#include "hems/io/loop.hpp"

namespace hems::io {

struct HttpServerOptions {
  http::ListenAddress address;
  // A scraper holds one connection at a time; a few more cover a person with curl.
  std::size_t max_connections = 8;
  // From accept to close: the time a client has to send its request and read the answer.
  Duration connection_deadline = std::chrono::seconds(10);
  // How long a client may keep its end open after it has the whole answer, holding one of the
  // few connections, before it is closed anyway.
  Duration linger = std::chrono::seconds(1);
};

using HttpHandler = std::function<http::Response(const http::Request&)>;
using HttpLog = std::function<void(LogLevel, const std::string&)>;

class HttpServer {
 public:
  // Binds and listens. The error names the address and says why (in use, not an address here).
  static Result<std::unique_ptr<HttpServer>> open(Loop& loop, HttpServerOptions options,
                                                  HttpHandler handler, HttpLog log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The address actually bound, e.g. "127.0.0.1:9810" (with the port picked for port 0).
  const std::string& local_address() const { return local_address_; }
  std::size_t open_connections() const { return connections_.size(); }

 private:
  struct Connection {
    int fd = -1;
    std::string peer;
    http::RequestParser parser;
    std::string out;          // the answer, once there is one
    std::size_t sent = 0;     // bytes of `out` written
    bool answered = false;    // `out` is final; what the client sends now is read and dropped
    std::size_t dropped = 0;  // bytes read after the answer
    Loop::TimerId deadline = 0;
    std::optional<Loop::TimerId> retry;  // to write the rest of `out` when the socket was full
  };
  using Id = std::uint64_t;

  HttpServer(Loop& loop, HttpServerOptions options, HttpHandler handler, HttpLog log, int fd);
  void on_listen_readable();
  void pause_accepting();
  void on_readable(Id id);
  void answer(Id id, const http::Response& response, bool head);
  void flush(Id id);
  void close(Id id, const std::string& why);

  Loop& loop_;
  HttpServerOptions options_;
  HttpHandler handler_;
  HttpLog log_;
  int listen_fd_ = -1;
  std::string local_address_;
  std::optional<Loop::TimerId> resume_accepting_;
  std::map<Id, Connection> connections_;
  Id next_id_ = 1;
};

}  // namespace hems::io
