// The Paho adapter against a real, private mosquitto.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "hems/mqtt/client.hpp"
#include "mqtt/recording_handler.hpp"
#include "support/mosquitto.hpp"
#include "support/target_command.hpp"

namespace hems::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Generous: the suite must pass on a loaded two-core machine.
constexpr milliseconds kConnectTimeout{20000};
constexpr milliseconds kDeliveryTimeout{15000};
// After a broker restart: Paho's back-off (at most max_retry) plus the connect itself.
constexpr milliseconds kReconnectTimeout{30000};

std::string unique_id(const std::string& name) {
  static std::atomic<int> counter{0};
  return "hems-test-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

auto any_payload() {
  return [](const std::string&) { return true; };
}

auto payload_is(std::string expected) {
  return [expected](const std::string& payload) { return payload == expected; };
}

class PahoClientTest : public ::testing::Test {
 protected:
  mqtt::ClientOptions options_for(const MosquittoBroker& broker, const std::string& name) {
    mqtt::ClientOptions options;
    options.server_uri = broker.uri();
    options.client_id = unique_id(name);
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

  bool wait_connected(int times = 1) {
    return eventually([&] { return handler_.connected_count() >= times; }, kConnectTimeout);
  }

  MosquittoBroker broker_;
  RecordingHandler handler_;
};

TEST_F(PahoClientTest, ConnectsAndReportsConnected) {
  auto client = start_client(options_for(broker_, "connect"));
  ASSERT_TRUE(wait_connected());
  EXPECT_TRUE(client->connected());
  EXPECT_THAT(handler_.events(), ElementsAre("connected"));
  client->stop(milliseconds{2000});
  EXPECT_FALSE(client->connected());
}

TEST_F(PahoClientTest, PublishesRetainedAndANewSubscriberReadsItBack) {
  auto client = start_client(options_for(broker_, "retained"));
  ASSERT_TRUE(wait_connected());
  Subscriber live(broker_.port(), {"hems-test/bridge/state"});
  client->publish(mqtt::Message{"hems-test/bridge/state", R"({"state":"online"})", 1, true});
  // Once a live subscriber has it, the broker has stored it.
  ASSERT_TRUE(live.wait_for("hems-test/bridge/state", any_payload(), kDeliveryTimeout));

  Subscriber late(broker_.port(), {"hems-test/bridge/state"});
  auto message = late.wait_for("hems-test/bridge/state", any_payload(), kDeliveryTimeout);
  ASSERT_TRUE(message.has_value());
  EXPECT_TRUE(message->retained);
  EXPECT_EQ(message->qos, 0);  // the late subscriber asked for QoS 0
  EXPECT_EQ(message->payload, R"({"state":"online"})");
}

TEST_F(PahoClientTest, NonRetainedMessageIsNotKeptForLateSubscribers) {
  auto client = start_client(options_for(broker_, "plain"));
  ASSERT_TRUE(wait_connected());
  Subscriber live(broker_.port(), {"hems-test/plain"});
  client->publish(mqtt::Message{"hems-test/plain", "x", 0, false});
  auto message = live.wait_for("hems-test/plain", any_payload(), kDeliveryTimeout);
  ASSERT_TRUE(message.has_value());
  EXPECT_FALSE(message->retained);
}

TEST_F(PahoClientTest, SubscriptionReceivesMessages) {
  auto client = mqtt::make_paho_client(options_for(broker_, "subscribe"));
  client->set_handler(&handler_);
  client->subscribe("hems-test/dev/+/set", 1);  // before start: applied on connect
  client->start();
  ASSERT_TRUE(wait_connected());
  // The SUBACK may still be on its way: publish until one arrives.
  ASSERT_TRUE(eventually(
      [&] {
        publish_with_mosquitto_pub(broker_.port(), "hems-test/dev/ac/set", R"({"power":true})", 1);
        return eventually([&] { return !handler_.messages().empty(); }, milliseconds{300});
      },
      kDeliveryTimeout));
  const auto message = handler_.messages().front();
  EXPECT_EQ(message.topic, "hems-test/dev/ac/set");
  EXPECT_EQ(message.payload, R"({"power":true})");
  EXPECT_EQ(message.qos, 1);
  EXPECT_FALSE(message.retain);
}

TEST_F(PahoClientTest, SubscribeWhileConnectedAppliesAtOnce) {
  auto client = start_client(options_for(broker_, "subscribe-live"));
  ASSERT_TRUE(wait_connected());
  client->subscribe("hems-test/live", 0);
  ASSERT_TRUE(eventually(
      [&] {
        publish_with_mosquitto_pub(broker_.port(), "hems-test/live", "hello");
        return eventually([&] { return handler_.received("hems-test/live", "hello"); },
                          milliseconds{300});
      },
      kDeliveryTimeout));
}

TEST_F(PahoClientTest, LastWillIsPublishedWhenTheClientDiesWithoutDisconnecting) {
  const std::string topic = "hems-test/will/bridge/state";
  Subscriber watcher(broker_.port(), {topic});
  ChildProcess child(target_command({HEMS_WILL_CHILD, broker_.uri(), unique_id("will"), topic,
                                     R"({"state":"offline"})"}),
                     ChildProcess::Output::kCaptureLines);
  ASSERT_TRUE(child.wait_for_line([](const std::string& line) { return line == "connected"; },
                                  kConnectTimeout));
  ASSERT_TRUE(watcher.wait_for(topic, payload_is("online"), kDeliveryTimeout));
  EXPECT_FALSE(watcher.wait_for(topic, payload_is(R"({"state":"offline"})"), milliseconds{0}));

  child.kill_now();

  auto will = watcher.wait_for(topic, payload_is(R"({"state":"offline"})"), kDeliveryTimeout);
  ASSERT_TRUE(will.has_value());
  // The will is retained, so it replaces "online" for everyone who subscribes later.
  Subscriber late(broker_.port(), {topic});
  auto stored = late.wait_for(topic, any_payload(), kDeliveryTimeout);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->payload, R"({"state":"offline"})");
  EXPECT_TRUE(stored->retained);
}

TEST_F(PahoClientTest, CleanStopDoesNotPublishTheWill) {
  const std::string topic = "hems-test/will/clean";
  Subscriber watcher(broker_.port(), {topic});
  auto options = options_for(broker_, "clean-stop");
  options.will = mqtt::Message{topic, "will", 1, false};
  auto client = start_client(options);
  ASSERT_TRUE(wait_connected());
  client->publish(mqtt::Message{topic, "last words", 1, false});
  client->stop(milliseconds{5000});

  // A marker sent after the stop: by the time it arrives, a will would have arrived too.
  ASSERT_TRUE(publish_with_mosquitto_pub(broker_.port(), topic, "marker"));
  ASSERT_TRUE(watcher.wait_for(topic, payload_is("marker"), kDeliveryTimeout));
  std::vector<std::string> payloads;
  for (const auto& message : watcher.messages()) {
    if (message.topic == topic)
      payloads.push_back(message.payload);
  }
  EXPECT_THAT(payloads, ElementsAre("last words", "marker"));  // stop() flushed; no will
}

TEST_F(PahoClientTest, ReconnectsAfterBrokerRestartAndSubscribesAgain) {
  auto client = mqtt::make_paho_client(options_for(broker_, "restart"));
  client->set_handler(&handler_);
  client->subscribe("hems-test/restart/in", 0);
  client->start();
  ASSERT_TRUE(wait_connected(1));

  broker_.stop();
  ASSERT_TRUE(eventually([&] { return handler_.lost_count() >= 1; }, kReconnectTimeout));
  EXPECT_FALSE(client->connected());
  broker_.start();

  ASSERT_TRUE(eventually([&] { return handler_.connected_count() >= 2; }, kReconnectTimeout));
  EXPECT_TRUE(client->connected());
  // The restarted broker knows nothing about us: the message arrives only if we subscribed again.
  ASSERT_TRUE(eventually(
      [&] {
        publish_with_mosquitto_pub(broker_.port(), "hems-test/restart/in", "after");
        return eventually([&] { return handler_.received("hems-test/restart/in", "after"); },
                          milliseconds{300});
      },
      kDeliveryTimeout));
  const auto events = handler_.events();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0], "connected");
  EXPECT_THAT(events[1], HasSubstr("lost"));
}

