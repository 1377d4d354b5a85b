#pragma once

// The MQTT seam: the bridge talks to this interface; make_paho_client() is the real one and
// tests use fakes. Implementations call the Handler from their own threads, so a Handler only
// posts work into the event loop and returns.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace hems::mqtt {

struct Message {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

struct ClientOptions {
  std::string server_uri;  // mqtt://host[:port] or mqtts://host[:port]
  std::string client_id;
  std::string username;
  std::string password;  // never logged
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  int keepalive_s = 60;
  Message will;                        // no last will when will.topic is empty
  std::size_t offline_buffer = 10000;  // messages kept while disconnected; oldest dropped first
  std::chrono::milliseconds min_retry{1000};  // reconnect back-off, doubled on each failure
  // A broker that restarts (Home Assistant updating its Mosquitto add-on) is back within
  // seconds, and a connect attempt costs little: readings flow again at most this long after.
  std::chrono::milliseconds max_retry{15000};
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual void on_connected() = 0;  // after the first connect AND every reconnect
  // A connection that was up has gone; Paho reconnects on its own.
  virtual void on_connection_lost(const std::string& cause) = 0;
  // The first connect attempt failed (or the options cannot work); `reason` says why in words
  // a user can act on. Reported once: later attempts go on quietly until one succeeds.
  virtual void on_connect_failed(const std::string& reason) = 0;
  virtual void on_message(Message msg) = 0;
  // Messages thrown away since the last report (offline buffer full, or rejected by the
  // library); called before on_connected() when there is something to report.
  virtual void on_messages_dropped(std::uint64_t /*count*/) {}
};

class Client {
 public:
  virtual ~Client() = default;
  virtual void set_handler(Handler* handler) = 0;
  // Connects in the background and reconnects forever with back-off.
  virtual void start() = 0;
  // Never throws. While offline the message is buffered (oldest dropped first when full).
  virtual void publish(Message msg) = 0;
  // Remembered and applied again after every reconnect.
  virtual void subscribe(const std::string& topic_filter, int qos) = 0;
  // Sends what is queued (within the timeout) and disconnects cleanly; no handler calls after.
  virtual void stop(std::chrono::milliseconds timeout) = 0;
  virtual bool connected() const = 0;
  // Total messages dropped since start (see Handler::on_messages_dropped).
  virtual std::uint64_t dropped_messages() const { return 0; }
};

// The Paho MQTT C++ implementation. The options are checked when start() connects; an invalid
// server URI makes every connect fail (reported through on_connection_lost).
std::unique_ptr<Client> make_paho_client(ClientOptions options);

}  // namespace hems::mqtt
