// The Paho adapter over mqtts:// against a real mosquitto with a TLS listener: server
// verification (CA and host name), client certificates, and username/password.

#include <MQTTAsync.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hems/mqtt/client.hpp"
#include "mqtt/recording_handler.hpp"
#include "mqtt/tls_broker.hpp"
#include "support/mosquitto.hpp"

namespace hems::test {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;

// Generous: the suite must pass on a loaded two-core machine.
constexpr milliseconds kConnectTimeout{20000};
constexpr milliseconds kDeliveryTimeout{15000};
// Long enough for several reconnect attempts at the 1-2 s back-off used here.
constexpr milliseconds kRetryTimeout{30000};

std::string unique_id(const std::string& name) {
  static std::atomic<int> counter{0};
  return "hems-tls-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

// Paho's own trace at its most detailed level, collected while this object lives. Paho's trace
// callback is process-wide and plain C, hence the static storage.
class PahoTraceCapture {
 public:
  PahoTraceCapture() {
    {
      std::lock_guard lock(mutex());
      storage().clear();
    }
    MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_MAXIMUM);
    MQTTAsync_setTraceCallback(&record);
  }
  ~PahoTraceCapture() {
    MQTTAsync_setTraceCallback(nullptr);
    MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_MINIMUM);  // Paho's default
  }
  PahoTraceCapture(const PahoTraceCapture&) = delete;
  PahoTraceCapture& operator=(const PahoTraceCapture&) = delete;

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex());
    return storage();
  }

 private:
  static void record(enum MQTTASYNC_TRACE_LEVELS /*level*/, char* message) {
    if (message == nullptr)
      return;
    std::lock_guard lock(mutex());
    storage().emplace_back(message);
  }
  static std::mutex& mutex() {
    static std::mutex instance;
    return instance;
  }
  static std::vector<std::string>& storage() {
    static std::vector<std::string> instance;
    return instance;
  }
};

class TlsTest : public ::testing::Test {
 protected:
  static mqtt::ClientOptions options_for(const TlsMosquittoBroker& broker,
                                         const std::string& name) {
    mqtt::ClientOptions options;
    options.server_uri = broker.uri();
    options.client_id = unique_id(name);
    options.ca_file = test_certificates().ca_cert.string();
    options.min_retry = milliseconds{1000};
    options.max_retry = milliseconds{2000};
    return options;
  }

  std::unique_ptr<mqtt::Client> start_client(const mqtt::ClientOptions& options) {
    auto client = mqtt::make_paho_client(options);
    client->set_handler(&handler_);
    client->start();
    return client;
  }

  bool wait_connected() {
    return eventually([&] { return handler_.connected_count() >= 1; }, kConnectTimeout);
  }

  // The client subscribes to a topic and publishes to it until its own message comes back
  // through the broker (the SUBACK may still be on its way after on_connected).
  bool round_trip(mqtt::Client& client, const std::string& topic, const std::string& payload) {
    client.subscribe(topic, 1);
    return eventually(
        [&] {
          client.publish(mqtt::Message{topic, payload, 1, false});
          return eventually([&] { return handler_.received(topic, payload); }, milliseconds{500});
        },
        kDeliveryTimeout);
  }

  // A refused client: reports the failure once (with `expected_cause` in it), never connects,
  // and keeps trying: the broker sees further connection attempts after the report.
  void expect_refused_and_retrying(const TlsMosquittoBroker& broker, mqtt::Client& client,
                                   const std::string& expected_cause) {
    ASSERT_TRUE(eventually([&] { return handler_.failed_count() >= 1; }, kConnectTimeout))
        << broker.log();
    const int attempts_at_report = broker.connections_accepted();
    ASSERT_TRUE(eventually([&] { return broker.connections_accepted() >= attempts_at_report + 2; },
                           kRetryTimeout))
        << broker.log();
    const auto events = handler_.events();
    ASSERT_EQ(events.size(), 1u) << ::testing::PrintToString(events);
    EXPECT_THAT(events[0], HasSubstr("cannot connect"));
    EXPECT_THAT(events[0], HasSubstr(expected_cause));
    EXPECT_EQ(handler_.connected_count(), 0);
    EXPECT_FALSE(client.connected());
  }

  RecordingHandler handler_;
};

// --- server verification ---------------------------------------------------------------------

TEST_F(TlsTest, PublishSubscribeRoundTripWithTheServersCa) {
  TlsMosquittoBroker broker;
  auto client = start_client(options_for(broker, "round-trip"));
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  EXPECT_TRUE(client->connected());
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/echo", R"({"over":"tls"})"));
  const auto message = handler_.messages().front();
  EXPECT_EQ(message.topic, "hems-test/tls/echo");
  EXPECT_EQ(message.payload, R"({"over":"tls"})");
  client->stop(milliseconds{5000});
  EXPECT_FALSE(client->connected());
}

