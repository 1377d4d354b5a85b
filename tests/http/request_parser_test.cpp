#include <gtest/gtest.h>

#include <string>

#include "hems/http/request.hpp"

namespace hems::http {
namespace {

ParseResult parse(std::string_view bytes) {
  RequestParser parser;
  return parser.feed(bytes);
}

int refusal_status(const ParseResult& result) {
  const auto* refusal = std::get_if<Refusal>(&result);
  return refusal ? refusal->status : 0;
}

TEST(RequestParserTest, ReadsAScrapersRequest) {
  const auto result = parse(
      "GET /metrics?name[]=up HTTP/1.1\r\nHost: 127.0.0.1:9810\r\n"
      "User-Agent: Prometheus/2.42.0\r\nAccept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\n\r\n");
  const auto* request = std::get_if<Request>(&result);
  ASSERT_NE(request, nullptr) << refusal_status(result);
  EXPECT_EQ(request->method, Method::get);
  EXPECT_EQ(request->path, "/metrics");
  EXPECT_EQ(request->query, "name[]=up");
  EXPECT_EQ(request->minor_version, 1);
}

TEST(RequestParserTest, ReadsHeadAndHttp10WithoutHostAndBareLineFeeds) {
  const auto result = parse("HEAD /health HTTP/1.0\n\n");
  const auto* request = std::get_if<Request>(&result);
  ASSERT_NE(request, nullptr) << refusal_status(result);
  EXPECT_EQ(request->method, Method::head);
  EXPECT_EQ(request->path, "/health");
  EXPECT_EQ(request->query, "");
  EXPECT_EQ(request->minor_version, 0);
}

TEST(RequestParserTest, WaitsForTheEndOfTheHeadersWhateverTheSplit) {
  const std::string text = "\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t split = 0; split < text.size(); ++split) {
    RequestParser parser;
    const auto first = parser.feed(std::string_view(text).substr(0, split));
    EXPECT_TRUE(std::holds_alternative<NeedMore>(first)) << "split at " << split;
    const auto second = parser.feed(std::string_view(text).substr(split));
    ASSERT_TRUE(std::holds_alternative<Request>(second)) << "split at " << split;
    EXPECT_EQ(std::get<Request>(second).path, "/health");
  }
}

TEST(RequestParserTest, KeepsItsAnswerAndIgnoresWhatFollows) {
  RequestParser parser;
  ASSERT_TRUE(std::holds_alternative<Request>(
      parser.feed("GET /a HTTP/1.1\r\nHost: x\r\n\r\nBODY BYTES\r\n\r\n")));
  const auto again = parser.feed("POST /b HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(std::holds_alternative<Request>(again));
  EXPECT_EQ(std::get<Request>(again).path, "/a");
}

TEST(RequestParserTest, RefusesOtherMethodsWith405) {
  EXPECT_EQ(refusal_status(parse("POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n")), 405);
  EXPECT_EQ(refusal_status(parse("get /metrics HTTP/1.1\r\n")), 405);  // methods are case-sensitive
  EXPECT_EQ(refusal_status(parse("DELETE / HTTP/1.1\r\n")), 405);
}

TEST(RequestParserTest, RefusesMalformedRequestsWith400) {
  for (const char* text : {
           "GET\r\n",                                              // no target
           "GET /metrics\r\n",                                     // HTTP/0.9
           "GET  /metrics HTTP/1.1\r\n",                           // two spaces
           "GET /met rics HTTP/1.1\r\n",                           // space in the target
           "GET /metrics HTTP/1.1 \r\n",                           // trailing space
           "GET metrics HTTP/1.1\r\n",                             // not a path
           "GET /metrics HTTP/1.x\r\n",                            // version
           "GET /metrics http/1.1\r\n",                            // version is case-sensitive
           "G(T /metrics HTTP/1.1\r\n",                            // method not a token
           "GET /me\x01trics HTTP/1.1\r\n",                        // control character
           "GET /metrics HTTP/1.1\r\nHost: x\r\n bad\r\n",         // folded line
           "GET /metrics HTTP/1.1\r\nHost x\r\n",                  // no colon
           "GET /metrics HTTP/1.1\r\nHost : x\r\n",                // space before the colon
           "GET /metrics HTTP/1.1\r\n: x\r\n",                     // empty name
           "GET /metrics HTTP/1.1\r\nHost: a\rb\r\n",              // CR inside a value
           "GET /metrics HTTP/1.1\r\n\r\n",                        // HTTP/1.1 without Host
           "GET /metrics HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",  // two Hosts
           "\r\n\r\n\r\n\r\n\r\n",                                 // only blank lines
       }) {
    EXPECT_EQ(refusal_status(parse(text)), 400) << text;
  }
}

TEST(RequestParserTest, RefusesOtherMajorVersionsWith505) {
  EXPECT_EQ(refusal_status(parse("GET / HTTP/2.0\r\n")), 505);
}

TEST(RequestParserTest, RequestLineUpToTheLimitIsReadLongerIs414) {
  const std::string start = "GET /";
  const std::string end = " HTTP/1.1";
  const std::size_t fill = kMaxRequestLine - start.size() - end.size();
  const std::string longest = start + std::string(fill, 'a') + end;
  ASSERT_EQ(longest.size(), kMaxRequestLine);
  EXPECT_TRUE(std::holds_alternative<Request>(parse(longest + "\r\nHost: x\r\n\r\n")));
  const std::string too_long = start + std::string(fill + 1, 'a') + end;
  EXPECT_EQ(refusal_status(parse(too_long + "\r\n")), 414);
  // Also before its end has come: the client need not send more for the refusal.
  RequestParser parser;
  EXPECT_TRUE(std::holds_alternative<NeedMore>(parser.feed(longest + "\r")));
  RequestParser endless;
  EXPECT_EQ(refusal_status(endless.feed(std::string(kMaxRequestLine + 2, 'A'))), 414);
}

TEST(RequestParserTest, HeaderSectionUpToTheLimitIsReadLargerIs431) {
  const std::string line = "GET / HTTP/1.1\r\n";
  // The header section counts every header line and the blank line, line ends included.
  const std::string host = "Host: x\r\n";
  const std::string filler_start = "X-Fill: ";
  const std::size_t fill = kMaxHeaderSection - host.size() - filler_start.size() - 2 - 2;
  const std::string headers = host + filler_start + std::string(fill, 'v') + "\r\n\r\n";
  ASSERT_EQ(headers.size(), kMaxHeaderSection);
  EXPECT_TRUE(std::holds_alternative<Request>(parse(line + headers)));
  const std::string larger = host + filler_start + std::string(fill + 1, 'v') + "\r\n\r\n";
  EXPECT_EQ(refusal_status(parse(line + larger)), 431);
  RequestParser endless;
  EXPECT_EQ(refusal_status(endless.feed(line + std::string(kMaxHeaderSection + 1, 'h'))), 431);
}

TEST(RequestParserTest, RefusalsSayWhy) {
  const auto result = parse("GET /metrics HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(std::holds_alternative<Refusal>(result));
  EXPECT_EQ(std::get<Refusal>(result).reason, "an HTTP/1.1 request without a Host header");
}

}  // namespace
}  // namespace hems::http