TEST(PahoClientBufferTest, MessagesPublishedWhileTheBrokerIsDownArriveInOrder) {
  // Persistence keeps the subscriber's session across the restart, so it receives the messages
  // even if our client reconnects before mosquitto_sub does.
  MosquittoBroker broker(MosquittoBroker::Options{.persistence = true});
  const std::string topic = "hems-test/offline/seq";
  Subscriber subscriber(broker.port(), {topic},
                        Subscriber::Options{.qos = 1, .persistent_client_id = unique_id("sub")});
  RecordingHandler handler;
  mqtt::ClientOptions options;
  options.server_uri = broker.uri();
  options.client_id = unique_id("offline");
  options.max_retry = milliseconds{2000};
  auto client = mqtt::make_paho_client(options);
  client->set_handler(&handler);
  client->start();
  ASSERT_TRUE(eventually([&] { return handler.connected_count() >= 1; }, kConnectTimeout));
  client->publish(mqtt::Message{topic, "0", 1, false});
  ASSERT_TRUE(subscriber.wait_for(topic, payload_is("0"), kDeliveryTimeout));

  broker.stop();
  ASSERT_TRUE(eventually([&] { return handler.lost_count() >= 1; }, kReconnectTimeout));
  for (int i = 1; i <= 5; ++i) {
    client->publish(mqtt::Message{topic, std::to_string(i), 1, false});
  }
  broker.start();

  // QoS 1 may deliver a message twice around the restart (a legal redelivery of one whose
  // acknowledgement was lost); what matters is that none is lost and the order holds.
  std::vector<std::string> payloads;
  const bool all_arrived = eventually(
      [&] {
        payloads.clear();
        for (const auto& message : subscriber.messages()) {
          if (message.topic != topic)
            continue;
          if (std::find(payloads.begin(), payloads.end(), message.payload) == payloads.end())
            payloads.push_back(message.payload);
        }
        return payloads.size() >= 6;
      },
      kReconnectTimeout);
  EXPECT_TRUE(all_arrived);
  EXPECT_THAT(payloads, ElementsAre("0", "1", "2", "3", "4", "5"));
  EXPECT_EQ(client->dropped_messages(), 0u);
}

