// A real home's LAN in the namespace rig: twin identification numbers, a node that drops off the
// network and comes back, a dozen appliances from several makers (one slow, one that loses the
// first tries of every request), a node behind a router reached through `hosts`, and another
// controller reading the bridge's own node profile. Times are measured from the subscriber's
// receive stamps and printed as "[ MEASURED ] name = N s" (also test properties in the XML).
// Needs root; skips otherwise.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "el_bytes.hpp"
#include "el_collect.hpp"
#include "lan_bridge_rig.hpp"
#include "support/ha_rules.hpp"

namespace hems::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Short polls keep each test to seconds; the retry timeout is the default, as in a home.
constexpr int kPollInterval = 5;

std::string home_polls() {
  return "poll_interval = " + std::to_string(kPollInterval) + "\n";
}

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", s);
  return text;
}

bool is_online(const json& s) {
  return s.is_object() && s.value("state", "") == "online";
}

bool is_offline(const json& s) {
  return s.is_object() && s.value("state", "") == "offline";
}

// The instance list of a D5/D6 EDT (a count, then 3-byte EOJs), or nullopt when malformed.
std::optional<std::vector<std::uint32_t>> instance_list(const Bytes& edt) {
  if (edt.empty() || edt.size() != 1 + 3 * std::size_t{edt[0]})
    return std::nullopt;
  std::vector<std::uint32_t> out;
  for (std::size_t at = 1; at < edt.size(); at += 3)
    out.push_back(el::eoj_at(edt, at));
  return out;
}

// The EPCs of a property map EDT: a list below 16 entries, a 16-byte bitmap from 16 on
// (bit j of byte i is EPC 0x80 + 0x10 j + i).
std::optional<std::set<std::uint8_t>> property_map(const Bytes& edt) {
  if (edt.empty())
    return std::nullopt;
  const unsigned count = edt[0];
  std::set<std::uint8_t> out;
  if (count < 16) {
    if (edt.size() != count + 1)
      return std::nullopt;
    out.insert(edt.begin() + 1, edt.end());
  } else {
    if (edt.size() != 17)
      return std::nullopt;
    for (unsigned i = 0; i < 16; ++i) {
      for (unsigned j = 0; j < 8; ++j) {
        if (edt[1 + i] & (1u << j))
          out.insert(static_cast<std::uint8_t>(0x80 + 0x10 * j + i));
      }
    }
  }
  if (out.size() != count)
    return std::nullopt;
  return out;
}

class LanHome : public LanBridgeTest {
 protected:
  void report(const std::string& name, double seconds) {
    RecordProperty(name, seconds_text(seconds));
    std::cout << "[ MEASURED ] " << name << " = " << seconds_text(seconds) << " s" << std::endl;
  }

  // When the first message on `topic` whose JSON `accept` takes arrived (from message `from`).
  std::optional<double> arrival(const std::string& topic,
                                const std::function<bool(const json&)>& accept,
                                std::size_t from = 0) const {
    const auto all = mqtt_->messages();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].topic != topic)
        continue;
      auto j = json::parse(all[i].payload, nullptr, false);
      if (!j.is_discarded() && accept(j))
        return all[i].at;
    }
    return std::nullopt;
  }

  std::optional<double> wait_arrival(const std::string& topic,
                                     const std::function<bool(const json&)>& accept,
                                     std::chrono::milliseconds timeout, std::size_t from = 0) {
    std::optional<double> at;
    wait_until([&] { return (at = arrival(topic, accept, from)).has_value(); }, timeout);
    return at;
  }

  // Waits for `node` to log a request matching `needle` (e.g. ">013001 tid=") that it received
  // at Unix time `not_before` or later; true when one came within `timeout_s` of that time.
  static bool wait_for_request_after(const ChildProcess& node, const std::string& needle,
                                     double not_before, double timeout_s) {
    std::size_t from = node.output_size();
    return wait_until(
        [&] {
          const std::string log = node.output();
          if (unix_now() < not_before) {
            from = log.size();  // heard before the time: not the one wanted
            return false;
          }
          return log.find(needle, from) != std::string::npos;
        },
        std::chrono::milliseconds(static_cast<int>((not_before + timeout_s - unix_now()) * 1000)));
  }

  // "<address>/<eoj>" → device id, from a bridge/devices list.
  static std::map<std::string, std::string> ids_by_node(const json& list) {
    std::map<std::string, std::string> out;
    for (const auto& d : list)
      out[d.value("address", "") + "/" + d.value("eoj", "")] = d.value("id", "");
    return out;
  }
};

