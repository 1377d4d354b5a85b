#include "hems/app/client_identity.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "temp_dir.hpp"

namespace hems::app {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

MqttConfig defaults() {
  return MqttConfig{};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(ClientIdentity, MadeOnceAndKeptInTheStateDirectory) {
  test::TempDir dir;
  std::string first;
  {
    auto identity = ClientIdentity::resolve(defaults(), dir.path().string());
    first = identity.id();
    EXPECT_THAT(identity.warnings(), IsEmpty());
    EXPECT_TRUE(std::regex_match(first, std::regex("hems2mqtt-([a-z0-9-]+-)?[0-9a-f]{6}")))
        << first;
    EXPECT_EQ(read_file(dir.path() / ClientIdentity::kFileName), first);
  }
  auto again = ClientIdentity::resolve(defaults(), dir.path().string());
  EXPECT_EQ(again.id(), first) << "stable across restarts";
}

TEST(ClientIdentity, EachStateDirectoryGetsItsOwnId) {
  test::TempDir a, b;
  auto first = ClientIdentity::resolve(defaults(), a.path().string());
  auto second = ClientIdentity::resolve(defaults(), b.path().string());
  EXPECT_NE(first.id(), second.id());
}

TEST(ClientIdentity, ASecondBridgeOnTheSameStateDirectoryGetsAnotherIdAndIsTold) {
  test::TempDir dir;
  auto running = ClientIdentity::resolve(defaults(), dir.path().string());
  // flock belongs to the open file description: a second open in this process is refused just
  // as one in another process would be.
  auto second = ClientIdentity::resolve(defaults(), dir.path().string());
  EXPECT_NE(second.id(), running.id());
  EXPECT_TRUE(second.id().starts_with(running.id() + "-")) << second.id();
  ASSERT_EQ(second.warnings().size(), 1u);
  EXPECT_THAT(second.warnings()[0], HasSubstr("another hems2mqtt is running with the state "
                                              "directory " +
                                              dir.path().string()));
  EXPECT_EQ(read_file(dir.path() / ClientIdentity::kFileName), running.id()) << "kept id unchanged";
}

TEST(ClientIdentity, AnExplicitIdIsUsedAsIsAndNothingIsWritten) {
  test::TempDir dir;
  MqttConfig mqtt;
  mqtt.client_id = "my-bridge";
  auto identity = ClientIdentity::resolve(mqtt, dir.path().string());
  EXPECT_EQ(identity.id(), "my-bridge");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / ClientIdentity::kFileName));
}

TEST(ClientIdentity, AnUnusableStateDirectoryStillGivesAUniqueIdAndSaysWhy) {
  test::TempDir dir;
  // A state_dir below a regular file can be made by nobody, root included.
  std::ofstream(dir.path() / "file") << "x";
  const auto unusable = (dir.path() / "file" / "state").string();
  auto first = ClientIdentity::resolve(defaults(), unusable);
  auto second = ClientIdentity::resolve(defaults(), unusable);
  EXPECT_NE(first.id(), second.id());
  EXPECT_TRUE(first.id().starts_with("hems2mqtt-")) << first.id();
  ASSERT_EQ(first.warnings().size(), 1u);
  EXPECT_THAT(first.warnings()[0], HasSubstr("cannot keep the MQTT client id in " + unusable));
}

TEST(ClientIdentity, AFileThatIsNotAnIdIsReplaced) {
  test::TempDir dir;
  std::ofstream(dir.path() / ClientIdentity::kFileName) << "not an id\n";
  auto identity = ClientIdentity::resolve(defaults(), dir.path().string());
  EXPECT_TRUE(identity.id().starts_with("hems2mqtt-")) << identity.id();
  EXPECT_EQ(read_file(dir.path() / ClientIdentity::kFileName), identity.id());
}

TEST(ClientIdentity, HostNamesAreReducedToWhatBrokersAndAclsAccept) {
  EXPECT_EQ(make_client_id("Raspberry_Pi.local", "a1b2c3"), "hems2mqtt-raspberrypi-a1b2c3");
  EXPECT_EQ(make_client_id("", "a1b2c3"), "hems2mqtt-a1b2c3");
  EXPECT_EQ(make_client_id("0123456789abcdef0123456789abcdef", "a1b2c3"),
            "hems2mqtt-0123456789abcdef01234567-a1b2c3");
  std::set<std::string> suffixes;
  for (int i = 0; i < 8; ++i) {
    const std::string suffix = random_suffix();
    EXPECT_TRUE(std::regex_match(suffix, std::regex("[0-9a-f]{6}"))) << suffix;
    suffixes.insert(suffix);
  }
  EXPECT_GT(suffixes.size(), 1u);
}

}  // namespace
}  // namespace hems::app
