// The real hems2mqtt with [http] listen: /metrics scraped over TCP as Prometheus would and checked
// by promtool (from Debian's prometheus package, scripts/promtool.sh) and by the strict reader of
// the format; /health; refusals that leave the daemon serving; a port that is taken.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bridge_fixture.hpp"
#include "support/prometheus_exposition.hpp"

namespace hems::testing {
namespace {

struct HttpAnswer {
  int status = 0;
  std::string head;
  std::string body;
};

// One request on a fresh connection; the answer read to the end of the stream.
std::optional<HttpAnswer> http_request(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval patience{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
      raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto end_of_head = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || end_of_head == std::string::npos)
    return std::nullopt;
  return HttpAnswer{std::stoi(raw.substr(9, 3)), raw.substr(0, end_of_head + 2),
                    raw.substr(end_of_head + 4)};
}

std::optional<HttpAnswer> get(int port, const std::string& path) {
  return http_request(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

// The path of a program on PATH, or "" when there is none.
std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

class HttpEndpoint : public BridgeFixture {
 protected:
  // Starts the simulator and the bridge with [http] listen on a free port; returns the port.
  int start_with_http() {
    start_sim(SimSetup{});
    write_config("\n[http]\nlisten = \"127.0.0.1:0\"\n");
    start_bridge();
    const std::string marker = "serving /metrics and /health on http://127.0.0.1:";
    auto at = bridge_->wait_for_output(marker, 20s);
    if (!at)
      return 0;
    return std::stoi(bridge_->output().substr(*at));
  }
};

TEST_F(HttpEndpoint, MetricsPassPromtoolAndCountTheReadings) {
  const int port = start_with_http();
  ASSERT_GT(port, 0) << "the bridge did not say where it serves";
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("energy_import_kwh"); }, 60s));
  auto answer = get(port, "/metrics");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_NE(answer->head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos)
      << answer->head;
  const test::Exposition read = test::read_exposition(answer->body);
  EXPECT_TRUE(read.problems.empty()) << read.problems.front() << "\n" << answer->body;
  EXPECT_GE(read.value(R"(hems2mqtt_meter_readings_total{kind="instant"})"), 1);
  EXPECT_GE(read.value(R"(hems2mqtt_meter_readings_total{kind="energy"})"), 1);
  EXPECT_EQ(read.value("hems2mqtt_mqtt_connected"), 1);
  EXPECT_EQ(read.value("hems2mqtt_meter_link_up"), 1);

  const char* given = std::getenv("HEMS_PROMTOOL");
  const std::string promtool = given && *given ? given : find_on_path("promtool");
  if (promtool.empty())
    GTEST_SKIP() << "promtool is missing (scripts/promtool.sh fetches it; scripts/test.sh sets "
                    "HEMS_PROMTOOL)";
  const std::string exposition = dir_ + "/metrics.txt";
  const std::string report = dir_ + "/promtool.txt";
  std::ofstream(exposition) << answer->body;
  const std::string command =
      promtool + " check metrics < " + exposition + " > " + report + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(report);
  const std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << said << "\n" << answer->body;
  EXPECT_EQ(said, "") << answer->body;
}

TEST_F(HttpEndpoint, HealthAnswersLikeTheHealthCheckRequest) {
  const int port = start_with_http();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(wait_state([](const json& s) { return s.contains("power_w"); }, 60s));
  auto answer = get(port, "/health");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << answer->body;
  const json body = json::parse(answer->body);
  EXPECT_EQ(body["healthy"], true);
  EXPECT_EQ(body["meter_link"]["state"], "joined");
  EXPECT_EQ(body["lan"]["status"], "disabled");
  // HEAD: the same answer without its body.
  auto head = http_request(port, "HEAD /health HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

TEST_F(HttpEndpoint, BadRequestsAreRefusedAndTheDaemonServesOn) {
  const int port = start_with_http();
  ASSERT_GT(port, 0);
  auto garbage =
      http_request(port, std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\n", 12));
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  auto post = http_request(port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_NE(post->head.find("Allow: GET, HEAD\r\n"), std::string::npos);
  auto missing = get(port, "/favicon.ico");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(bridge_->wait_for_output("HTTP: refused a request from 127.0.0.1:", 5s));
  auto metrics = get(port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_TRUE(bridge_->running());
}

TEST_F(HttpEndpoint, APortThatIsTakenStopsTheDaemonWithTheAddressNamed) {
  const int port = start_with_http();
  ASSERT_GT(port, 0);
  const std::string taken = "127.0.0.1:" + std::to_string(port);
  std::ofstream(dir_ + "/second.toml")
      << "[mqtt]\nserver = \"" << broker_->uri() << "\"\nclient_id = \"second\"\n"
      << "[meter]\nenabled = false\nstate_dir = \"" << dir_ << "/second-state\"\n"
      << "[http]\nlisten = \"" << taken << "\"\n";
  ChildProcess second(binary_dir() + "/src/app/hems2mqtt",
                      std::vector<std::string>{"--config", dir_ + "/second.toml"});
  EXPECT_EQ(second.wait_exit(20s), 1) << second.output();
  EXPECT_NE(second.output().find("cannot listen for HTTP on " + taken), std::string::npos)
      << second.output();
}

}  // namespace
}  // namespace hems::testing
