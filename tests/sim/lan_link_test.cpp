// The LAN node's link faults and its installation location: --drop-copies (exact copies and
// copies with any TID), stdin `vanish` / `return`, and 0x81 from --location.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hems/sim/lan_copies.hpp"
#include "hems/sim/lan_node.hpp"
#include "hems/sim/lan_options.hpp"
#include "sim/lan_node_harness.hpp"

namespace hems::sim {
namespace {

using std::chrono::milliseconds;
using test::decoded;
using test::Harness;
using test::hex;
using test::with_objects;

constexpr const char* kGet80 = "1081 0001 05FF01 013001 62 01 80 00";

LanOptions dropping(unsigned copies, bool any_tid) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.drop_copies = copies;
  options.copies_any_tid = any_tid;
  return options;
}

// '.' for a request that got no answer, 'A' for one that did.
std::string pattern(Harness& h, const std::vector<std::string>& requests) {
  std::string out;
  for (const auto& r : requests)
    out += h.request(r, milliseconds(10)).empty() ? '.' : 'A';
  return out;
}

Result<LanOptions> parse(std::vector<std::string> args) {
  return parse_lan_options(args);
}

TEST(LanDropCopies, TheThirdCopyOfARequestIsAnsweredWithTheSameTid) {
  Harness h(dropping(2, false));
  EXPECT_EQ(pattern(h, {kGet80, kGet80, kGet80}), "..A");
  const auto log = h.node().take_log();
  EXPECT_NE(std::ranges::find_if(log,
                                 [](const std::string& line) {
                                   return line.find("dropped: copy 2") != std::string::npos;
                                 }),
            log.end());
}

TEST(LanDropCopies, AnsweredRequestsStartCountingAgain) {
  Harness h(dropping(1, false));
  EXPECT_EQ(pattern(h, {kGet80, kGet80, kGet80, kGet80, kGet80}), ".A.A.");
}

TEST(LanDropCopies, ANewTidIsANewRequestUnlessTheTidIsIgnored) {
  const std::vector<std::string> retries_with_new_tids{
      "1081 0001 05FF01 013001 62 01 80 00",
      "1081 0002 05FF01 013001 62 01 80 00",
      "1081 0003 05FF01 013001 62 01 80 00",
  };
  Harness exact(dropping(2, false));
  EXPECT_EQ(pattern(exact, retries_with_new_tids), "...");
  Harness any_tid(dropping(2, true));
  EXPECT_EQ(pattern(any_tid, retries_with_new_tids), "..A");
  // The answer carries the TID of the copy that got through.
  Harness again(dropping(1, true));
  again.request(retries_with_new_tids[0], milliseconds(10));
  auto answer = again.request(retries_with_new_tids[1], milliseconds(10));
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(decoded(answer[0]).tid, 2);
}

TEST(LanDropCopies, OtherContentAndOtherSendersAreCountedApart) {
  Harness h(dropping(1, true));
  EXPECT_EQ(pattern(h, {kGet80, "1081 0001 05FF01 013001 62 01 B0 00"}), "..");
  h.node().receive(LanDatagram{"192.0.2.99:3610", hex(kGet80), false}, h.now());
  EXPECT_TRUE(h.advance(milliseconds(10)).empty()) << "another controller's first copy";
  EXPECT_EQ(pattern(h, {kGet80, "1081 0001 05FF01 013001 62 01 B0 00"}), "AA");
}

TEST(LanDropCopies, MulticastDiscoveryIsDroppedToo) {
  Harness h(dropping(1, false));
  const LanDatagram discovery{Harness::kPeer, hex("1081 0009 05FF01 0EF001 62 01 D6 00"), true};
  h.node().receive(discovery, h.now());
  EXPECT_TRUE(h.advance(milliseconds(400)).empty());
  h.node().receive(discovery, h.now());
  EXPECT_EQ(h.advance(milliseconds(400)).size(), 1u);
}

TEST(LanDropCopies, ACopyNotSeenForAMinuteIsForgotten) {
  LanCopyFilter filter(2, false);
  const TimePoint t0 = Harness::kStart;
  const Bytes request = hex(kGet80);
  EXPECT_TRUE(filter.count("a", request, t0).drop);
  EXPECT_TRUE(filter.count("a", request, t0 + std::chrono::seconds(59)).drop);
  EXPECT_FALSE(filter.count("a", request, t0 + std::chrono::seconds(60)).drop);
  EXPECT_EQ(filter.remembered(), 0u);
  EXPECT_TRUE(filter.count("a", request, t0 + std::chrono::seconds(61)).drop);
  const auto late = filter.count("a", request, t0 + std::chrono::seconds(122));
  EXPECT_TRUE(late.drop);
  EXPECT_EQ(late.copy, 1u) << "the earlier copy was forgotten";
}

TEST(LanDropCopies, ZeroDropsNothing) {
  Harness h(dropping(0, false));
  EXPECT_EQ(pattern(h, {kGet80, kGet80}), "AA");
}

TEST(LanVanish, AVanishedNodeHearsAndSendsNothingAndReturnsWithoutAnnouncing) {
  LanOptions options = with_objects({LanObjectKind::aircon});
  options.slow_ms = 500;
  Harness h(options);
  // An answer already on its way is lost with the link.
  h.node().receive(LanDatagram{Harness::kPeer, hex(kGet80), false}, h.now());
  h.node().console("vanish", h.now());
  EXPECT_TRUE(h.node().vanished());
  EXPECT_TRUE(h.advance(milliseconds(1000)).empty());
  EXPECT_TRUE(h.request(kGet80, milliseconds(1000)).empty());
  EXPECT_TRUE(h.request("1081 0002 05FF01 0EF001 62 01 D6 00", milliseconds(1000), true).empty());
  // Nothing of its own goes out either: status changes, announcements.
  h.node().console("set 013001 80 31", h.now());
  h.node().console("announce", h.now());
  EXPECT_TRUE(h.advance(milliseconds(2000)).empty());
  EXPECT_EQ(h.node().find_object(0x013001)->read(0x80), Bytes{0x31}) << "the device still works";

  h.node().console("return", h.now());
  EXPECT_FALSE(h.node().vanished());
  EXPECT_TRUE(h.advance(milliseconds(2000)).empty()) << "a returning link announces nothing";
  auto answer = h.request("1081 0003 05FF01 013001 62 01 80 00", milliseconds(600));
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].payload, hex("1081 0003 013001 05FF01 72 01 80 01 31"));
}

