// The hems2mqtt command line as a user runs it.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "child_process.hpp"

namespace hems::testing {
namespace {

using namespace std::chrono_literals;

struct Run {
  int status;
  std::string output;
};

Run run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  ChildProcess p(binary_dir() + "/src/app/hems2mqtt", std::move(args), std::move(env));
  auto status = p.wait_exit(30s);
  EXPECT_TRUE(status) << "hems2mqtt did not exit";
  return Run{status.value_or(-1), p.output()};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("hems-cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }
  std::string dir_;
};

constexpr const char* kValid =
    "[mqtt]\nserver = \"mqtt://127.0.0.1:1883\"\npassword = \"broker-secret-1\"\n"
    "[meter]\ndevice = \"/dev/wisun\"\nid = \"3F8A2C5E7B1D4096A8C3E5F7092B4D6E\"\n"
    "password = \"SIMULATORPW1\"\n";

TEST_F(Cli, VersionAndHelp) {
  auto version = run({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(version.output.starts_with("hems2mqtt ")) << version.output;
  auto help = run({"--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* option : {"--config", "--check-config", "--print-config", "--list-ports",
                             "--version", "--log-level"}) {
    EXPECT_NE(help.output.find(option), std::string::npos) << option;
  }
}

TEST_F(Cli, UnknownOptionIsAnError) {
  auto r = run({"--frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--frobnicate"), std::string::npos);
}

TEST_F(Cli, CheckConfigAcceptsAValidFile) {
  auto r = run({"--check-config", "--config", write("ok.toml", kValid)});
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST_F(Cli, CheckConfigReportsEveryProblemWithItsLine) {
  const std::string path = write("bad.toml",
                                 "[mqtt]\n"
                                 "server = \"http://example\"\n"
                                 "[meter]\n"
                                 "id = \"tooshort\"\n"
                                 "password = \"SIMULATORPW1\"\n"
                                 "instant_intervall = 10\n");
  auto r = run({"--check-config", "--config", path});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(path + ":2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(path + ":4:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(path + ":6:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("instant_interval"), std::string::npos) << "suggests the right key";
  EXPECT_EQ(r.output.find("tooshort"), std::string::npos) << "the B-route ID is a secret";
}

TEST_F(Cli, CheckConfigRefusesTheExamplesPlaceholderCredentials) {
  // The shipped example as a user copies it, without editing the credentials.
  auto r = run({"--check-config", "--config", HEMS_SOURCE_DIR "/config/example.toml"});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("meter.id is still the example's placeholder"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("meter.password is still the example's placeholder"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("configuration is valid"), std::string::npos) << r.output;
}

TEST_F(Cli, CheckConfigOnAMissingFile) {
  auto r = run({"--check-config", "--config", dir_ + "/nope.toml"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("nope.toml"), std::string::npos);
}

// A configuration that cannot be read at all is one clear line and exit status 2, never a crash.
TEST_F(Cli, AnUnreadableConfigIsAnErrorNotACrash) {
  std::filesystem::create_directory(dir_ + "/a-directory.toml");
  std::string garbage(4096, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<char>((i * 131 + 7) % 256);
  const std::string binary = write("binary.toml", garbage);
  for (const std::string& path : {dir_ + "/a-directory.toml", binary}) {
    SCOPED_TRACE(path);
    for (const char* mode : {"--check-config", "--print-config"}) {
      auto r = run({mode, "--config", path});
      EXPECT_EQ(r.status, 2) << r.output;
      EXPECT_NE(r.output.find(path.substr(path.rfind('/') + 1)), std::string::npos) << r.output;
    }
    // The daemon itself refuses to start the same way.
    auto r = run({"--config", path});
    EXPECT_EQ(r.status, 2) << r.output;
  }
}

TEST_F(Cli, PrintConfigRedactsSecretsAndAppliesTheEnvironment) {
  auto r = run({"--print-config", "--config", write("ok.toml", kValid)},
               {{"HEMS2MQTT_METER_INSTANT_INTERVAL", "30"}});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("SIMULATORPW1"), std::string::npos);
  EXPECT_EQ(r.output.find("3F8A2C5E7B1D4096A8C3E5F7092B4D6E"), std::string::npos);
  EXPECT_EQ(r.output.find("broker-secret-1"), std::string::npos);
  EXPECT_NE(r.output.find("<redacted>"), std::string::npos);
  EXPECT_NE(r.output.find("instant_interval = 30"), std::string::npos) << r.output;
}

TEST_F(Cli, ConfigPathFromTheEnvironment) {
  auto r = run({"--check-config"}, {{"HEMS2MQTT_CONFIG", write("env.toml", kValid)}});
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST_F(Cli, ListPortsRunsWithoutHardware) {
  auto r = run({"--list-ports"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(r.output.empty());
}

TEST_F(Cli, AMissingDongleIsExplainedAndRetried) {
  // The daemon must not exit when the dongle is absent: it says why and keeps trying.
  const std::string path =
      write("run.toml", std::string(kValid) + "state_dir = \"" + dir_ + "/state\"\n");
  std::ofstream(path, std::ios::app) << "";
  ChildProcess p(binary_dir() + "/src/app/hems2mqtt", {"--config", path, "--log-level", "info"},
                 {{"HEMS2MQTT_METER_DEVICE", dir_ + "/no-such-dongle"},
                  {"HEMS2MQTT_MQTT_SERVER", "mqtt://127.0.0.1:9"}});
  EXPECT_TRUE(p.wait_for_output("no-such-dongle", 10s));
  EXPECT_TRUE(p.wait_for_output("retrying in", 10s));
  EXPECT_TRUE(p.running());
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(15s), 0);
}

}  // namespace
}  // namespace hems::testing
