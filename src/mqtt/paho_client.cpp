// The Paho MQTT C++ adapter: the only place in the project that includes Paho.
//
// Paho does the heavy lifting: automatic reconnect with doubling back-off (it also retries a
// failed first connect), and offline buffering (send_while_disconnected, also before the first
// connect, dropping the oldest message when the buffer is full). What we add: URIs in the
// mqtt:// form, subscriptions re-applied after each reconnect (clean session), counting the
// messages Paho drops silently, and a guarantee that the Handler is not called after stop().

#include <MQTTAsync.h>
#include <fcntl.h>
#include <mqtt/async_client.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "hems/mqtt/client.hpp"
#include "hems/mqtt/server_uri.hpp"
#include "hems/mqtt/tcp_probe.hpp"

namespace hems::mqtt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr seconds kConnectTimeout{10};
constexpr milliseconds kProbeTimeout{3000};

// Paho's retry intervals are whole seconds; round up so a short back-off never becomes zero.
seconds whole_seconds(milliseconds duration) {
  const auto rounded = std::chrono::ceil<seconds>(duration);
  return std::max(rounded, seconds{1});
}

// What a TLS connect uses, kept to explain a failure: Paho reports every TLS problem (wrong CA,
// a certificate for another host, a missing client certificate, an unreadable file) as a bare
// "Failure". OpenSSL's own error text would need Paho C++'s ssl error handler, but in 1.2 the C
// library keeps a pointer to the connect options that async_client::connect() destroys on
// return, so the handler would be called on a dead object.
struct TlsSetup {
  std::string host;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// The first configured file that cannot be read, and why; empty when all can be read.
std::string unreadable_file(const TlsSetup& tls) {
  const std::pair<const char*, const std::string*> files[] = {
      {"ca_file", &tls.ca_file}, {"cert_file", &tls.cert_file}, {"key_file", &tls.key_file}};
  for (const auto& [key, path] : files) {
    if (path->empty())
      continue;
    const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const std::string reason = std::error_code(errno, std::generic_category()).message();
      return std::string(key) + " '" + *path + "' cannot be read: " + reason;
    }
    ::close(fd);
  }
  return {};
}

// Why the first connect failed, in words a user can act on.
std::string describe_connect_failure(int return_code, const ServerAddress& server,
                                     const std::optional<TlsSetup>& tls) {
  // Paho passes a refusing CONNACK's return code (MQTT 3.1.1) through as a positive number,
  // which its own error strings do not know.
  switch (return_code) {
    case 1:
      return "the broker refused the connection: unacceptable protocol version";
    case 2:
      return "the broker refused the connection: client identifier rejected";
    case 3:
      return "the broker refused the connection: server unavailable";
    case 4:
      return "the broker refused the connection: bad user name or password";
    case 5:
      return "the broker refused the connection: not authorized (check username and password)";
    default:
      break;
  }
  const std::string paho_reason = ::mqtt::exception::error_str(return_code);
  if (tls) {
    if (std::string problem = unreadable_file(*tls); !problem.empty())
      return problem;
  }
  // Paho says "Failure" for everything below MQTT; a connect of our own says what it was.
  if (std::string unreachable = tcp_unreachable_reason(server.host, server.port, kProbeTimeout);
      !unreachable.empty()) {
    return unreachable;
  }
  if (!tls)
    return "the broker accepted the TCP connection but not the MQTT connect (" + paho_reason + ")";
  const std::string trusted = tls->ca_file.empty()
                                  ? "ca_file is not set, so only the system's CAs are trusted"
                                  : "ca_file must hold the CA that signed the broker's certificate";
  return "no TLS connection (" + paho_reason +
         "): the broker is unreachable or the TLS handshake failed; " + trusted +
         ", the certificate must name " + tls->host +
         ", and a broker that requires client certificates needs cert_file and key_file";
}

// Paho initialises OpenSSL when it creates its first client unless told otherwise, and that
// initialisation (every algorithm, the error strings, openssl.cnf) makes libcrypto the largest
// part of the daemon's resident memory: about 3 MB of a 11.6 MB RSS. A plain mqtt:// link never
// uses it. When the first client speaks TLS, Paho's initialisation stays as it was; otherwise
// it is left out, and should a later client in the same process speak TLS, OpenSSL (1.1 and
// later) initialises itself when that client creates its first SSL context.
void init_paho_once(bool tls) {
  static std::once_flag once;
  std::call_once(once, [tls] {
    MQTTAsync_init_options options = MQTTAsync_init_options_initializer;
    options.do_openssl_init = tls ? 1 : 0;
    MQTTAsync_global_init(&options);
  });
}