TEST(LanVanish, RequestsHeardWhileVanishedAreNotCountedAsCopies) {
  Harness h(dropping(1, false));
  h.node().console("vanish", h.now());
  EXPECT_TRUE(h.request(kGet80, milliseconds(10)).empty());
  h.node().console("return", h.now());
  EXPECT_EQ(pattern(h, {kGet80, kGet80}), ".A");
}

TEST(LanLocation, DefaultsToNotSetAndIsInTheGetAndSetMaps) {
  Harness h(with_objects({LanObjectKind::light}));
  auto get = h.request("1081 0001 05FF01 029001 62 03 81 00 9E 00 9F 00");
  ASSERT_EQ(get.size(), 1u);
  const ElFrame frame = decoded(get[0]);
  EXPECT_EQ(frame.esv, esv::kGetRes);
  ASSERT_EQ(frame.properties.size(), 3u);
  EXPECT_EQ(frame.properties[0].edt, Bytes{0x00});
  // Fewer than 16 EPCs: the maps are lists, count first.
  const Bytes set_map = frame.properties[1].edt;
  const Bytes get_map = frame.properties[2].edt;
  EXPECT_NE(std::ranges::find(set_map.begin() + 1, set_map.end(), 0x81), set_map.end());
  EXPECT_NE(std::ranges::find(get_map.begin() + 1, get_map.end(), 0x81), get_map.end());
}

