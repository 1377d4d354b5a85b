// The presenters' messages for a known set of facts, against golden files: every topic and
// payload a subscriber sees for a meter and a LAN appliance. A change of the external interface
// shows up as a diff of golden/. To accept an intended change:
//   HEMS_UPDATE_GOLDEN=1 ./bridge_tests --gtest_filter='PresenterGolden*'
// then read the diff of tests/app/bridge/golden/ before committing it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hems/app/lan_presenter.hpp"
#include "hems/app/meter_presenter.hpp"
#include "hems/version.hpp"

namespace hems::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kGoldenDir = HEMS_BRIDGE_GOLDEN_DIR;

// The messages as one JSON document: [{"topic", "retain", "payload"}...], payloads parsed.
json as_document(const std::vector<mqtt::Message>& messages) {
  json doc = json::array();
  for (const auto& m : messages) {
    json payload = json::parse(m.payload, nullptr, false);
    doc.push_back({{"topic", m.topic},
                   {"retain", m.retain},
                   {"payload", payload.is_discarded() ? json(m.payload) : payload}});
  }
  return doc;
}

// The version changes with every release; the files hold a placeholder instead.
json without_version(json doc) {
  if (doc.is_string() && doc.get<std::string>() == kVersion)
    return "<version>";
  if (doc.is_structured()) {
    for (auto& item : doc)
      item = without_version(item);
  }
  return doc;
}

void expect_golden(const std::string& name, const json& document) {
  const json actual = without_version(document);
  const fs::path file = kGoldenDir / (name + ".json");
  if (const char* update = std::getenv("HEMS_UPDATE_GOLDEN"); update && *update == '1') {
    fs::create_directories(kGoldenDir);
    std::ofstream(file) << actual.dump(2) << "\n";
    return;
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << file << ": no golden file; run with HEMS_UPDATE_GOLDEN=1 and review";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(json::parse(text.str()), actual) << "differs from " << file;
}

Config config() {
  Config c;
  c.meter.device = "/dev/ttyUSB0";
  c.lan.enabled = true;
  return c;
}

struct MeterFacts {
  wisun::LinkStatus status;
  meter::MeterIdentity identity;
  meter::MeterValues values;
  MeterView view() const { return MeterView{status, identity, values, false}; }
};

MeterFacts meter_facts() {
  MeterFacts f;
  f.status.state = wisun::LinkState::joined;
  f.status.dialect = wisun::Dialect::single_hop;
  f.status.firmware = "1.2.10";
  f.status.pan = wisun::PanInfo{};
  f.status.pan->channel = 0x21;
  f.status.pan->pan_id = 0x8888;
  f.status.pan->ipv6 = "FE80:0000:0000:0000:021C:6400:6014:21A3";
  f.status.rssi_dbm = -61.4;
  f.identity.manufacturer_code = 0x000016;
  f.identity.serial_number = "S1234";
  f.identity.release = "F";
  f.identity.unit_kwh = 0.1;
  f.identity.digits = 6;
  f.identity.get_map = {0x80, 0xE0, 0xE3, 0xE7, 0xE8};
  f.values.power_w = 412;
  f.values.current_r_a = 2.5;
  f.values.current_t_a = 1.6000000000000001;
  f.values.energy_import_kwh = 6513.900000000001;
  f.values.energy_export_kwh = 12.3;
  f.values.energy_import_fixed_kwh = 6513.5;
  f.values.energy_import_fixed_at = "2026-12-06T13:30:00+09:00";
  return f;
}

TEST(PresenterGolden, Meter) {
  const Config c = config();
  const MeterFacts facts = meter_facts();
  const MeterView meter = facts.view();
  std::vector<mqtt::Message> messages = {
      meter_state_message(c, meter, "2026-12-06T13:31:02+09:00"),
      availability_message(meter_topic(c, "availability"), true),
      mqtt::Message{base_topic(c, "bridge/info"), bridge_info_json(c, meter).dump(), 1, true},
      mqtt::Message{base_topic(c, "bridge/devices"),
                    json::array({meter_device_entry(c, meter)}).dump(), 1, true},
      link_event_message(c, "joined", "channel 0x21"),
      response_message(meter_topic(c, "response"), "t1", true,
                       meter_get_answer(meter, {"power_w", "energy_import_kwh"}), ""),
      response_message(meter_topic(c, "response"), nullptr, false, json::object(),
                       "the meter did not answer in time"),
  };
  expect_golden("meter", as_document(messages));
}

TEST(PresenterGolden, BridgeInfoWithoutTheMeter) {
  Config c = config();
  c.meter.enabled = false;
  expect_golden("bridge_info_lan_only", bridge_info_json(c, std::nullopt));
}

TEST(PresenterGolden, LanAppliance) {
  const Config c = config();
  LanLink::Device device;
  device.info.id = "00000b_1a2b3c4d_013001";
  device.info.hardware_id = device.info.id;
  device.info.address = "192.0.2.10";
  device.info.eoj = echonet::Eoj{0x01, 0x30, 0x01};
  device.info.manufacturer = 0x00000B;
  device.info.get_map = {0x80, 0xB0, 0xB3, 0xBB, 0xF1};
  device.info.set_map = {0x80, 0xB0, 0xB3};
  device.info.inf_map = {0x80};
  device.state = {{"operation_status", true}, {"target_temperature", 23}};
  device.online = true;
  std::vector<mqtt::Message> messages = {
      lan_state_message(c, device),
      lan_availability_message(c, device),
      mqtt::Message{base_topic(c, "bridge/devices"), json::array({lan_device_entry(device)}).dump(),
                    1, true},
  };
  expect_golden("lan_appliance", as_document(messages));
}

TEST(MeterPresenter, EnergyIsRoundedToWhatTheMetersUnitCanExpress) {
  meter::MeterIdentity identity;
  identity.unit_kwh = 0.01;
  identity.digits = 6;
  identity.coefficient = 10;  // a step of 0.1 kWh
  meter::MeterValues values;
  values.energy_import_kwh = 6513.900000000001;
  EXPECT_EQ(meter_values_json(values, identity).dump(), R"({"energy_import_kwh":6513.9})");
  identity.coefficient = 1;
  values.energy_import_kwh = 65.139000001;
  EXPECT_EQ(meter_values_json(values, identity).dump(), R"({"energy_import_kwh":65.14})");
}

TEST(MeterPresenter, NoDiscoveryBeforeTheMetersIdentityIsKnown) {
  const Config c = config();
  MeterFacts facts = meter_facts();
  facts.identity.unit_kwh = 0;
  EXPECT_FALSE(meter_discovery_messages(c, facts.view()));
  facts.identity.unit_kwh = 0.1;
  auto messages = meter_discovery_messages(c, facts.view());
  ASSERT_TRUE(messages);
  EXPECT_FALSE(messages->empty());
}

}  // namespace
}  // namespace hems::app