// State the Paho callbacks touch. Callbacks hold a shared_ptr to it, so it outlives the client
// object even when a callback is still running on a Paho thread during teardown.
struct SharedState : ::mqtt::iaction_listener {
  // Held while a callback runs and while stop() tears down: after stop() takes it, no callback
  // can reach the handler or the Paho client any more.
  std::mutex callback_mutex;
  Handler* handler = nullptr;
  ::mqtt::async_client* client = nullptr;  // null once stopped

  std::mutex subscriptions_mutex;
  std::vector<std::pair<std::string, int>> subscriptions;

  std::atomic<std::uint64_t> dropped_total{0};
  std::atomic<std::uint64_t> dropped_unreported{0};
  std::atomic<std::size_t> published_offline{0};  // since the last (re)connect
  std::atomic<bool> first_failure_reported{false};
  ServerAddress server;         // set before start(), read-only afterwards
  std::optional<TlsSetup> tls;  // set before start(), read-only afterwards

  void count_drop() {
    ++dropped_total;
    ++dropped_unreported;
  }

  void on_connected() {
    std::lock_guard lock(callback_mutex);
    if (client == nullptr)
      return;
    published_offline = 0;  // Paho has sent (or is sending) everything it buffered
    std::vector<std::pair<std::string, int>> filters;
    {
      std::lock_guard subscriptions_lock(subscriptions_mutex);
      filters = subscriptions;
    }
    for (const auto& [filter, qos] : filters) {
      try {
        client->subscribe(filter, qos);
      } catch (const ::mqtt::exception&) {
        // The connection dropped again; the next on_connected subscribes again.
      }
    }
    if (handler == nullptr)
      return;
    if (const std::uint64_t dropped = dropped_unreported.exchange(0); dropped > 0) {
      handler->on_messages_dropped(dropped);
    }
    handler->on_connected();
  }

  void on_connection_lost(const std::string& cause) {
    std::lock_guard lock(callback_mutex);
    if (client == nullptr || handler == nullptr)
      return;
    handler->on_connection_lost(cause.empty() ? "connection lost" : "connection lost: " + cause);
  }

  void on_message(const ::mqtt::const_message_ptr& message) {
    std::lock_guard lock(callback_mutex);
    if (client == nullptr || handler == nullptr || !message)
      return;
    handler->on_message(Message{message->get_topic(), message->get_payload_str(),
                                message->get_qos(), message->is_retained()});
  }

  // The first connect attempt: report a failure once, so a wrong address, credentials or
  // certificate show up in the log; Paho keeps retrying on its own.
  void on_failure(const ::mqtt::token& token) override {
    if (first_failure_reported.exchange(true))
      return;
    // Worked out before taking the lock: it may wait a few seconds for a TCP connect.
    const std::string reason = describe_connect_failure(token.get_return_code(), server, tls);
    std::lock_guard lock(callback_mutex);
    if (client == nullptr || handler == nullptr)
      return;
    handler->on_connect_failed(reason);
  }
  void on_success(const ::mqtt::token&) override {}
};

class PahoClient final : public Client {
 public:
  explicit PahoClient(ClientOptions options)
      : options_(std::move(options)), shared_(std::make_shared<SharedState>()) {
    auto address = parse_server_uri(options_.server_uri);
    if (!address) {
      setup_error_ = "invalid server URI '" + options_.server_uri + "': " + address.error().message;
      return;
    }
    tls_ = address->tls;
    shared_->server = *address;
    if (tls_) {
      shared_->tls =
          TlsSetup{address->host, options_.ca_file, options_.cert_file, options_.key_file};
    }
    init_paho_once(tls_);
    try {
      const auto create_options =
          ::mqtt::create_options_builder()
              .send_while_disconnected(true, /*anyTime=*/true)
              .max_buffered_messages(
                  static_cast<int>(std::clamp<std::size_t>(options_.offline_buffer, 1, 1'000'000)))
              .delete_oldest_messages(true)
              .finalize();
      client_ = std::make_unique<::mqtt::async_client>(to_paho_uri(*address), options_.client_id,
                                                       create_options, nullptr);
    } catch (const ::mqtt::exception& error) {
      setup_error_ = std::string("cannot create the MQTT client: ") + error.what();
      return;
    }
    shared_->client = client_.get();
    std::shared_ptr<SharedState> shared = shared_;
    client_->set_connected_handler([shared](const std::string&) { shared->on_connected(); });
    client_->set_connection_lost_handler(
        [shared](const std::string& cause) { shared->on_connection_lost(cause); });
    client_->set_message_callback(
        [shared](::mqtt::const_message_ptr message) { shared->on_message(message); });
  }

  ~PahoClient() override { stop(milliseconds{1000}); }

  PahoClient(const PahoClient&) = delete;
  PahoClient& operator=(const PahoClient&) = delete;

