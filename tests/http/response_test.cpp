#include "hems/http/response.hpp"

#include <gtest/gtest.h>

namespace hems::http {
namespace {

TEST(ResponseTest, SerialisesStatusFieldsAndBody) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = "up 1\n";
  EXPECT_EQ(serialize(response, false),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 5\r\n"
            "Connection: close\r\n"
            "\r\n"
            "up 1\n");
}

TEST(ResponseTest, HeadGetsTheSameFieldsWithoutTheBody) {
  Response response;
  response.status = 503;
  response.content_type = "application/json";
  response.body = R"({"healthy":false})";
  EXPECT_EQ(serialize(response, true),
            "HTTP/1.1 503 Service Unavailable\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 17\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(ResponseTest, MethodNotAllowedSaysWhichAre) {
  const Response response = error_response(405);
  EXPECT_EQ(serialize(response, false),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 19\r\n"
            "Connection: close\r\n"
            "Allow: GET, HEAD\r\n"
            "\r\n"
            "Method Not Allowed\n");
}

TEST(ResponseTest, EveryStatusTheServerSendsHasItsReason) {
  EXPECT_EQ(reason_phrase(400), "Bad Request");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(414), "URI Too Long");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(505), "HTTP Version Not Supported");
  EXPECT_EQ(reason_phrase(299), "Unknown");
  EXPECT_EQ(error_response(404).body, "Not Found\n");
  EXPECT_TRUE(error_response(404).headers.empty());
}

}  // namespace
}  // namespace hems::http
