// Connects with a retained last will, publishes "online" on the will topic, says "connected" on
// stdout and then waits to be killed. Killing it with SIGKILL drops the connection without a
// DISCONNECT, which is exactly when the broker must publish the will.
//
// Usage: mqtt_will_child SERVER_URI CLIENT_ID WILL_TOPIC WILL_PAYLOAD

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "hems/mqtt/client.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: mqtt_will_child SERVER_URI CLIENT_ID WILL_TOPIC WILL_PAYLOAD\n";
    return 2;
  }
  hems::mqtt::ClientOptions options;
  options.server_uri = argv[1];
  options.client_id = argv[2];
  options.will = hems::mqtt::Message{argv[3], argv[4], 1, true};
  auto client = hems::mqtt::make_paho_client(options);
  client->start();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!client->connected()) {
    if (std::chrono::steady_clock::now() > deadline)
      return 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  client->publish(hems::mqtt::Message{argv[3], "online", 1, true});
  std::cout << "connected" << std::endl;
  while (true)
    pause();
}