// Whether a discovery config points at device `id`'s topics (hems2mqtt/<id> or below it).
bool refers_to(const json& config, const std::string& id) {
  const std::string text = config.dump();
  return text.find("\"hems2mqtt/" + id + "\"") != std::string::npos ||
         text.find("\"hems2mqtt/" + id + "/") != std::string::npos;
}

TEST_F(LanHome, TwinNumbersThatShareTheirLastBytesStayTwoDevicesEach) {
  start_rig(2);
  // 0x83 = FE + these 16 bytes: the same last nine bytes, another maker code and middle.
  auto& first = start_node(0, {"--object", "aircon", "--object", "light", "--maker", "000016",
                               "--node-id", "0000160A0B0C0D112233445566778899"});
  auto& second = start_node(1, {"--object", "aircon", "--object", "light", "--maker", "000008",
                                "--node-id", "00000801020304112233445566778899"});
  const double started_at = unix_now();
  start_bridge(home_polls());
  auto list = device_list([](const json& l) { return l.is_array() && l.size() >= 4; }, 40s);
  ASSERT_TRUE(list) << "four devices expected";
  auto ids = ids_by_node(*list);
  const std::vector<std::string> keys{"192.0.2.11/0x013001", "192.0.2.11/0x029001",
                                      "192.0.2.12/0x013001", "192.0.2.12/0x029001"};
  std::set<std::string> distinct;
  for (const auto& key : keys) {
    ASSERT_TRUE(ids.contains(key) && !ids[key].empty()) << key << " in " << list->dump();
    distinct.insert(ids[key]);
  }
  ASSERT_EQ(distinct.size(), 4u) << list->dump();
  for (const auto& key : keys) {
    const std::string id = ids[key];
    EXPECT_TRUE(mqtt_->wait_json(
        "hems2mqtt/" + id, [](const json& s) { return s.contains("operation_status"); }, 30s))
        << key;
    EXPECT_TRUE(mqtt_->wait_json("hems2mqtt/" + id + "/availability", is_online, 10s)) << key;
  }

  // Two poll intervals after the start, past the startup discovery rounds and the clean-up of
  // stale configs that follows them, and then a poll of both air conditioners: what a new
  // subscriber gets now is what stays.
  const double settled_at = started_at + 2 * kPollInterval;
  ASSERT_TRUE(wait_for_request_after(first, ">013001 tid=", settled_at, 3 * kPollInterval));
  ASSERT_TRUE(wait_for_request_after(second, ">013001 tid=", settled_at, 3 * kPollInterval));
  const auto retained = mqtt_->retained("#");
  std::vector<json> configs;
  std::map<std::string, std::vector<std::string>> topics_of;   // id → its config topics
  std::map<std::string, std::set<std::string>> device_ids_of;  // id → HA device identifiers
  for (const auto& [topic, payload] : retained) {
    if (!topic.starts_with("homeassistant/") || payload.empty())
      continue;
    auto config = json::parse(payload, nullptr, false);
    ASSERT_FALSE(config.is_discarded()) << topic;
    configs.push_back(config);
    std::vector<std::string> owners;
    for (const auto& id : distinct) {
      if (refers_to(config, id))
        owners.push_back(id);
    }
    EXPECT_LE(owners.size(), 1u) << topic << " serves two devices: " << payload;
    for (const auto& id : owners) {
      topics_of[id].push_back(topic);
      if (config.contains("device") && config["device"].contains("identifiers"))
        device_ids_of[id].insert(config["device"]["identifiers"].dump());
    }
  }
  EXPECT_EQ(test::check_unique_ids(configs), std::vector<std::string>{});
  for (const auto& key : keys) {
    const std::string id = ids[key];
    const std::string component =
        key.ends_with("0x013001") ? "homeassistant/climate/" : "homeassistant/light/";
    EXPECT_TRUE(std::ranges::any_of(topics_of[id],
                                    [&](const std::string& t) { return t.starts_with(component); }))
        << key << " (" << id << ") lost its " << component << " config";
    EXPECT_TRUE(retained.contains("hems2mqtt/" + id)) << key << ": no retained state";
  }
  for (const std::string eoj : {"/0x013001", "/0x029001"}) {
    const auto& a = device_ids_of[ids["192.0.2.11" + eoj]];
    const auto& b = device_ids_of[ids["192.0.2.12" + eoj]];
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a.size(), 1u) << "one Home Assistant device per appliance";
    EXPECT_NE(a, b) << eoj << ": one Home Assistant device for both twins";
  }
}

