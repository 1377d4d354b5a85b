// io::HttpServer on a real event loop and loopback sockets. The test is the client, in the same
// thread: it writes, then turns the loop until its socket reaches the end of the answer.
#include "hems/io/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hems/io/event_loop.hpp"

namespace hems::io {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kPatience = std::chrono::seconds(5);
// More than a loopback socket's send buffer takes at once (4 MiB at most by default).
constexpr std::size_t kLargeBody = 6 << 20;

struct Logged {
  LogLevel level;
  std::string text;
};

class HttpServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> open_server(HttpServerOptions options = {}) {
    if (options.address.host.empty())
      options.address = http::ListenAddress{"127.0.0.1", 0};
    auto server = HttpServer::open(
        loop_, options,
        [this](const http::Request& request) {
          requests_.push_back(request.path);
          http::Response response;
          if (request.path == "/throw")
            throw std::runtime_error("no answer today");
          if (request.path == "/large") {
            response.body = std::string(kLargeBody, 'x');
            return response;
          }
          if (request.path != "/hello")
            return http::error_response(404);
          response.content_type = "text/plain";
          response.body = "hello\n";
          return response;
        },
        [this](LogLevel level, const std::string& text) {
          logs_.push_back({level, text});
        });
    EXPECT_TRUE(server) << server.error().message;
    return server ? std::move(*server) : nullptr;
  }

  // A connected, non-blocking client socket.
  int connect_to(const HttpServer& server) {
    const std::string address = server.local_address();
    const auto colon = address.rfind(':');
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &to.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    clients_.push_back(fd);
    return fd;
  }

  void send_text(int fd, const std::string& text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // Everything the server sends until it ends the stream; nullopt if it does not in time.
  std::optional<std::string> read_to_end(int fd) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      loop_.run_once(std::chrono::milliseconds(5));
      for (;;) {
        std::vector<char> buffer(1 << 16);
        const ssize_t count = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (count == 0)
          return got;
        if (count > 0) {
          got.append(buffer.data(), static_cast<std::size_t>(count));
          continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          return got;  // reset: what came before it is the answer
        break;
      }
    }
    return std::nullopt;
  }

  std::string exchange(const HttpServer& server, const std::string& request) {
    const int fd = connect_to(server);
    send_text(fd, request);
    return read_to_end(fd).value_or("(no end)");
  }

  // Closes a client's end and turns the loop until the server has let go of it too.
  bool hang_up(const HttpServer& server, int fd) {
    ::close(fd);
    std::erase(clients_, fd);
    const std::size_t before = server.open_connections();
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (server.open_connections() >= before) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      loop_.run_once(std::chrono::milliseconds(5));
    }
    return true;
  }

  bool logged(std::string_view part) const {
    for (const auto& line : logs_) {
      if (line.text.find(part) != std::string::npos)
        return true;
    }
    return false;
  }

  void TearDown() override {
    for (int fd : clients_)
      ::close(fd);
  }

  EventLoop loop_;
  std::vector<std::string> requests_;
  std::vector<Logged> logs_;
  std::vector<int> clients_;
};

