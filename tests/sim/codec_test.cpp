#include <gtest/gtest.h>

#include "hems/sim/el_frame.hpp"
#include "hems/sim/options.hpp"
#include "hems/sim/sk_input.hpp"

namespace hems::sim {
namespace {

Bytes hex(std::string_view text) {
  return from_hex(text).value();
}

TEST(SimElFrame, EncodesTheReferenceGetRequest) {
  ElFrame f{0x0001, kControllerEoj, kMeterEoj, esv::kGet, {ElProperty{0xE7, {}}}};
  EXPECT_EQ(to_hex(encode_frame(f)), "1081000105FF010288016201E700");
}

TEST(SimElFrame, DecodesACapturedGetResponse) {
  auto f = decode_frame(hex("1081000202880105FF017204E0040000FE73E10101D30400000001D70106"));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(f->tid, 2);
  EXPECT_EQ(f->seoj, kMeterEoj);
  EXPECT_EQ(f->esv, esv::kGetRes);
  ASSERT_EQ(f->properties.size(), 4u);
  EXPECT_EQ(f->properties[0].edt, hex("0000FE73"));
  EXPECT_EQ(f->properties[3].epc, 0xD7);
}

TEST(SimElFrame, RejectsTruncatedAndTrailingBytes) {
  EXPECT_FALSE(decode_frame(hex("1081000102880105FF017201E704000002")).has_value());
  EXPECT_FALSE(decode_frame(hex("1081000102880105FF017201E70400000278FF")).has_value());
  EXPECT_FALSE(decode_frame(hex("1082000102880105FF0172")).has_value());
  EXPECT_FALSE(decode_frame(Bytes{}).has_value());
}

TEST(SimElFrame, PropertyMapMatchesTheRealMeterBitmap) {
  const std::vector<std::uint8_t> epcs{0x80, 0x81, 0x82, 0x88, 0x8A, 0x8D, 0x97, 0x98, 0x9D,
                                       0x9E, 0x9F, 0xD3, 0xD7, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4,
                                       0xE5, 0xE7, 0xE8, 0xEA, 0xEB, 0xEC, 0xED};
  EXPECT_EQ(to_hex(encode_property_map(epcs)), "1941414160404000624300414040430202");
  const std::vector<std::uint8_t> few{0x81, 0xE5, 0xED};
  EXPECT_EQ(to_hex(encode_property_map(few)), "0381E5ED");
}

TEST(SimOptions, DefaultsAndOverrides) {
  std::vector<std::string> args{"--tcp",
                                "0",
                                "--dialect",
                                "bp35c0",
                                "--payload",
                                "hex",
                                "--speed",
                                "20",
                                "--unit",
                                "02",
                                "--digits",
                                "7",
                                "--no-coefficient",
                                "--fault",
                                "5:unplug:3",
                                "--fault",
                                "1:garbage",
                                "--clock-start",
                                "2026-05-20T13:59:00"};
  auto o = parse_options(args);
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->tcp_port, 0);
  EXPECT_EQ(o->dialect, Dialect::bp35c0);
  EXPECT_TRUE(o->payload_hex);
  EXPECT_DOUBLE_EQ(o->speed, 20.0);
  EXPECT_EQ(o->unit, 0x02);
  EXPECT_EQ(o->digits, 7);
  EXPECT_FALSE(o->coefficient.has_value());
  ASSERT_EQ(o->faults.size(), 2u);
  EXPECT_EQ(o->faults[0].kind, FaultKind::unplug);
  EXPECT_DOUBLE_EQ(o->faults[0].seconds, 3.0);
  EXPECT_DOUBLE_EQ(o->faults[1].seconds, kDefaultFaultSeconds);
  EXPECT_EQ(o->password, "SIMULATORPW1");
}

TEST(SimOptions, RoptUnsupportedImpliesHexPayloads) {
  auto o = parse_options(std::vector<std::string>{"--tcp", "0", "--ropt-unsupported"});
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_TRUE(o->ropt_unsupported);
  EXPECT_TRUE(o->payload_hex);
  o = parse_options(
      std::vector<std::string>{"--tcp", "0", "--ropt-unsupported", "--payload", "hex"});
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_TRUE(o->payload_hex);
}

TEST(SimOptions, RoptUnsupportedWithBinaryPayloadsIsAContradiction) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--tcp", "0", "--ropt-unsupported", "--payload", "binary"},
           {"--tcp", "0", "--payload", "binary", "--ropt-unsupported"}}) {
    auto o = parse_options(args);
    ASSERT_FALSE(o.has_value());
    EXPECT_NE(o.error().message.find("--ropt-unsupported"), std::string::npos);
    EXPECT_NE(o.error().message.find("--payload binary"), std::string::npos);
  }
}