TEST_F(LanHome, ANodeThatVanishesGoesOfflineAndIsOnlineAgainAtItsFirstAnswer) {
  start_rig(1);
  auto& node =
      start_node(0, {"--object", "aircon", "--node-id", "00000000000000000000000000000A01"});
  start_bridge(home_polls());
  auto list = device_list([](const json& l) { return l.is_array() && !l.empty(); }, 30s);
  ASSERT_TRUE(list);
  const std::string id = (*list)[0]["id"];
  const std::string availability = "hems2mqtt/" + id + "/availability";
  ASSERT_TRUE(mqtt_->wait_json(availability, is_online, 30s));

  std::size_t from = mqtt_->mark();
  const double vanished_at = unix_now();
  node.write_stdin("vanish\n");
  ASSERT_TRUE(node.wait_for_output("vanished", 5s));
  // Watched for twice the bound, so that a late change still gets a time.
  const double offline_bound = kPollInterval + 10.0;
  const auto offline_at =
      wait_arrival(availability, is_offline, std::chrono::seconds(2 * (kPollInterval + 10)), from);
  ASSERT_TRUE(offline_at) << "not offline " << 2 * offline_bound << " s after the node vanished";
  const double to_offline = *offline_at - vanished_at;
  report("vanish_to_offline_s", to_offline);
  EXPECT_LE(to_offline, offline_bound) << "offline later than poll_interval + 10 s";

  from = mqtt_->mark();
  const std::size_t log_from = node.output_size();
  const double returned_at = unix_now();
  node.write_stdin("return\n");
  // The node's first answer is the first datagram it logs sending after `return`.
  std::optional<double> answered_at;
  std::optional<double> online_at;
  wait_until(
      [&] {
        if (!answered_at && node.output().find("\ntx ", log_from - 1) != std::string::npos)
          answered_at = unix_now();
        if (!online_at)
          online_at = arrival(availability, is_online, from);
        // Until online, or twice the bound after the first answer.
        return (answered_at && online_at) || (answered_at && unix_now() - *answered_at > 10.0);
      },
      30s);
  ASSERT_TRUE(answered_at) << "the bridge asked nothing for 30 s after the node returned";
  report("return_to_first_answer_s", *answered_at - returned_at);
  ASSERT_TRUE(online_at) << "not online 10 s after the node's first answer";
  report("first_answer_to_online_s", *online_at - *answered_at);
  EXPECT_LE(*online_at - *answered_at, 5.0) << "online later than 5 s after the first answer";
}