  void set_handler(Handler* handler) override {
    std::lock_guard lock(shared_->callback_mutex);
    shared_->handler = handler;
  }

  void start() override {
    if (!client_) {
      report_setup_error();
      return;
    }
    try {
      client_->connect(connect_options(), nullptr, *shared_);
    } catch (const ::mqtt::exception& error) {
      std::lock_guard lock(shared_->callback_mutex);
      if (shared_->handler != nullptr)
        shared_->handler->on_connect_failed(error.what());
    }
  }

  void publish(Message msg) override {
    if (!client_) {
      shared_->count_drop();
      return;
    }
    if (!client_->is_connected() && ++shared_->published_offline > options_.offline_buffer) {
      // Paho makes room by silently deleting the oldest buffered message.
      shared_->count_drop();
    }
    try {
      client_->publish(msg.topic, msg.payload.data(), msg.payload.size(), msg.qos, msg.retain);
    } catch (const ::mqtt::exception&) {
      shared_->count_drop();
    }
  }

  void subscribe(const std::string& topic_filter, int qos) override {
    {
      std::lock_guard lock(shared_->subscriptions_mutex);
      auto& list = shared_->subscriptions;
      auto existing = std::find_if(list.begin(), list.end(),
                                   [&](const auto& entry) { return entry.first == topic_filter; });
      if (existing != list.end()) {
        existing->second = qos;
      } else {
        list.emplace_back(topic_filter, qos);
      }
    }
    if (!client_ || !client_->is_connected())
      return;  // applied by the next on_connected
    try {
      client_->subscribe(topic_filter, qos);
    } catch (const ::mqtt::exception&) {
      // Lost the connection meanwhile; the reconnect subscribes again.
    }
  }

  void stop(milliseconds timeout) override {
    if (!client_)
      return;
    {
      // Waits for a running callback to finish; none reaches the handler afterwards.
      std::lock_guard lock(shared_->callback_mutex);
      shared_->client = nullptr;
      shared_->handler = nullptr;
    }
    const auto deadline = steady_clock::now() + timeout;
    const auto remaining = [&] {
      return std::max(milliseconds{0},
                      std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()));
    };
    try {
      if (client_->is_connected()) {
        for (const auto& token : client_->get_pending_delivery_tokens()) {
          if (remaining() == milliseconds{0})
            break;
          token->wait_for(remaining());
        }
        // Paho sends the DISCONNECT after what is already queued.
        client_->disconnect(static_cast<int>(remaining().count()))
            ->wait_for(std::max(remaining(), milliseconds{100}));
      }
    } catch (const ::mqtt::exception&) {
      // Already disconnected or timed out: tearing the client down below is all that is left.
    }
    try {
      client_->disable_callbacks();
    } catch (const ::mqtt::exception&) {
    }
    client_.reset();  // also ends Paho's reconnect attempts
  }

  bool connected() const override { return client_ && client_->is_connected(); }

  std::uint64_t dropped_messages() const override { return shared_->dropped_total; }

 private:
  ::mqtt::connect_options connect_options() const {
    auto builder = ::mqtt::connect_options_builder()
                       .clean_session(true)
                       .keep_alive_interval(seconds{options_.keepalive_s})
                       .connect_timeout(kConnectTimeout)
                       .automatic_reconnect(whole_seconds(options_.min_retry),
                                            std::max(whole_seconds(options_.min_retry),
                                                     whole_seconds(options_.max_retry)));
    if (!options_.username.empty())
      builder.user_name(options_.username);
    if (!options_.password.empty())
      builder.password(options_.password);
    if (!options_.will.topic.empty()) {
      builder.will(::mqtt::message(options_.will.topic, options_.will.payload, options_.will.qos,
                                   options_.will.retain));
    }
    if (tls_) {
      auto ssl =
          ::mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true).finalize();
      if (!options_.ca_file.empty())
        ssl.set_trust_store(options_.ca_file);
      if (!options_.cert_file.empty())
        ssl.set_key_store(options_.cert_file);
      if (!options_.key_file.empty())
        ssl.set_private_key(options_.key_file);
      builder.ssl(std::move(ssl));
    }
    return builder.finalize();
  }

  void report_setup_error() {
    std::lock_guard lock(shared_->callback_mutex);
    if (shared_->handler != nullptr)
      shared_->handler->on_connect_failed(setup_error_);
  }

  ClientOptions options_;
  bool tls_ = false;
  std::string setup_error_;
  std::shared_ptr<SharedState> shared_;
  std::unique_ptr<::mqtt::async_client> client_;
};

}  // namespace

std::unique_ptr<Client> make_paho_client(ClientOptions options) {
  return std::make_unique<PahoClient>(std::move(options));
}

}  // namespace hems::mqtt
