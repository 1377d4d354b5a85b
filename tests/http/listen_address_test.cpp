#include "hems/http/listen_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hems::http {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view text) {
  auto parsed = parse_listen_address(text);
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

TEST(ListenAddressTest, ReadsHostAndPort) {
  auto v4 = parse_listen_address("127.0.0.1:9810");
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9810);
  EXPECT_EQ(v4->to_string(), "127.0.0.1:9810");

  auto name = parse_listen_address("localhost:65535");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);

  auto any = parse_listen_address("0.0.0.0:0");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
}

TEST(ListenAddressTest, ReadsBracketedIpv6) {
  auto v6 = parse_listen_address("[::1]:9810");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9810);
  EXPECT_EQ(v6->to_string(), "[::1]:9810");

  auto zoned = parse_listen_address("[fe80::1%eth0]:80");
  ASSERT_TRUE(zoned) << zoned.error().message;
  EXPECT_EQ(zoned->host, "fe80::1%eth0");
}

TEST(ListenAddressTest, SaysWhatIsWrong) {
  EXPECT_THAT(error_of("127.0.0.1"), HasSubstr("needs a port"));
  EXPECT_THAT(error_of(":9810"), HasSubstr("needs a host"));
  EXPECT_THAT(error_of("::1:9810"), HasSubstr("IPv6 address in brackets"));
  EXPECT_THAT(error_of("[::1]"), HasSubstr("needs a port after the address"));
  EXPECT_THAT(error_of("[::1:9810"), HasSubstr("no ']'"));
  EXPECT_THAT(error_of("[localhost]:9810"), HasSubstr("is not an IPv6 address"));
  EXPECT_THAT(error_of("[::1]:"), HasSubstr("port must be a number"));
  EXPECT_THAT(error_of("127.0.0.1:65536"), HasSubstr("port must be a number"));
  EXPECT_THAT(error_of("127.0.0.1:98100000000000000000"), HasSubstr("port must be a number"));
  EXPECT_THAT(error_of("127.0.0.1:-1"), HasSubstr("port must be a number"));
  EXPECT_THAT(error_of("my host:80"), HasSubstr("not an address or host name"));
  EXPECT_THAT(error_of("127.0.0.1:x"), HasSubstr("'127.0.0.1:x'"));
}

}  // namespace
}  // namespace hems::http
