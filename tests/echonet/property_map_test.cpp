#include "hems/echonet/property_map.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "hex_literal.hpp"

namespace hems::echonet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::hex;

// REFERENCE.md §12: the Get map of a release-F meter, N = 25 in bitmap form.
const Bytes kRealGetMap = hex("19 41 41 41 60 40 40 00 62 43 00 41 40 40 43 02 02");
const std::vector<std::uint8_t> kRealGetEpcs{0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D,
                                             0x9E, 0x9F, 0xD3, 0xD7, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4,
                                             0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED};

TEST(PropertyMap, DecodesTheRealMeterBitmap) {
  auto epcs = decode_property_map(kRealGetMap);
  ASSERT_TRUE(epcs) << epcs.error().message;
  EXPECT_EQ(epcs->size(), 25U);
  EXPECT_EQ(*epcs, kRealGetEpcs);
}

TEST(PropertyMap, EncodesTheRealMeterBitmapByteForByte) {
  EXPECT_EQ(encode_property_map(kRealGetEpcs), kRealGetMap);
}

TEST(PropertyMap, DecodesTheRealListForms) {
  auto announce = decode_property_map(hex("03 80 81 88"));
  ASSERT_TRUE(announce) << announce.error().message;
  EXPECT_THAT(*announce, ElementsAre(0x80, 0x81, 0x88));
  auto settable = decode_property_map(hex("03 81 E5 ED"));
  ASSERT_TRUE(settable) << settable.error().message;
  EXPECT_THAT(*settable, ElementsAre(0x81, 0xE5, 0xED));
}

TEST(PropertyMap, ListFormComesOutSorted) {
  auto epcs = decode_property_map(hex("03 E7 80 9F"));
  ASSERT_TRUE(epcs) << epcs.error().message;
  EXPECT_THAT(*epcs, ElementsAre(0x80, 0x9F, 0xE7));
}

TEST(PropertyMap, BitmapCornersFollowTheReferenceExamples) {
  // B[0] bit 0 -> 0x80, B[0] bit 6 -> 0xE0, B[7] bit 6 -> 0xE7, B[15] bit 7 -> 0xFF.
  std::vector<std::uint8_t> epcs{0x80, 0xE0, 0xE7, 0xFF};
  for (std::uint8_t epc = 0x90; epc < 0x9C; ++epc)
    epcs.push_back(epc);  // 16 in total
  const Bytes map = encode_property_map(epcs);
  ASSERT_EQ(map.size(), 17U);
  EXPECT_EQ(map[0], 16);
  EXPECT_EQ(map[1] & 0x41, 0x41);
  EXPECT_EQ(map[1 + 7] & 0x40, 0x40);
  EXPECT_EQ(map[1 + 15], 0x80);
  auto decoded = decode_property_map(map);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->size(), 16U);
  EXPECT_EQ(decoded->front(), 0x80);
  EXPECT_EQ(decoded->back(), 0xFF);
}

TEST(PropertyMap, FormSwitchesAtSixteen) {
  std::vector<std::uint8_t> fifteen;
  for (std::uint8_t epc = 0x80; epc < 0x8F; ++epc)
    fifteen.push_back(epc);
  const Bytes list = encode_property_map(fifteen);
  EXPECT_EQ(list.size(), 16U);
  EXPECT_EQ(list[0], 15);
  EXPECT_EQ(list[1], 0x80);

  std::vector<std::uint8_t> sixteen = fifteen;
  sixteen.push_back(0x8F);
  const Bytes bitmap = encode_property_map(sixteen);
  ASSERT_EQ(bitmap.size(), 17U);
  EXPECT_EQ(bitmap[0], 16);
  for (std::size_t i = 1; i < bitmap.size(); ++i)
    EXPECT_EQ(bitmap[i], 0x01) << i;

  for (const auto& epcs : {fifteen, sixteen}) {
    auto decoded = decode_property_map(encode_property_map(epcs));
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, epcs);
  }
}

TEST(PropertyMap, EveryPropertyCodeRoundTrips) {
  std::vector<std::uint8_t> all;
  for (unsigned epc = 0x80; epc <= 0xFF; ++epc)
    all.push_back(static_cast<std::uint8_t>(epc));
  const Bytes map = encode_property_map(all);
  EXPECT_EQ(map, hex("80 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
  auto decoded = decode_property_map(map);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, all);
}

TEST(PropertyMap, EncodeDeduplicatesSortsAndDropsNonPropertyCodes) {
  EXPECT_EQ(encode_property_map({0xE7, 0x80, 0xE7, 0x12, 0x80}), hex("02 80 E7"));
  EXPECT_EQ(encode_property_map({}), hex("00"));
}

TEST(PropertyMap, EmptyMapDecodesToNoEpcs) {
  auto epcs = decode_property_map(hex("00"));
  ASSERT_TRUE(epcs) << epcs.error().message;
  EXPECT_TRUE(epcs->empty());
}

TEST(PropertyMapErrors, MissingCount) {
  auto epcs = decode_property_map(Bytes{});
  ASSERT_FALSE(epcs);
  EXPECT_THAT(epcs.error().message, HasSubstr("count byte is missing"));
}

TEST(PropertyMapErrors, ShortAndLongLists) {
  auto short_list = decode_property_map(hex("03 80 81"));
  ASSERT_FALSE(short_list);
  EXPECT_THAT(short_list.error().message, HasSubstr("needs 4 bytes, but has 3"));
  EXPECT_FALSE(decode_property_map(hex("02 80 81 88")));
}

TEST(PropertyMapErrors, FormComesFromCountNotLength) {
  // N = 16 is read as a bitmap even when 16 list entries follow; those bytes set far more than
  // 16 bits, so the map is rejected rather than misread.
  Bytes sixteen_listed{16};
  for (std::uint8_t epc = 0x80; epc < 0x90; ++epc)
    sixteen_listed.push_back(epc);
  auto epcs = decode_property_map(sixteen_listed);
  ASSERT_FALSE(epcs);
  EXPECT_THAT(epcs.error().message, HasSubstr("N = 16"));
  EXPECT_THAT(epcs.error().message, HasSubstr("bits set"));
  // And N = 15 with 17 bytes is a list with a stray byte, not a bitmap.
  Bytes fifteen_padded(17, 0x80);
  fifteen_padded[0] = 15;
  EXPECT_FALSE(decode_property_map(fifteen_padded));
}

TEST(PropertyMapErrors, EveryTruncationOfTheRealBitmapFails) {
  for (std::size_t length = 0; length < kRealGetMap.size(); ++length) {
    EXPECT_FALSE(decode_property_map(ByteView(kRealGetMap).first(length))) << length;
  }
}

TEST(PropertyMapErrors, BitmapCountMismatch) {
  Bytes map = kRealGetMap;
  map[0] = 24;
  auto epcs = decode_property_map(map);
  ASSERT_FALSE(epcs);
  EXPECT_THAT(epcs.error().message, HasSubstr("N = 24"));
  EXPECT_THAT(epcs.error().message, HasSubstr("25 bits set"));
}

TEST(PropertyMapErrors, DuplicateOrNonPropertyCodesInAList) {
  auto twice = decode_property_map(hex("02 80 80"));
  ASSERT_FALSE(twice);
  EXPECT_THAT(twice.error().message, HasSubstr("0x80 twice"));
  auto low = decode_property_map(hex("01 7F"));
  ASSERT_FALSE(low);
  EXPECT_THAT(low.error().message, HasSubstr("0x7F"));
}

}  // namespace
}  // namespace hems::echonet