TEST(SimOptions, UsageSaysWhatRoptUnsupportedImplies) {
  EXPECT_NE(usage_text().find("implies --payload hex"), std::string::npos);
}

TEST(SimOptions, UsageSaysWhichFaultsLastAndWhichHappenOnce) {
  const std::string usage = usage_text();
  EXPECT_NE(usage.find("lasting SECONDS"), std::string::npos);
  EXPECT_NE(usage.find("at once, no duration: terminate"), std::string::npos);
  for (auto kind : {FaultKind::terminate, FaultKind::crlf_binary})
    EXPECT_FALSE(fault_lasts(kind)) << fault_kind_name(kind);
  for (auto kind : {FaultKind::no_beacon, FaultKind::silent_meter, FaultKind::reauth,
                    FaultKind::reauth_fail, FaultKind::tx_limit, FaultKind::garbage,
                    FaultKind::split, FaultKind::unplug, FaultKind::meter_reboot})
    EXPECT_TRUE(fault_lasts(kind)) << fault_kind_name(kind);
}

TEST(SimOptions, RejectsBadValues) {
  for (auto bad :
       std::vector<std::vector<std::string>>{{"--dialect", "bp99"},
                                             {"--fault", "x:garbage"},
                                             {"--fault", "1:melt"},
                                             {"--channel", "99"},
                                             {"--unit", "05"},
                                             {"--digits", "6", "--energy-start", "1000000"},
                                             {"--speed"},
                                             {"--bogus"}}) {
    EXPECT_FALSE(parse_options(bad).has_value()) << bad[0];
  }
}

TEST(SimSkInput, ReadsSendtoPayloadByLengthEvenWithCrLfInside) {
  SkInputAssembler in(6);
  std::string header = "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 0004 ";
  Bytes bytes(header.begin(), header.end());
  for (int b : {0x0D, 0x0A, 0x20, 0x0D})
    bytes.push_back(static_cast<std::uint8_t>(b));
  for (char c : std::string("\r\nSKVER\r\n"))
    bytes.push_back(static_cast<std::uint8_t>(c));
  // Feed one byte at a time, as a slow serial line delivers it.
  std::vector<SkInput> all;
  for (std::uint8_t b : bytes) {
    for (auto& i : in.feed(ByteView(&b, 1)))
      all.push_back(i);
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, SkInput::Kind::sendto);
  EXPECT_EQ(all[0].data, (Bytes{0x0D, 0x0A, 0x20, 0x0D}));
  EXPECT_EQ(all[1].text, "SKVER");
}

TEST(SimSkInput, WrongTokenCountStaysALine) {
  SkInputAssembler in(7);  // C-family: SIDE expected
  std::string text = "SKSENDTO 1 FE80:0000:0000:0000:021C:6400:6014:21A3 0E1A 1 000E\r\n";
  auto out = in.feed(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, SkInput::Kind::line);
}

TEST(SimSkInput, OverlongLineIsReportedOnce) {
  SkInputAssembler in(6);
  std::string text(5000, 'A');
  text += "\r\n";
  auto out = in.feed(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, SkInput::Kind::overlong);
}

}  // namespace
}  // namespace hems::sim