TEST_F(LanHome, ADozenAppliancesFromSeveralMakersAllPublishWithinTenSeconds) {
  start_rig(5);
  start_node(0, {"--maker", "000005", "--node-id", "0A01", "--object", "aircon", "--object",
                 "light", "--object", "light"});
  start_node(1, {"--maker", "000006", "--node-id", "0B02", "--object", "water-heater", "--object",
                 "floor-heater"});
  start_node(2, {"--maker", "00000B", "--node-id", "0C03", "--object", "battery", "--object",
                 "solar", "--slow", "2000"});
  // A lossy link loses datagrams whatever their TID: the first two copies of each request are
  // lost, discovery rounds included (each round has its own TID, so its round trip is clean).
  start_node(3, {"--maker", "000008", "--node-id", "0D04", "--object", "aircon", "--object",
                 "ev-charger", "--drop-copies-any-tid", "2"});
  start_node(4, {"--maker", "000016", "--node-id", "0E05", "--object", "light", "--object",
                 "maker-specific", "--object", "aircon"});
  const std::vector<std::string> objects{
      "192.0.2.11/0x013001", "192.0.2.11/0x029001", "192.0.2.11/0x029002", "192.0.2.12/0x026B01",
      "192.0.2.12/0x027B01", "192.0.2.13/0x027D01", "192.0.2.13/0x027901", "192.0.2.14/0x013001",
      "192.0.2.14/0x027E01", "192.0.2.15/0x029001", "192.0.2.15/0x0F0001", "192.0.2.15/0x013001",
  };
  const double started_at = unix_now();
  start_bridge(home_polls());

  // Watched for twice the bound, so that a late object still gets a time.
  constexpr double kBound = 10.0;
  std::map<std::string, std::string> ids;  // from the latest devices list
  std::map<std::string, double> took;      // object → seconds from start to its first state
  wait_until(
      [&] {
        for (const auto& m : mqtt_->messages()) {
          if (m.topic != "hems2mqtt/bridge/devices")
            continue;
          auto list = json::parse(m.payload, nullptr, false);
          if (list.is_array())
            ids = ids_by_node(list);
        }
        for (const auto& key : objects) {
          if (took.contains(key) || !ids.contains(key))
            continue;
          if (auto at = arrival("hems2mqtt/" + ids[key],
                                [](const json& s) { return s.is_object() && !s.empty(); }))
            took[key] = *at - started_at;
        }
        return took.size() == objects.size();
      },
      std::chrono::milliseconds(static_cast<int>((2 * kBound - (unix_now() - started_at)) * 1000)));
  double slowest = 0;
  std::string slowest_key;
  for (const auto& key : objects) {
    if (!took.contains(key)) {
      ADD_FAILURE() << key << (ids.contains(key) ? " (" + ids[key] + "): no state" : ": not found")
                    << " " << 2 * kBound << " s after the bridge started";
      continue;
    }
    std::cout << "[ MEASURED ] first state of " << key << " after " << seconds_text(took[key])
              << " s" << std::endl;
    EXPECT_LE(took[key], kBound) << key << " (" << ids[key] << ")";
    if (took[key] > slowest) {
      slowest = took[key];
      slowest_key = key;
    }
  }
  report("slowest_first_state_s", slowest);
  std::cout << "[ MEASURED ] slowest: " << slowest_key << ", " << took.size() << " of "
            << objects.size() << " objects published" << std::endl;
}

TEST_F(LanHome, ANodeBehindARouterIsFoundThroughHosts) {
  start_rig(0);
  const std::string far = rig_->add_routed_node();
  auto& node = start_node_in(far, {"--object", "water-heater", "--maker", "000006", "--node-id",
                                   "00000000000000000000000000000F06"});
  start_bridge(home_polls() + "hosts = [\"198.51.100.11\"]\n");
  auto list = device_list(
      [](const json& l) {
        return l.is_array() && std::ranges::any_of(l, [](const json& d) {
                 return d.value("address", "") == "198.51.100.11";
               });
      },
      30s);
  ASSERT_TRUE(list) << "the node named in hosts was not found";
  const auto device = find_device(*list, "0x026B01");
  ASSERT_TRUE(device);
  EXPECT_EQ((*device)["address"], "198.51.100.11");
  const std::string id = (*device)["id"];
  EXPECT_TRUE(mqtt_->wait_json(
      "hems2mqtt/" + id, [](const json& s) { return s.contains("operation_status"); }, 20s));
  // Only unicast reached it: the way in was the hosts entry, not a multicast discovery.
  const std::string log = node.output();
  EXPECT_NE(log.find("rx 192.0.2.1:"), std::string::npos);
  EXPECT_EQ(log.find("rx 192.0.2.1:3610 (multicast)"), std::string::npos)
      << "multicast crossed the router";
}