// The first client of a process decides whether Paho initialises OpenSSL; after a plain
// mqtt:// client it does not, and a TLS client must still work (OpenSSL initialises itself).
// Run alone (--gtest_filter), this is the first client of the process.
TEST_F(TlsTest, WorksWhenAPlainClientCameFirst) {
  // Created, never started: Paho's initialisation happens when the first client is made.
  mqtt::ClientOptions plain_options;
  plain_options.server_uri = "mqtt://127.0.0.1:1883";
  plain_options.client_id = unique_id("plain-first");
  auto plain = mqtt::make_paho_client(plain_options);
  ASSERT_FALSE(plain->connected());
  TlsMosquittoBroker broker;
  auto client = start_client(options_for(broker, "after-plain"));
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/after-plain", "tls"));
  client->stop(milliseconds{5000});
}

TEST_F(TlsTest, ReconnectsOverTlsAfterBrokerRestartAndSubscribesAgain) {
  TlsMosquittoBroker broker;
  auto client = start_client(options_for(broker, "restart"));
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/restart", "before"));

  broker.stop();
  ASSERT_TRUE(eventually([&] { return handler_.lost_count() >= 1; }, kRetryTimeout));
  EXPECT_FALSE(client->connected());
  broker.start();

  ASSERT_TRUE(eventually([&] { return handler_.connected_count() >= 2; }, kRetryTimeout))
      << ::testing::PrintToString(handler_.events()) << broker.log();
  // The restarted broker has no subscriptions: "after" comes back only if the client subscribed
  // again on its own (round_trip's subscribe() merely repeats a remembered filter).
  ASSERT_TRUE(eventually(
      [&] {
        client->publish(mqtt::Message{"hems-test/tls/restart", "after", 1, false});
        return eventually([&] { return handler_.received("hems-test/tls/restart", "after"); },
                          milliseconds{500});
      },
      kDeliveryTimeout));
}

TEST_F(TlsTest, PlainMqttToTheTlsListenerDoesNotConnect) {
  // Shows that the broker really speaks only TLS, so the round trip above went over TLS.
  TlsMosquittoBroker broker;
  auto options = options_for(broker, "plain");
  options.server_uri = "mqtt://127.0.0.1:" + std::to_string(broker.port());
  options.ca_file.clear();
  auto client = start_client(options);
  expect_refused_and_retrying(broker, *client, "cannot connect");
}

TEST_F(TlsTest, WrongCaIsRefusedReportedOnceAndRetried) {
  TlsMosquittoBroker broker;
  auto options = options_for(broker, "wrong-ca");
  options.ca_file = test_certificates().other_ca.string();
  auto client = start_client(options);
  expect_refused_and_retrying(broker, *client,
                              "ca_file must hold the CA that signed the broker's certificate");
  client->stop(milliseconds{2000});
}

TEST_F(TlsTest, WithoutCaFileThePrivateCaIsNotTrusted) {
  TlsMosquittoBroker broker;
  auto options = options_for(broker, "no-ca");
  options.ca_file.clear();
  auto client = start_client(options);
  expect_refused_and_retrying(broker, *client,
                              "ca_file is not set, so only the system's CAs are trusted");
}

TEST_F(TlsTest, ServerCertificateForAnotherHostIsRefused) {
  TlsMosquittoBroker::Options broker_options;
  broker_options.server = test_certificates().server_for_other_host;
  TlsMosquittoBroker broker(broker_options);
  auto client = start_client(options_for(broker, "other-host"));
  expect_refused_and_retrying(broker, *client, "the certificate must name 127.0.0.1");
}

TEST_F(TlsTest, MissingCaFileIsReported) {
  TlsMosquittoBroker broker;
  auto options = options_for(broker, "missing-ca");
  options.ca_file = "/nonexistent/hems-test-ca.crt";
  auto client = start_client(options);
  ASSERT_TRUE(eventually([&] { return handler_.failed_count() >= 1; }, kConnectTimeout));
  const auto events = handler_.events();
  EXPECT_THAT(events[0], HasSubstr("cannot connect: ca_file '/nonexistent/hems-test-ca.crt' "
                                   "cannot be read: No such file or directory"));
  EXPECT_FALSE(client->connected());
}

// --- client certificates ---------------------------------------------------------------------

TlsMosquittoBroker::Options client_certificate_broker() {
  TlsMosquittoBroker::Options options;
  options.require_certificate = true;
  return options;
}

TEST_F(TlsTest, ClientCertificateIsAccepted) {
  TlsMosquittoBroker broker(client_certificate_broker());
  auto options = options_for(broker, "client-cert");
  options.cert_file = test_certificates().client.cert.string();
  options.key_file = test_certificates().client.key.string();
  auto client = start_client(options);
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/client-cert", "hello"));
}

