#include "hems/ha/removals.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hems/ha/meter_discovery.hpp"
#include "meter_fixture.hpp"

namespace hems::ha::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Removals, NothingWhenNothingDisappeared) {
  const auto messages = meter_discovery({}, toshiba_meter(), kVersion);
  EXPECT_THAT(removals(messages, messages), IsEmpty());
  EXPECT_THAT(removals({}, messages), IsEmpty());
}

TEST(Removals, EntitiesTheMeterTurnedOutNotToHave) {
  const auto before = meter_discovery({}, toshiba_meter(), kVersion);
  MeterDevice single_phase = toshiba_meter();
  single_phase.has_current_t = false;
  single_phase.has_export = false;
  const auto after = meter_discovery({}, single_phase, kVersion);
  const std::string node = "homeassistant/sensor/hems2mqtt_000016_f24g36650500/";
  EXPECT_THAT(removals(before, after),
              ElementsAre(DiscoveryMessage{node + "current_t/config", ""},
                          DiscoveryMessage{node + "energy_export/config", ""},
                          DiscoveryMessage{node + "energy_export_fixed/config", ""}));
}

TEST(Removals, AWholeDeviceWhoseIdentityChanged) {
  MeterDevice unknown;  // before the meter answered 0x8A / 0x8D
  const auto before = meter_discovery({}, unknown, kVersion);
  const auto after = meter_discovery({}, toshiba_meter(), kVersion);
  const auto removed = removals(before, after);
  ASSERT_EQ(removed.size(), before.size());
  for (std::size_t i = 0; i < removed.size(); ++i) {
    EXPECT_EQ(removed[i].topic, before[i].topic);
    EXPECT_EQ(removed[i].payload, "");
  }
}

TEST(Removals, ChangedPayloadOnTheSameTopicIsNoRemoval) {
  const std::vector<DiscoveryMessage> before{{"p/sensor/n/a/config", "{\"x\":1}"}};
  const std::vector<DiscoveryMessage> after{{"p/sensor/n/a/config", "{\"x\":2}"}};
  EXPECT_THAT(removals(before, after), IsEmpty());
}

TEST(Removals, EachTopicOnceAndEarlierRemovalsNotRepeated) {
  const std::vector<DiscoveryMessage> before{
      {"p/sensor/n/a/config", "{}"}, {"p/sensor/n/a/config", "{}"}, {"p/sensor/n/b/config", ""}};
  EXPECT_THAT(removals(before, {}), ElementsAre(DiscoveryMessage{"p/sensor/n/a/config", ""}));
}

}  // namespace
}  // namespace hems::ha::test