TEST(LanLocation, TheOptionSetsItOnEveryDeviceObject) {
  LanOptions options = with_objects({LanObjectKind::aircon, LanObjectKind::battery});
  options.location = Bytes{0x08};
  Harness h(options);
  EXPECT_EQ(h.node().find_object(0x013001)->read(0x81), Bytes{0x08});
  EXPECT_EQ(h.node().find_object(0x027D01)->read(0x81), Bytes{0x08});
  auto get = h.request("1081 0001 05FF01 027D01 62 01 81 00");
  ASSERT_EQ(get.size(), 1u);
  EXPECT_EQ(get[0].payload, hex("1081 0001 027D01 05FF01 72 01 81 01 08"));

  const Bytes free_form = hex("01 00112233445566778899AABBCCDDEEFF");
  options.location = free_form;
  Harness long_form(options);
  EXPECT_EQ(long_form.node().find_object(0x027D01)->read(0x81), free_form);
}

TEST(LanLocation, SetTakesOneByteOrSeventeenBeginningWithOneAndIsAnnounced) {
  Harness h(with_objects({LanObjectKind::light}));
  auto set = h.request("1081 0001 05FF01 029001 61 01 81 01 10");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].payload, hex("1081 0001 029001 05FF01 71 01 81 00"));
  EXPECT_EQ(set[1].payload, hex("1081 0001 029001 05FF01 73 01 81 01 10"));
  auto free_form =
      h.request("1081 0002 05FF01 029001 61 01 81 11 01 000102030405060708090A0B0C0D0E0F");
  ASSERT_GE(free_form.size(), 1u);
  EXPECT_EQ(decoded(free_form[0]).esv, esv::kSetRes);
  EXPECT_EQ(h.node().find_object(0x029001)->read(0x81), hex("01 000102030405060708090A0B0C0D0E0F"));
  for (const char* bad : {"1081 0003 05FF01 029001 61 01 81 02 0808",
                          "1081 0003 05FF01 029001 61 01 81 11 FE 000102030405060708090A0B0C0D0E0F",
                          "1081 0003 05FF01 029001 61 01 81 10 000102030405060708090A0B0C0D0E0F"}) {
    auto rejected = h.request(bad);
    ASSERT_EQ(rejected.size(), 1u) << bad;
    EXPECT_EQ(decoded(rejected[0]).esv, esv::kSetCSna) << bad;
  }
}

TEST(LanLinkOptions, ParsesDropCopiesAndLocation) {
  auto exact = parse({"--drop-copies", "2"});
  ASSERT_TRUE(exact.has_value()) << exact.error().message;
  EXPECT_EQ(exact->drop_copies, 2u);
  EXPECT_FALSE(exact->copies_any_tid);
  auto any = parse({"--drop-copies-any-tid", "3", "--location", "0x08"});
  ASSERT_TRUE(any.has_value()) << any.error().message;
  EXPECT_EQ(any->drop_copies, 3u);
  EXPECT_TRUE(any->copies_any_tid);
  EXPECT_EQ(any->location, Bytes{0x08});
  auto long_form = parse({"--location", "0100112233445566778899AABBCCDDEEFF"});
  ASSERT_TRUE(long_form.has_value());
  EXPECT_EQ(long_form->location.size(), 17u);
  EXPECT_EQ(parse({})->location, Bytes{0x00});
  EXPECT_EQ(parse({})->drop_copies, 0u);
}

TEST(LanLinkOptions, RejectsBadDropCopiesAndLocation) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--drop-copies"},
           {"--drop-copies", "-1"},
           {"--drop-copies", "x"},
           {"--drop-copies", "101"},
           {"--drop-copies", "1", "--drop-copies-any-tid", "2"},
           {"--location"},
           {"--location", "0808"},
           {"--location", "FE00112233445566778899AABBCCDDEEFF"},
           {"--location", "00112233445566778899AABBCCDDEEFF"},
       }) {
    auto options = parse(args);
    EXPECT_FALSE(options.has_value()) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
}

}  // namespace
}  // namespace hems::sim
