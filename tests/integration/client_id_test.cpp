// MQTT client ids in a real home: two bridges on one broker (two meters, or a manual run beside
// the service), a shared id, and a broker that is not there.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

// The id a bridge says it connected as ("connected to the MQTT broker ... as 'ID'").
std::string connected_as(const std::string& output) {
  std::smatch match;
  static const std::regex line("connected to the MQTT broker \\S+ as '([^']+)'");
  return std::regex_search(output, match, line) ? match[1].str() : std::string{};
}

class ClientIds : public BridgeFixture {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      if (second_bridge_)
        std::cerr << "---- second hems2mqtt output ----\n"
                  << tail(second_bridge_->output()) << "\n";
      std::cerr << "---- mosquitto log ----\n" << tail(broker_->log()) << "\n";
    }
    second_bridge_.reset();
    second_sim_.reset();
    BridgeFixture::TearDown();
  }

  // A second meter with its own simulated dongle, state directory and config, on the same
  // broker; `extra_mqtt` goes into its [mqtt] section.
  void start_second(const std::string& extra_mqtt = "") {
    const std::string dir = dir_ + "/second";
    std::filesystem::create_directories(dir);
    second_sim_ = std::make_unique<ChildProcess>(
        binary_dir() + "/src/sim/hems2mqtt-sim",
        std::vector<std::string>{"--dialect", "bp35c0", "--speed", "20", "--seed", "11", "--pty",
                                 dir + "/wisun"});
    ASSERT_TRUE(second_sim_->wait_for_output("READY ", 10s)) << second_sim_->output();
    std::ofstream out(dir + "/config.toml");
    out << "[mqtt]\nserver = \"" << broker_->uri() << "\"\n"
        << extra_mqtt << "\n[meter]\ndevice = \"" << dir << "/wisun\"\n"
        << "id = \"" << kRouteBId << "\"\npassword = \"" << kPassword << "\"\n"
        << "state_dir = \"" << dir << "/state\"\n"
        << "instant_interval = 2\nenergy_interval = 4\nresponse_timeout = 3\n";
    out.close();
    second_bridge_ =
        std::make_unique<ChildProcess>(binary_dir() + "/src/app/hems2mqtt",
                                       std::vector<std::string>{"--config", dir + "/config.toml"});
  }

  std::unique_ptr<ChildProcess> second_sim_;
  std::unique_ptr<ChildProcess> second_bridge_;
};

TEST_F(ClientIds, TwoBridgesWithDefaultSettingsBothStayConnected) {
  start_all(SimSetup{"bp35a1", "pty", {}});
  start_second();
  ASSERT_TRUE(second_bridge_->wait_for_output("connected to the MQTT broker", 30s));
  const std::string first_id = connected_as(bridge_->output());
  const std::string second_id = connected_as(second_bridge_->output());
  ASSERT_FALSE(first_id.empty()) << bridge_->output();
  ASSERT_FALSE(second_id.empty()) << second_bridge_->output();
  EXPECT_NE(first_id, second_id);
  EXPECT_TRUE(first_id.starts_with("hems2mqtt-")) << first_id;

  // A minute side by side: neither is thrown off (the broker would close the older connection
  // of a shared id within a second or two, and again on every reconnect).
  EXPECT_FALSE(bridge_->wait_for_output("lost the connection to the MQTT broker", 60s));
  EXPECT_FALSE(second_bridge_->wait_for_output("lost the connection to the MQTT broker", 1s));
  EXPECT_EQ(broker_->log().find("already connected"), std::string::npos);
  EXPECT_TRUE(second_bridge_->running());

  // The id is kept across a restart.
  bridge_.reset();
  const std::size_t before = observer_->count();
  start_bridge();
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 30s));
  EXPECT_EQ(connected_as(bridge_->output()), first_id);
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s, before));
}

TEST_F(ClientIds, ASharedClientIdIsNamedInTheLog) {
  start_all(SimSetup{"bp35a1", "pty", {}}, "", "client_id = \"shared-id\"\n");
  start_second("client_id = \"shared-id\"\n");
  // Each connection now lives a few seconds; the third loss in a row is reported by whichever
  // bridge sees it first.
  const std::string hint = "another MQTT client probably uses the same client id 'shared-id'";
  bool named = false;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (!named && std::chrono::steady_clock::now() < deadline) {
    named = bridge_->wait_for_output(hint, 1s).has_value() ||
            second_bridge_->wait_for_output(hint, 1s).has_value();
  }
  EXPECT_TRUE(named) << "neither bridge said why it keeps losing the broker";
}

TEST_F(ClientIds, ABrokerThatCannotBeReachedIsNamedWithTheReason) {
  // A loopback port that is bound but not listening: connections to it are refused, and no
  // other process can take it while the test runs.
  const int blocker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(blocker, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string server = "mqtt://127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  std::ofstream out(dir_ + "/config.toml");
  out << "[mqtt]\nserver = \"" << server << "\"\n[meter]\ndevice = \"" << dir_ << "/absent\"\n"
      << "id = \"" << kRouteBId << "\"\npassword = \"" << kPassword << "\"\n"
      << "state_dir = \"" << dir_ << "/state\"\n";
  out.close();
  start_bridge();
  const std::string expected =
      "cannot connect to the MQTT broker " + server + ": connection refused";
  EXPECT_TRUE(bridge_->wait_for_output(expected, 30s)) << bridge_->output();
  EXPECT_EQ(bridge_->output().find("lost the connection"), std::string::npos)
      << "it never had a connection to lose";
  EXPECT_TRUE(bridge_->running());
  ::close(blocker);
}

}  // namespace
}  // namespace hems::testing