TEST_F(HttpServerTest, AnswersARequestAndClosesTheConnection) {
  auto server = open_server();
  ASSERT_TRUE(server);
  EXPECT_THAT(server->local_address(), StartsWith("127.0.0.1:"));
  EXPECT_NE(server->local_address(), "127.0.0.1:0");
  const int fd = connect_to(*server);
  send_text(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = read_to_end(fd).value_or("(no end)");
  EXPECT_EQ(answer,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
            "Connection: close\r\n\r\nhello\n");
  EXPECT_EQ(requests_, std::vector<std::string>{"/hello"});
  EXPECT_EQ(server->open_connections(), 1u);  // until the client closes its end
  EXPECT_TRUE(hang_up(*server, fd));
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST_F(HttpServerTest, HeadGetsTheFieldsOnly) {
  auto server = open_server();
  ASSERT_TRUE(server);
  const std::string answer = exchange(*server, "HEAD /hello HTTP/1.0\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer, HasSubstr("Content-Length: 6\r\n"));
  EXPECT_THAT(answer, ::testing::EndsWith("\r\n\r\n"));
}

TEST_F(HttpServerTest, GarbageGetsItsRefusalAndIsNotHandedOn) {
  auto server = open_server();
  ASSERT_TRUE(server);
  EXPECT_THAT(exchange(*server, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n", 11)),
              StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(exchange(*server, "PUT /hello HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(exchange(*server, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n"),
              StartsWith("HTTP/1.1 414 URI Too Long\r\n"));
  EXPECT_TRUE(requests_.empty());
  EXPECT_TRUE(logged("HTTP: refused a request from 127.0.0.1:"));
}

TEST_F(HttpServerTest, AStalledClientIsDroppedAtItsDeadline) {
  HttpServerOptions options;
  options.connection_deadline = std::chrono::milliseconds(100);
  auto server = open_server(options);
  ASSERT_TRUE(server);
  const int fd = connect_to(*server);
  send_text(fd, "GET /hello HTTP/1.1\r\n");  // and nothing more
  const auto got = read_to_end(fd);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "");
  EXPECT_TRUE(logged("did not finish within the connection's deadline"));
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = open_server(options);
  ASSERT_TRUE(server);
  const int first = connect_to(*server);
  const int second = connect_to(*server);
  const int third = connect_to(*server);
  const auto refused = read_to_end(third);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, "");
  EXPECT_TRUE(logged("2 are open already"));
  EXPECT_EQ(server->open_connections(), 2u);
  // The two held ones are still served, and afterwards there is room again.
  send_text(first, "GET /hello HTTP/1.0\r\n\r\n");
  send_text(second, "GET /nothing HTTP/1.0\r\n\r\n");
  EXPECT_THAT(read_to_end(first).value_or(""), StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(read_to_end(second).value_or(""), StartsWith("HTTP/1.1 404 Not Found"));
  EXPECT_TRUE(hang_up(*server, first));
  EXPECT_THAT(exchange(*server, "GET /hello HTTP/1.0\r\n\r\n"), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(HttpServerTest, AClientThatKeepsItsEndOpenIsClosedSoonAfterItsAnswer) {
  HttpServerOptions options;
  options.linger = std::chrono::milliseconds(50);  // the deadline stays 10 s, far beyond it
  auto server = open_server(options);
  ASSERT_TRUE(server);
  const int fd = connect_to(*server);
  send_text(fd, "GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_THAT(read_to_end(fd).value_or(""), StartsWith("HTTP/1.1 200 OK"));
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (server->open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
    loop_.run_once(std::chrono::milliseconds(50));
  EXPECT_EQ(server->open_connections(), 0u);
  EXPECT_FALSE(logged("dropped"));
}

TEST_F(HttpServerTest, AnAnswerLargerThanTheSocketBufferIsWrittenWhole) {
  auto server = open_server();
  ASSERT_TRUE(server);
  const std::string answer = exchange(*server, "GET /large HTTP/1.0\r\n\r\n");
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kLargeBody) +
                           "\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(answer.size(), head.size() + kLargeBody);
  EXPECT_EQ(answer.substr(0, head.size()), head);
  EXPECT_EQ(answer.find_first_not_of('x', head.size()), std::string::npos);
}

TEST_F(HttpServerTest, AHandlerThatThrowsGives500AndTheServerServesOn) {
  auto server = open_server();
  ASSERT_TRUE(server);
  EXPECT_THAT(exchange(*server, "GET /throw HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.1 500 Internal Server Error\r\n"));
  EXPECT_TRUE(logged("HTTP: answering /throw failed: no answer today"));
  EXPECT_THAT(exchange(*server, "GET /hello HTTP/1.0\r\n\r\n"), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(HttpServerTest, ARequestInManyPiecesIsServed) {
  auto server = open_server();
  ASSERT_TRUE(server);
  const int fd = connect_to(*server);
  for (char c : std::string("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")) {
    send_text(fd, std::string(1, c));
    loop_.run_once(std::chrono::milliseconds(0));
  }
  EXPECT_THAT(read_to_end(fd).value_or(""), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(HttpServerTest, ABusyPortIsAClearErrorNamingTheAddress) {
  auto first = open_server();
  ASSERT_TRUE(first);
  const std::string taken = first->local_address();
  auto address = http::parse_listen_address(taken);
  ASSERT_TRUE(address);
  auto second = HttpServer::open(
      loop_, HttpServerOptions{*address}, [](const http::Request&) { return http::Response{}; },
      [](LogLevel, const std::string&) {});
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().message, HasSubstr("cannot listen for HTTP on " + taken));
  EXPECT_THAT(second.error().message, HasSubstr("another program listens there"));
}

TEST_F(HttpServerTest, AnAddressThatIsNotHereIsAClearError) {
  // 192.0.2.0/24 is reserved for documentation: no machine has it.
  auto server = HttpServer::open(
      loop_, HttpServerOptions{http::ListenAddress{"192.0.2.1", 9810}},
      [](const http::Request&) { return http::Response{}; }, [](LogLevel, const std::string&) {});
  ASSERT_FALSE(server);
  EXPECT_THAT(
      server.error().message,
      HasSubstr("cannot listen for HTTP on 192.0.2.1:9810: Cannot assign requested address"));
}

}  // namespace
}  // namespace hems::io
