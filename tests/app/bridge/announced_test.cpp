#include "hems/app/announced.hpp"

#include <gtest/gtest.h>

namespace hems::app {
namespace {

std::vector<std::string> topics(const std::vector<mqtt::Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages)
    out.push_back(m.topic);
  return out;
}

TEST(PayloadFingerprint, SixteenHexDigitsThatFollowThePayload) {
  const auto a = payload_fingerprint(R"({"name":"Power"})");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, payload_fingerprint(R"({"name":"Power"})"));
  EXPECT_NE(a, payload_fingerprint(R"({"name":"power"})"));
  // FNV-1a 64 of "a", from the algorithm's published test values.
  EXPECT_EQ(payload_fingerprint("a"), "af63dc4c8601ec8c");
}

TEST(PayloadFingerprint, ARemovalStaysEmpty) {
  EXPECT_EQ(payload_fingerprint(""), "");
}

TEST(Announced, KeepsTopicsAndFingerprintsNotPayloads) {
  Announced announced;
  const std::string big(4000, 'x');
  auto update = announced.update({{"t/a", big}}, false);
  ASSERT_EQ(update.messages.size(), 1u);
  EXPECT_EQ(update.messages[0].payload, big);  // what is published is the payload itself
  ASSERT_EQ(announced.told().size(), 1u);
  EXPECT_EQ(announced.told()[0].topic, "t/a");
  EXPECT_EQ(announced.told()[0].payload, payload_fingerprint(big));
}

TEST(Announced, SaysNothingWhenNothingChanged) {
  Announced announced;
  announced.update({{"t/a", "{1}"}, {"t/b", "{2}"}}, false);
  auto again = announced.update({{"t/a", "{1}"}, {"t/b", "{2}"}}, false);
  EXPECT_FALSE(again.changed);
  EXPECT_TRUE(again.messages.empty());
}

TEST(Announced, AChangedPayloadIsAChange) {
  Announced announced;
  announced.update({{"t/a", "{1}"}}, false);
  auto update = announced.update({{"t/a", "{9}"}}, false);
  EXPECT_TRUE(update.changed);
  ASSERT_EQ(update.messages.size(), 1u);
  EXPECT_EQ(update.messages[0].payload, "{9}");
}

TEST(Announced, ForceSaysEverythingAgainWithoutAChange) {
  Announced announced;
  announced.update({{"t/a", "{1}"}, {"t/b", "{2}"}}, false);
  auto update = announced.update({{"t/a", "{1}"}, {"t/b", "{2}"}}, true);
  EXPECT_FALSE(update.changed);
  EXPECT_EQ(topics(update.messages), (std::vector<std::string>{"t/a", "t/b"}));
}

TEST(Announced, AGoneEntityIsRemovedFirst) {
  Announced announced;
  announced.update({{"t/a", "{1}"}, {"t/b", "{2}"}}, false);
  auto update = announced.update({{"t/b", "{2}"}}, false);
  EXPECT_TRUE(update.changed);
  ASSERT_EQ(update.messages.size(), 2u);
  EXPECT_EQ(update.messages[0].topic, "t/a");
  EXPECT_EQ(update.messages[0].payload, "");
  EXPECT_TRUE(update.messages[0].retain);
  EXPECT_EQ(update.messages[1].topic, "t/b");
}

TEST(Announced, WhatWasLoadedFromTheStateDirIsAChangeOnce) {
  // The state dir keeps topics only; they load with a placeholder payload.
  Announced announced({{"t/a", "{}"}, {"t/old", "{}"}});
  auto first = announced.update({{"t/a", "{1}"}}, false);
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(topics(first.messages), (std::vector<std::string>{"t/old", "t/a"}));
  EXPECT_FALSE(announced.update({{"t/a", "{1}"}}, false).changed);
}

}  // namespace
}  // namespace hems::app