TEST_F(LanHome, AnotherControllerReadsTheBridgesNodeProfile) {
  start_rig(1);
  // Another controller (a HEMS panel, a phone app) on node 0's address, open before the bridge
  // starts so its announcement cannot slip past.
  NetnsUdpSocket other(rig_->node(0), NetnsUdpSocket::Family::ipv4, el::kPort, NetnsRig::kInterface,
                       el::kGroupV4);
  const std::string bridge = NetnsRig::kControllerIpv4;
  start_bridge(home_polls());

  auto announced = el::collect(
      other, {bridge},
      [](const el::Frame& f) {
        return f.esv == el::kInf && f.seoj == el::kNodeProfile && f.properties.contains(0xD5);
      },
      20s);
  ASSERT_TRUE(announced.contains(bridge)) << "no INF D5 from the bridge";
  EXPECT_EQ(announced[bridge].datagram.to, el::kGroupV4);
  const auto announced_list = instance_list(announced[bridge].frame.properties[0xD5]);
  ASSERT_TRUE(announced_list);
  EXPECT_NE(std::ranges::find(*announced_list, el::kController), announced_list->end());

  constexpr std::uint16_t kTid = 0x7701;
  auto answers = el::collect(
      other, {bridge},
      [](const el::Frame& f) {
        return f.tid == kTid && f.seoj == el::kNodeProfile && f.deoj == el::kController;
      },
      15s,
      [&] {
        other.send_to(el::get_request(kTid, el::kNodeProfile, {0x83, 0x8A, 0xD5, 0xD6, 0x9F}),
                      bridge, el::kPort);
      });
  ASSERT_TRUE(answers.contains(bridge)) << "the bridge did not answer the Get";
  const auto& answer = answers[bridge];
  EXPECT_EQ(answer.datagram.to, rig_->ipv4(rig_->node(0))) << "answered by multicast";
  EXPECT_EQ(answer.frame.esv, el::kGetRes) << "Get_SNA: some property was not given";
  auto property = [&](std::uint8_t epc) {
    auto it = answer.frame.properties.find(epc);
    return it == answer.frame.properties.end() ? Bytes{} : it->second;
  };
  const Bytes id = property(0x83);
  ASSERT_EQ(id.size(), 17u) << to_hex(id);
  EXPECT_EQ(id[0], 0xFE);
  EXPECT_EQ(property(0x8A).size(), 3u);
  const Bytes maker = property(0x8A);
  if (maker.size() == 3) {
    EXPECT_TRUE(std::equal(maker.begin(), maker.end(), id.begin() + 1)) << "0x83 starts with 0x8A";
  }
  const auto d6 = instance_list(property(0xD6));
  ASSERT_TRUE(d6) << to_hex(property(0xD6));
  EXPECT_NE(std::ranges::find(*d6, el::kController), d6->end()) << "D6 lists 05FF01";
  EXPECT_EQ(property(0xD5), property(0xD6)) << "D5 and D6 list the same instances";
  const auto get_map = property_map(property(0x9F));
  ASSERT_TRUE(get_map) << to_hex(property(0x9F));
  // The node profile's required Get properties, and every one just read.
  for (const std::uint8_t epc : std::vector<std::uint8_t>{0x80, 0x82, 0x83, 0x8A, 0x9D, 0x9E, 0x9F,
                                                          0xD3, 0xD4, 0xD5, 0xD6, 0xD7}) {
    EXPECT_TRUE(get_map->contains(epc)) << "0x" << to_hex(Bytes{epc}) << " not in 0x9F";
  }
}

}  // namespace
}  // namespace hems::testing
