#include "hems/echonet/frame.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "hex_literal.hpp"

namespace hems::echonet {
namespace {

using ::testing::HasSubstr;
using testing::hex;

TEST(Eoj, CodeAndStringRoundTrip) {
  EXPECT_EQ(kSmartMeter.code(), 0x028801U);
  EXPECT_EQ(kController.code(), 0x05FF01U);
  EXPECT_EQ(kNodeProfile.code(), 0x0EF001U);
  EXPECT_EQ(Eoj::from_code(0x028801), kSmartMeter);
  EXPECT_EQ(Eoj::from_code(0x026B01).cls, 0x6B);
  EXPECT_EQ(kSmartMeter.to_string(), "0x028801");
  EXPECT_EQ(Eoj::from_code(0x013A0F).to_string(), "0x013A0F");
  static_assert(Eoj::from_code(0x0EF001).code() == 0x0EF001);
  EXPECT_LT(kSmartMeter, kController);
}

TEST(Esv, NamesAndFamilies) {
  EXPECT_EQ(esv_name(esv::get_res), "Get_Res");
  EXPECT_EQ(esv_name(esv::get_sna), "Get_SNA");
  EXPECT_EQ(esv_name(esv::infc_res), "INFC_Res");
  EXPECT_EQ(esv_name(esv::set_get), "SetGet");
  EXPECT_EQ(esv_name(esv::inf_req), "INF_REQ");
  EXPECT_EQ(esv_name(0x64), "0x64");
  EXPECT_EQ(esv_name(0x00), "0x00");
  EXPECT_TRUE(is_failure_esv(0x50));
  EXPECT_TRUE(is_failure_esv(0x5F));
  EXPECT_FALSE(is_failure_esv(0x4F));
  EXPECT_FALSE(is_failure_esv(0x60));
  EXPECT_FALSE(is_failure_esv(esv::get_res));
  EXPECT_TRUE(has_two_lists(esv::set_get));
  EXPECT_TRUE(has_two_lists(esv::set_get_res));
  EXPECT_TRUE(has_two_lists(esv::set_get_sna));
  EXPECT_FALSE(has_two_lists(esv::get));
}

TEST(MakeGet, MatchesReferenceRequests) {
  const std::array<std::uint8_t, 1> e7{0xE7};
  EXPECT_EQ(encode(make_get(0x0001, kController, kSmartMeter, e7)),
            hex("10 81 00 01 05 FF 01 02 88 01 62 01 E7 00"));
  const std::array<std::uint8_t, 4> four{0xE0, 0xE1, 0xD3, 0xD7};
  EXPECT_EQ(encode(make_get(0x0002, kController, kSmartMeter, four)),
            hex("10 81 00 02 05 FF 01 02 88 01 62 04 E0 00 E1 00 D3 00 D7 00"));
}

TEST(MakeSetC, MatchesReferenceRecipe) {
  const Frame frame = make_set_c(0x1234, kController, kSmartMeter, {Property{0xE5, {0x01}}});
  EXPECT_EQ(encode(frame), hex("10 81 12 34 05 FF 01 02 88 01 61 01 E5 01 01"));
}

TEST(InstanceListNotification, TheMetersAnnouncementAfterAJoin) {
  // As a meter multicast it to FF02::1 right after the join, in a dongle log.
  auto meter = decode(hex("108103610EF0010EF0017301D50401028801"));
  ASSERT_TRUE(meter) << meter.error().message;
  EXPECT_TRUE(is_instance_list_notification(*meter));
}

TEST(InstanceListNotification, OtherFramesAreNot) {
  // The same property in an answer to a Get, not a notification.
  auto answer = decode(hex("108103610EF0010EF0017201D50401028801"));
  ASSERT_TRUE(answer);
  EXPECT_FALSE(is_instance_list_notification(*answer));
  // A notification from the meter object, not the node profile.
  auto pushed = decode(hex("108100010288010EF0017301E70400000278"));
  ASSERT_TRUE(pushed);
  EXPECT_FALSE(is_instance_list_notification(*pushed));
  // The node profile notifying something else (its operating status).
  auto status = decode(hex("108100010EF0010EF0017301800130"));
  ASSERT_TRUE(status);
  EXPECT_FALSE(is_instance_list_notification(*status));
}

TEST(Decode, GetResWithOneProperty) {
  auto frame = decode(hex("1081000102880105FF017201E70400000278"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->tid, 0x0001);
  EXPECT_EQ(frame->seoj, kSmartMeter);
  EXPECT_EQ(frame->deoj, kController);
  EXPECT_EQ(frame->esv, esv::get_res);
  ASSERT_EQ(frame->properties.size(), 1U);
  EXPECT_EQ(frame->properties[0].epc, 0xE7);
  EXPECT_EQ(frame->properties[0].edt, hex("00000278"));
  EXPECT_TRUE(frame->get_properties.empty());
}

TEST(Decode, GetResWithFourProperties) {
  auto frame = decode(hex("1081000202880105FF017204E0040000FE73E10101D30400000001D70106"));
  ASSERT_TRUE(frame) << frame.error().message;
  ASSERT_EQ(frame->properties.size(), 4U);
  ASSERT_NE(frame->find(0xD3), nullptr);
  EXPECT_EQ(frame->find(0xD3)->edt, hex("00000001"));
  EXPECT_EQ(frame->find(0xE1)->edt, hex("01"));
  EXPECT_EQ(frame->find(0xD7)->edt, hex("06"));
  EXPECT_EQ(frame->find(0x80), nullptr);
}

TEST(Decode, GetSnaKeepsProcessedValuesAndMarksTheRestPdcZero) {
  auto frame = decode(hex("1081000202880105FF015204E0040000FE73E10101D300D70106"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->esv, esv::get_sna);
  EXPECT_TRUE(is_failure_esv(frame->esv));
  ASSERT_EQ(frame->properties.size(), 4U);
  EXPECT_TRUE(frame->find(0xD3)->edt.empty());
  EXPECT_EQ(frame->find(0xE0)->edt, hex("0000FE73"));
  EXPECT_EQ(frame->find(0xD7)->edt, hex("06"));
}

TEST(Decode, SignedCurrentGetSnaFromLanMeter) {
  // TRANSCRIPTS.md A.12 (a Python bytes literal): Get_SNA with OPC 6. Literals are split where an
  // escape would otherwise swallow the next character.
  static constexpr char kRaw[] =
      "\x10\x81\x00#\x02\x88\x01\x05\xff\x01R\x06\x80\x01"
      "0\xe0\x04\x00\x00\x12<\xe3\x04\x00\x00 \xdd\xe7\x04\x00\x00\x00\x01\xe8\x04\x00\n\xff\xec"
      "\xd3\x04\x00\x00\x00\x01";
  const Bytes bytes(kRaw, kRaw + sizeof(kRaw) - 1);
  ASSERT_EQ(bytes, hex("1081 0023 028801 05FF01 52 06 800130 E0040000123C E304000020DD "
                       "E70400000001 E804000AFFEC D30400000001"));
  auto frame = decode(bytes);
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->tid, 0x0023);
  EXPECT_EQ(frame->esv, esv::get_sna);
  ASSERT_EQ(frame->properties.size(), 6U);
  EXPECT_EQ(frame->find(0x80)->edt, hex("30"));
  EXPECT_EQ(frame->find(0xE8)->edt, hex("000AFFEC"));
  EXPECT_EQ(encode(*frame), bytes);
}

TEST(Decode, NodeProfileInstanceListNotification) {
  auto frame = decode(hex("108100000EF0010EF0017301D50401028801"));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->seoj, kNodeProfile);
  EXPECT_EQ(frame->deoj, kNodeProfile);
  EXPECT_EQ(frame->esv, esv::inf);
  EXPECT_EQ(frame->find(0xD5)->edt, hex("01028801"));
}

TEST(MakeInfcResponse, SwapsEojsKeepsTidAndEmptiesEdts) {
  Frame infc;
  infc.tid = 0x0005;
  infc.seoj = kSmartMeter;
  infc.deoj = kController;
  infc.esv = esv::infc;
  infc.properties = {Property{0xEA, hex("07EA05140E00000000FE68")}};
  const Frame response = make_infc_response(infc);
  EXPECT_EQ(response.tid, 0x0005);
  EXPECT_EQ(response.seoj, kController);
  EXPECT_EQ(response.deoj, kSmartMeter);
  EXPECT_EQ(response.esv, esv::infc_res);
  EXPECT_EQ(encode(response), hex("1081000505FF010288017A01EA00"));
}

TEST(MakeInfcResponse, AnswersEveryEpc) {
  auto infc =
      decode(hex("1081000102880105FF017402EA0B07E70C13001E000000458EEB0B07E70C13001E0000000015"));
  ASSERT_TRUE(infc) << infc.error().message;
  EXPECT_EQ(encode(make_infc_response(*infc)), hex("1081000105FF010288017A02EA00EB00"));
}

TEST(SetGet, TwoListsRoundTrip) {
  Frame frame;
  frame.tid = 0xBEEF;
  frame.seoj = kController;
  frame.deoj = Eoj{0x01, 0x30, 0x01};
  frame.esv = esv::set_get;
  frame.properties = {Property{0x80, {0x30}}, Property{0xB3, {0x1A}}};
  frame.get_properties = {Property{0xBB, {}}, Property{0xBE, {}}};
  const Bytes bytes = encode(frame);
  EXPECT_EQ(bytes, hex("1081BEEF 05FF01 013001 6E 02 800130 B3011A 02 BB00 BE00"));
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, frame);
}

TEST(SetGet, ResponseListsAreSeparated) {
  auto frame = decode(hex("1081BEEF 013001 05FF01 7E 01 8000 01 BB0119"));
  ASSERT_TRUE(frame) << frame.error().message;
  ASSERT_EQ(frame->properties.size(), 1U);
  EXPECT_EQ(frame->properties[0].epc, 0x80);
  ASSERT_EQ(frame->get_properties.size(), 1U);
  EXPECT_EQ(frame->get_properties[0].epc, 0xBB);
  EXPECT_EQ(frame->get_properties[0].edt, hex("19"));
  EXPECT_EQ(frame->find(0xBB), nullptr);  // find() looks at the first list only
}

TEST(SetGet, OneEmptyListIsAllowedBothAreNot) {
  auto only_get = decode(hex("1081 0001 05FF01 013001 6E 00 01 BB00"));
  ASSERT_TRUE(only_get) << only_get.error().message;
  EXPECT_TRUE(only_get->properties.empty());
  EXPECT_EQ(only_get->get_properties.size(), 1U);

  auto none = decode(hex("1081 0001 05FF01 013001 6E 00 00"));
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("OPCSet 0 and OPCGet 0"));
}

