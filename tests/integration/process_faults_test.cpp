// The faults of the fault matrix that only a real process meets: SIGTERM in the middle of a scan
// or a join, a broker that refuses the login and is then fixed, a broker away for minutes, a
// configuration that cannot be read. The meter-side faults, alone and in pairs, are in
// tests/app/bridge/fault_matrix_test.cpp.

#include <algorithm>
#include <csignal>

#include "bridge_fixture.hpp"

namespace hems::testing {
namespace {

class ProcessFaults : public BridgeFixture {
 protected:
  // The simulator in real time: a scan takes seconds and a join a few, so a signal sent when the
  // log says either has begun arrives in the middle of it.
  void start_real_time_sim() {
    start_sim(SimSetup{"bp35a1", "pty", {"--speed", "1"}});
    write_config();
  }

  // The broker connection comes up beside the scan, in its own time. A daemon stopped before it
  // has connected has never said online and has nothing to take back, so the signal waits for it.
  void wait_until_connected() {
    ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 30s)) << bridge_->output();
  }

  // SIGTERM now: the daemon must exit 0 within a few seconds, and say offline on the way out.
  void terminate_and_expect_clean_exit() {
    const std::size_t from = mark();
    bridge_->signal(SIGTERM);
    EXPECT_EQ(bridge_->wait_exit(10s), 0) << bridge_->output();
    EXPECT_TRUE(observer_->wait_for(
        "hems2mqtt/bridge/state", 10s,
        [](const mqtt::Message& m) { return m.payload == R"({"state":"offline"})"; }, from));
  }
};

TEST_F(ProcessFaults, SigtermDuringAScanExitsAtOnceAndTheNextStartReadsTheMeter) {
  start_real_time_sim();
  start_bridge();
  ASSERT_TRUE(bridge_->wait_for_output("B-route: scanning", 30s));
  wait_until_connected();
  terminate_and_expect_clean_exit();
  EXPECT_EQ(bridge_->output().find("found the meter"), std::string::npos)
      << "the scan finished before the signal; the test proves nothing";
  // The dongle may still finish the old scan; the next start copes with its leftovers.
  start_bridge();
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 90s, mark()));
}

TEST_F(ProcessFaults, SigtermDuringAJoinExitsAtOnceAndTheNextStartReadsTheMeter) {
  start_real_time_sim();
  start_bridge();
  ASSERT_TRUE(bridge_->wait_for_output("B-route: joining", 60s));
  wait_until_connected();
  terminate_and_expect_clean_exit();
  EXPECT_EQ(bridge_->output().find("B-route: joined"), std::string::npos)
      << "the join finished before the signal; the test proves nothing";
  start_bridge();
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 90s, mark()));
}

// Long enough for Paho's reconnect back-off to reach its cap several times over.
TEST_F(ProcessFaults, ABrokerAwayForMinutesGetsTheReadingsTakenMeanwhileAndReconnectsPromptly) {
  start_all(SimSetup{});
  test::Subscriber::Options options;
  options.qos = 1;
  options.persistent_client_id = "minutes-away";
  test::Subscriber subscriber(broker_->port(), {"hems2mqtt/smart_meter"}, options);
  ASSERT_TRUE(subscriber.wait_for(
      "hems2mqtt/smart_meter", [](const std::string&) { return true; }, 20s));
  auto states_so_far = [&] {
    std::vector<std::string> seen;
    for (const auto& m : subscriber.messages()) {
      if (m.topic == "hems2mqtt/smart_meter")
        seen.push_back(json::parse(m.payload, nullptr, false).value("last_seen", ""));
    }
    return seen;
  };
  const std::size_t states_before = states_so_far().size();
  const std::size_t before = bridge_->output_size();
  broker_->stop();
  ASSERT_TRUE(bridge_->wait_for_output("lost the connection to the MQTT broker", 10s, before));
  const auto down_until = std::chrono::steady_clock::now() + 100s;
  std::size_t reads_while_down = 0;
  std::size_t sim_at = sim_->output_size();
  while (std::chrono::steady_clock::now() < down_until) {
    auto next = sim_->wait_for_output("[E7,E8", 5s, sim_at);
    if (next) {
      ++reads_while_down;
      sim_at = *next;
    }
  }
  const auto back_at = std::chrono::steady_clock::now();
  broker_->start();
  // The back-off is capped at 15 s; the connect itself and the loop add a little.
  ASSERT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 25s, before))
      << "not reconnected within 25 s of the broker's return";
  const double reconnect_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - back_at).count();
  EXPECT_GE(reads_while_down, 10u) << "the meter was not read while the broker was away";

  // Everything taken meanwhile arrives, in the order it was taken.
  subscriber.wait_for_count("hems2mqtt/smart_meter", states_before + reads_while_down, 30s);
  const std::vector<std::string> seen = states_so_far();
  ASSERT_GE(seen.size(), states_before + reads_while_down);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << "states arrived out of order";

  // And the retained state a newcomer gets is the newest, not one of the buffered ones.
  test::Subscriber newcomer(broker_->port(), {"hems2mqtt/smart_meter"});
  auto retained = newcomer.wait_for(
      "hems2mqtt/smart_meter", [](const std::string&) { return true; }, 10s);
  ASSERT_TRUE(retained);
  EXPECT_GE(json::parse(retained->payload, nullptr, false).value("last_seen", ""), seen.back());
  std::cout << "[ MEASURED ] broker away 100 s: " << reads_while_down
            << " meter reads meanwhile, reconnected " << reconnect_s
            << " s after its return, states delivered afterwards: " << seen.size() - states_before
            << "\n";
}

class BrokerLogin : public BridgeFixture {
 protected:
  test::MosquittoBroker::Options broker_options() const override {
    test::MosquittoBroker::Options options;
    options.login_listener = true;
    return options;
  }
};

TEST_F(BrokerLogin, ARefusedLoginIsNamedAndTheBridgeConnectsOnceTheUserExists) {
  start_sim(SimSetup{});
  std::ofstream out(dir_ + "/config.toml");
  out << "[mqtt]\nserver = \"" << broker_->login_uri() << "\"\nusername = \"bridge\"\n"
      << "password = \"broker-secret-9\"\n"
      << "[meter]\ndevice = \"" << device_ << "\"\nid = \"" << kRouteBId << "\"\npassword = \""
      << kPassword << "\"\nstate_dir = \"" << dir_ << "/state\"\ninstant_interval = 2\n";
  out.close();
  start_bridge();
  EXPECT_TRUE(bridge_->wait_for_output("not authorized", 30s) ||
              bridge_->wait_for_output("bad user name or password", 1s))
      << bridge_->output();
  // The meter is read all the same.
  EXPECT_TRUE(bridge_->wait_for_output("B-route: joined", 60s));
  EXPECT_TRUE(bridge_->running());
  EXPECT_EQ(bridge_->output().find("broker-secret-9"), std::string::npos);

  broker_->set_login_users({{"bridge", "broker-secret-9"}});
  const auto fixed_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(bridge_->wait_for_output("connected to the MQTT broker", 30s)) << bridge_->output();
  EXPECT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 30s));
  std::cout << "[ MEASURED ] login fixed: connected and publishing after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - fixed_at).count()
            << " s\n";
}

}  // namespace
}  // namespace hems::testing