TEST_F(TlsTest, WithoutClientCertificateTheBrokerRefuses) {
  TlsMosquittoBroker broker(client_certificate_broker());
  auto client = start_client(options_for(broker, "no-client-cert"));
  expect_refused_and_retrying(broker, *client, "needs cert_file and key_file");
}

TEST_F(TlsTest, ClientCertificateFromAnotherCaIsRefused) {
  TlsMosquittoBroker broker(client_certificate_broker());
  auto options = options_for(broker, "foreign-client-cert");
  options.cert_file = test_certificates().client_from_other_ca.cert.string();
  options.key_file = test_certificates().client_from_other_ca.key.string();
  auto client = start_client(options);
  expect_refused_and_retrying(broker, *client, "needs cert_file and key_file");
}

TEST_F(TlsTest, UnreadableClientKeyIsNamed) {
  TlsMosquittoBroker broker(client_certificate_broker());
  auto options = options_for(broker, "missing-key");
  options.cert_file = test_certificates().client.cert.string();
  options.key_file = "/nonexistent/hems-test-client.key";
  auto client = start_client(options);
  ASSERT_TRUE(eventually([&] { return handler_.failed_count() >= 1; }, kConnectTimeout));
  EXPECT_THAT(handler_.events()[0],
              HasSubstr("key_file '/nonexistent/hems-test-client.key' cannot be read"));
  EXPECT_FALSE(client->connected());
}

// --- username and password -------------------------------------------------------------------

constexpr const char* kUser = "hems";
constexpr const char* kPassword = "S3cret-Pa55word-x9";
constexpr const char* kWrongPassword = "Wr0ng-Pa55word-q7";

TlsMosquittoBroker::Options password_broker() {
  TlsMosquittoBroker::Options options;
  options.username = kUser;
  options.password = kPassword;
  return options;
}

TEST_F(TlsTest, RightPasswordIsAccepted) {
  TlsMosquittoBroker broker(password_broker());
  auto options = options_for(broker, "password");
  options.username = kUser;
  options.password = kPassword;
  auto client = start_client(options);
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/password", "authenticated"));
  EXPECT_THAT(handler_.events(), Each(Not(HasSubstr(kPassword))));
}

TEST_F(TlsTest, WrongPasswordIsRefusedAndNotReported) {
  TlsMosquittoBroker broker(password_broker());
  auto options = options_for(broker, "wrong-password");
  options.username = kUser;
  options.password = kWrongPassword;
  auto client = start_client(options);
  expect_refused_and_retrying(broker, *client, "not authorized");
  EXPECT_THAT(handler_.events(), Each(Not(HasSubstr(kWrongPassword))));
  EXPECT_THAT(handler_.events(), Each(Not(HasSubstr(kPassword))));
}

TEST_F(TlsTest, MissingPasswordIsRefused) {
  TlsMosquittoBroker broker(password_broker());
  auto client = start_client(options_for(broker, "anonymous"));
  expect_refused_and_retrying(broker, *client, "not authorized");
}

TEST_F(TlsTest, PahosMostDetailedTraceNeverShowsThePassword) {
  // The adapter logs nothing itself; this guards the one place that could: Paho's trace, which
  // MQTT_C_CLIENT_TRACE turns on in any program built on it.
  TlsMosquittoBroker broker(password_broker());
  PahoTraceCapture trace;
  auto options = options_for(broker, "trace-right");
  options.username = kUser;
  options.password = kPassword;
  auto client = start_client(options);
  ASSERT_TRUE(wait_connected()) << ::testing::PrintToString(handler_.events()) << broker.log();
  ASSERT_TRUE(round_trip(*client, "hems-test/tls/trace", "traced"));

  RecordingHandler refused_handler;
  auto refused_options = options_for(broker, "trace-wrong");
  refused_options.username = kUser;
  refused_options.password = kWrongPassword;
  auto refused = mqtt::make_paho_client(refused_options);
  refused->set_handler(&refused_handler);
  refused->start();
  ASSERT_TRUE(eventually([&] { return refused_handler.failed_count() >= 1; }, kConnectTimeout));
  client->stop(milliseconds{5000});
  refused->stop(milliseconds{1000});

  const auto lines = trace.lines();
  // The trace did see both connects, the accepted and the refused one.
  ASSERT_THAT(lines, Contains(HasSubstr("CONNACK rc: 0")));
  ASSERT_THAT(lines, Contains(HasSubstr("CONNACK rc: 5")));
  EXPECT_THAT(lines, Each(Not(HasSubstr(kPassword))));
  EXPECT_THAT(lines, Each(Not(HasSubstr(kWrongPassword))));
  EXPECT_THAT(refused_handler.events(), Each(Not(HasSubstr(kWrongPassword))));
}

}  // namespace
}  // namespace hems::test