TEST(SetGet, MissingOpcGetIsAnError) {
  auto frame = decode(hex("1081 0001 05FF01 013001 6E 01 800130"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("OPCGet count is missing"));
}

TEST(RoundTrip, EncodeThenDecodeGivesTheSameFrame) {
  Frame frame;
  frame.tid = 0xFFFF;
  frame.seoj = kSmartMeter;
  frame.deoj = kController;
  frame.esv = esv::get_res;
  frame.properties = {Property{0xE7, hex("FFFFFB9A")}, Property{0xE8, hex("7FFE7FFE")},
                      Property{0x83, {}}};
  auto decoded = decode(encode(frame));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, frame);
}

TEST(RoundTrip, LargestEncodableFrame) {
  Frame frame;
  frame.esv = esv::inf;
  frame.properties.assign(255, Property{0xF0, Bytes(255, 0xAB)});
  ASSERT_TRUE(check_encodable(frame));
  const Bytes bytes = encode(frame);
  EXPECT_EQ(bytes.size(), 12U + 255U * 257U);
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, frame);
}

TEST(CheckEncodable, RejectsWhatTheCountsCannotHold) {
  Frame too_many;
  too_many.esv = esv::get;
  too_many.properties.assign(256, Property{0x80, {}});
  auto result = check_encodable(too_many);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("256 properties"));
  EXPECT_TRUE(encode(too_many).empty());

  Frame long_edt;
  long_edt.esv = esv::set_c;
  long_edt.properties = {Property{0xF1, Bytes(256, 0)}};
  result = check_encodable(long_edt);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("EPC 0xF1"));
  EXPECT_TRUE(encode(long_edt).empty());

  Frame stray_get_list;
  stray_get_list.esv = esv::get;
  stray_get_list.properties = {Property{0x80, {}}};
  stray_get_list.get_properties = {Property{0x81, {}}};
  EXPECT_FALSE(check_encodable(stray_get_list));
  EXPECT_TRUE(encode(stray_get_list).empty());
}

