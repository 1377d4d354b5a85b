#include "hems/mqtt/server_uri.hpp"

#include <gtest/gtest.h>

namespace hems::mqtt {
namespace {

TEST(ServerUriTest, PlainWithPort) {
  auto address = parse_server_uri("mqtt://broker.lan:1884");
  ASSERT_TRUE(address.has_value());
  EXPECT_FALSE(address->tls);
  EXPECT_EQ(address->host, "broker.lan");
  EXPECT_EQ(address->port, 1884);
  EXPECT_EQ(to_paho_uri(*address), "tcp://broker.lan:1884");
}

TEST(ServerUriTest, DefaultPorts) {
  EXPECT_EQ(parse_server_uri("mqtt://h")->port, 1883);
  EXPECT_EQ(parse_server_uri("mqtts://h")->port, 8883);
  EXPECT_EQ(parse_server_uri("mqtt://h/")->port, 1883);
}

TEST(ServerUriTest, TlsBecomesSsl) {
  auto address = parse_server_uri("mqtts://secure.example:8884");
  ASSERT_TRUE(address.has_value());
  EXPECT_TRUE(address->tls);
  EXPECT_EQ(to_paho_uri(*address), "ssl://secure.example:8884");
}

TEST(ServerUriTest, Ipv6Literal) {
  auto address = parse_server_uri("mqtt://[fd00::1]:1883");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->host, "fd00::1");
  EXPECT_EQ(to_paho_uri(*address), "tcp://[fd00::1]:1883");
  EXPECT_EQ(parse_server_uri("mqtt://[::1]")->port, 1883);
}

TEST(ServerUriTest, Rejections) {
  EXPECT_EQ(parse_server_uri("tcp://h:1883").error().message,
            "must start with mqtt:// or mqtts://");
  EXPECT_EQ(parse_server_uri("MQTT://h").error().message, "must start with mqtt:// or mqtts://");
  EXPECT_EQ(parse_server_uri("mqtt://").error().message, "has no host");
  EXPECT_EQ(parse_server_uri("mqtt://:1883").error().message, "has no host");
  EXPECT_EQ(parse_server_uri("mqtt://h:0").error().message, "port 0 is out of range 1-65535");
  EXPECT_EQ(parse_server_uri("mqtt://h:65536").error().message,
            "port 65536 is out of range 1-65535");
  EXPECT_EQ(parse_server_uri("mqtt://h:99999999999999999999").error().message,
            "port 99999999999999999999 is out of range 1-65535");
  EXPECT_EQ(parse_server_uri("mqtt://h:").error().message, "port '' is not a number");
  EXPECT_EQ(parse_server_uri("mqtt://h:12x").error().message, "port '12x' is not a number");
  EXPECT_EQ(parse_server_uri("mqtt://h:-1").error().message, "port '-1' is not a number");
  EXPECT_EQ(parse_server_uri("mqtt://u:p@h").error().message,
            "must not contain credentials; use username and password");
  EXPECT_EQ(parse_server_uri("mqtt://h/topic").error().message,
            "must be scheme://host[:port] without a path");
  EXPECT_EQ(parse_server_uri("mqtt://[::1").error().message, "has an unterminated '[' in the host");
  EXPECT_EQ(parse_server_uri("mqtt://[::1]x").error().message, "has text after the IPv6 address");
}

}  // namespace
}  // namespace hems::mqtt