TEST_F(PahoClientTest, FullOfflineBufferDropsTheOldestAndReportsIt) {
  const std::string topic = "hems-test/overflow";
  Subscriber watcher(broker_.port(), {topic});
  auto options = options_for(broker_, "overflow");
  options.offline_buffer = 3;
  auto client = mqtt::make_paho_client(options);
  client->set_handler(&handler_);
  for (int i = 0; i < 5; ++i) {  // not started yet: all of these are buffered
    client->publish(mqtt::Message{topic, std::to_string(i), 1, false});
  }
  EXPECT_EQ(client->dropped_messages(), 2u);
  client->start();
  ASSERT_TRUE(wait_connected());

  // Delivery is in order, so once "4" is here everything that survived is here.
  ASSERT_TRUE(watcher.wait_for(topic, payload_is("4"), kDeliveryTimeout));
  std::vector<std::string> payloads;
  for (const auto& message : watcher.messages()) {
    if (message.topic == topic)
      payloads.push_back(message.payload);
  }
  EXPECT_THAT(payloads, ElementsAre("2", "3", "4"));
  EXPECT_THAT(handler_.events(), ElementsAre("dropped 2", "connected"));
}

TEST_F(PahoClientTest, StartedBeforeTheBrokerIsUpItReportsOnceAndKeepsTrying) {
  broker_.stop();
  auto client = start_client(options_for(broker_, "early"));
  ASSERT_TRUE(eventually([&] { return handler_.failed_count() >= 1; }, kConnectTimeout));
  EXPECT_THAT(handler_.events()[0], HasSubstr("cannot connect: connection refused"));
  broker_.start();
  ASSERT_TRUE(eventually([&] { return handler_.connected_count() >= 1; }, kReconnectTimeout));
  EXPECT_EQ(handler_.failed_count(), 1);  // later failed attempts are not reported again
}

TEST_F(PahoClientTest, InvalidServerUriIsReportedOnStart) {
  mqtt::ClientOptions options;
  options.server_uri = "tcp://127.0.0.1:1883";
  options.client_id = unique_id("bad-uri");
  auto client = mqtt::make_paho_client(options);
  client->set_handler(&handler_);
  client->start();
  ASSERT_EQ(handler_.failed_count(), 1);
  EXPECT_THAT(handler_.events()[0], HasSubstr("must start with mqtt:// or mqtts://"));
  client->publish(mqtt::Message{"t", "p", 0, false});  // never throws
  EXPECT_EQ(client->dropped_messages(), 1u);
  EXPECT_FALSE(client->connected());
}

TEST_F(PahoClientTest, NoHandlerCallsAfterStop) {
  auto client = start_client(options_for(broker_, "quiet"));
  ASSERT_TRUE(wait_connected());
  client->stop(milliseconds{2000});
  const auto events_at_stop = handler_.events();
  broker_.stop();  // would be a connection loss if the client were still live
  broker_.start();
  client->publish(mqtt::Message{"t", "p", 0, false});
  EXPECT_EQ(handler_.events(), events_at_stop);
  EXPECT_EQ(client->dropped_messages(), 1u);
}

}  // namespace
}  // namespace hems::test