TEST(DecodeErrors, ShortFrameSaysHowShort) {
  auto frame = decode(hex("1081000102880105FF0172"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("11 bytes"));
  EXPECT_THAT(frame.error().message, HasSubstr("at least 12"));
  EXPECT_FALSE(decode(Bytes{}));
}

TEST(DecodeErrors, WrongEhdSaysWhichBytes) {
  auto frame = decode(hex("1082000102880105FF017201E70400000278"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("1082"));
  EXPECT_THAT(frame.error().message, HasSubstr("expected 1081"));
  EXPECT_FALSE(decode(hex("0081000102880105FF017201E70400000278")));
}

TEST(DecodeErrors, OpcZeroOutsideSetGet) {
  auto frame = decode(hex("1081000102880105FF017200"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("OPC is 0"));
  EXPECT_THAT(frame.error().message, HasSubstr("Get_Res"));
}

TEST(DecodeErrors, PdcBeyondTheDataNamesEpcAndOffsets) {
  // E7 claims 5 bytes of EDT but only 4 follow.
  auto frame = decode(hex("1081000102880105FF017201E70500000278"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("EPC 0xE7"));
  EXPECT_THAT(frame.error().message, HasSubstr("PDC 5"));
  EXPECT_THAT(frame.error().message, HasSubstr("offsets 14..18"));
  EXPECT_THAT(frame.error().message, HasSubstr("18 bytes"));
}

TEST(DecodeErrors, PropertyHeaderBeyondTheData) {
  // OPC says 2 but only one property and a lone EPC byte follow.
  auto frame = decode(hex("1081000102880105FF017202E70400000278E8"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("property 2 of 2"));
  EXPECT_THAT(frame.error().message, HasSubstr("offset 18"));
  EXPECT_THAT(frame.error().message, HasSubstr("EPC 0xE8"));
}

TEST(DecodeErrors, TrailingBytesAfterTheLastProperty) {
  auto frame = decode(hex("1081000102880105FF017201E70400000278AABB"));
  ASSERT_FALSE(frame);
  EXPECT_THAT(frame.error().message, HasSubstr("2 trailing bytes"));
  EXPECT_THAT(frame.error().message, HasSubstr("offset 18"));
}

}  // namespace
}  // namespace hems::echonet
