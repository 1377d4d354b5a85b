// The names Home Assistant shows for LAN appliances. Every entity of every class the definitions
// have is discovered (once with every EPC readable, once with every EPC writable), and each name
// is held to the rules: short, sentence case, the unit's word, none of the Appendix's filing words,
// no two alike on one device. Device names come from the class and the installation location.

#include "hems/ha/appliance_names.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "appliance_fixtures.hpp"
#include "hems/echonet/definitions.hpp"
#include "hems/ha/appliance_discovery.hpp"

namespace hems::ha::test {
namespace {

namespace defs = echonet::defs;
using nlohmann::json;

constexpr std::size_t kLongestName = 40;

// One named entity as Home Assistant receives it.
struct Shown {
  std::uint16_t class_code;
  std::uint8_t epc;  // 0 for a main entity (climate, light ...)
  std::string object;
  std::string name;
  std::string unit;
};

std::string object_of_topic(const std::string& topic) {
  const auto end = topic.rfind('/');
  const auto start = topic.rfind('/', end - 1);
  return topic.substr(start + 1, end - start - 1);
}

std::vector<std::uint16_t> device_classes() {
  std::vector<std::uint16_t> out;
  for (const auto& cls : defs::all_classes()) {
    if (cls.code != defs::kSuperClass && cls.code != defs::kNodeProfileClass)
      out.push_back(cls.code);
  }
  return out;
}

// Every named entity of a device of the class listing every EPC in its get map (readable) or in
// its set map (writable), in the language.
std::vector<Shown> shown(std::uint16_t class_code, bool writable, Language language) {
  ApplianceDevice device;
  device.id = "device";
  device.hardware_id = "device";
  device.class_code = class_code;
  std::vector<std::uint8_t> every;
  for (int epc = 0x80; epc <= 0xFF; ++epc)
    every.push_back(static_cast<std::uint8_t>(epc));
  (writable ? device.set_map : device.get_map) = every;
  std::vector<Shown> out;
  for (const auto& message : appliance_discovery(BridgeTopics{}, device, "0", language)) {
    const json config = json::parse(message.payload);
    if (config["name"].is_null())
      continue;  // the main entity goes by the device's name
    const std::string object = object_of_topic(message.topic);
    const auto* property = defs::find_property_by_name(class_code, object);
    out.push_back({class_code, property ? property->epc : std::uint8_t{0}, object,
                   config["name"].get<std::string>(), config.value("unit_of_measurement", "")});
  }
  return out;
}

std::vector<std::vector<Shown>> every_device(Language language) {
  std::vector<std::vector<Shown>> out;
  for (std::uint16_t code : device_classes()) {
    for (bool writable : {false, true})
      out.push_back(shown(code, writable, language));
  }
  return out;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string lower(std::string text) {
  for (char& c : text)
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return text;
}

// "Sentence case": the first letter a capital, later words small unless an acronym (two capitals
// or more and no small letter: "AC", "CO2", "VOC").
::testing::AssertionResult sentence_case(const std::string& name) {
  if (name.empty() || !(name[0] >= 'A' && name[0] <= 'Z'))
    return ::testing::AssertionFailure() << "'" << name << "' does not start with a capital";
  std::size_t at = 0;
  bool first = true;
  while (at < name.size()) {
    std::size_t end = name.find_first_of(" /", at);
    if (end == std::string::npos)
      end = name.size();
    const std::string word = name.substr(at, end - at);
    // A unit in brackets tells alternatives apart: "Remaining capacity (Ah)".
    if (word.starts_with('(') && word.ends_with(')') &&
        std::set<std::string>{"(Ah)", "(Wh)", "(W)", "(V)", "(A)"}.contains(word)) {
      at = end + 1;
      continue;
    }
    int capitals = 0, small = 0;
    for (char c : word) {
      capitals += (c >= 'A' && c <= 'Z') ? 1 : 0;
      small += (c >= 'a' && c <= 'z') ? 1 : 0;
    }
    const bool acronym = capitals >= 2 && small == 0;
    const bool capitalised = capitals > 0 && !acronym;
    if (capitalised && !(first && capitals == 1 && word[0] >= 'A' && word[0] <= 'Z'))
      return ::testing::AssertionFailure() << "'" << name << "': '" << word << "' is capitalised";
    first = false;
    at = end + 1;
  }
  return ::testing::AssertionSuccess();
}

// The word a home owner expects for the unit, and never the other one.
::testing::AssertionResult says_its_unit(const std::string& name, const std::string& unit) {
  const std::string text = lower(name);
  auto fail = [&](const char* why) {
    return ::testing::AssertionFailure() << "'" << name << "' in " << unit << ": " << why;
  };
  if (unit == "W" || unit == "kW") {
    if (contains(text, "energy"))
      return fail("a power is not an energy");
    if (!contains(text, "power"))
      return fail("says no \"power\"");
  } else if (unit == "Wh" || unit == "kWh" || unit == "MJ") {
    if (contains(text, "power"))
      return fail("an energy is not a power");
  } else if (unit == "A" || unit == "mA") {
    if (!contains(text, "current"))
      return fail("says no \"current\"");
  } else if (unit == "V") {
    if (!contains(text, "voltage"))
      return fail("says no \"voltage\"");
  } else if (unit == "\u00B0C") {
    if (!contains(text, "temperature"))
      return fail("says no \"temperature\"");
  }
  return ::testing::AssertionSuccess();
}

TEST(ReadableName, TheUnitChoosesTheWord) {
  EXPECT_EQ(readable_name("Measured instantaneous charging/discharging electric energy", "W"),
            "Charging/discharging power");
  EXPECT_EQ(readable_name("Charging electric energy setting", "W"), "Charging power setting");
  EXPECT_EQ(readable_name("Measured instantaneous amount of electricity generated", "W"),
            "Power generated");
  EXPECT_EQ(readable_name("Measured cumulative amount of electric energy generated", "kWh"),
            "Energy generated");
  EXPECT_EQ(readable_name("AC measured cumulative charging electric energy", "kWh"),
            "AC charging energy");
  EXPECT_EQ(readable_name("Measured value of electric current consumption", "A"),
            "Current consumption");
  EXPECT_EQ(readable_name("Measured current value 1", "mA"), "Current 1");
  EXPECT_EQ(readable_name("Effective voltage value", "V"), "Voltage");
  // Without a unit, "electric energy" stays what it says.
  EXPECT_EQ(readable_name("Electric energy coefficient", ""), "Electric energy coefficient");
}

TEST(ReadableName, SentenceCaseKeepsAcronyms) {
  EXPECT_EQ(readable_name("Automatic Bath Water Heating Mode Setting", ""),
            "Automatic bath water heating mode setting");
  EXPECT_EQ(readable_name("ON timer reservation setting", ""), "On timer reservation setting");
  EXPECT_EQ(readable_name("Measured value of CO2 concentration", "ppm"), "CO2 concentration");
  EXPECT_EQ(readable_name("Rated power consumption of H/P unit in summertime", "W"),
            "Rated power consumption of H/P unit in summertime");
  EXPECT_EQ(readable_name("Rated voltage (Independent)", "V"), "Rated voltage (independent)");
}

TEST(ReadableName, FilingWordsGo) {
  EXPECT_EQ(readable_name("Measured temperature value", "\u00B0C"), "Temperature");
  EXPECT_EQ(readable_name("Set temperature value", "\u00B0C"), "Target temperature");
  EXPECT_EQ(readable_name("Upper limit clip setting value", "W"), "Upper limit clip setting");
  EXPECT_EQ(readable_name("Lock setting1", ""), "Lock setting 1");
  EXPECT_EQ(readable_name("Number that can assign scene control setting.", ""),
            "Number that can assign scene control setting");
  EXPECT_EQ(readable_name("  Door   open warning ", ""), "Door open warning");
}

TEST(ApplianceNames, EveryShownNameFollowsTheRules) {
  std::size_t checked = 0;
  for (const auto& device : every_device(Language::en)) {
    std::map<std::string, std::string> objects_by_name;
    for (const Shown& entity : device) {
      SCOPED_TRACE(::testing::Message() << std::hex << entity.class_code << " " << entity.object);
      EXPECT_FALSE(entity.name.empty());
      EXPECT_LE(entity.name.size(), kLongestName) << entity.name;
      EXPECT_TRUE(sentence_case(entity.name));
      EXPECT_TRUE(says_its_unit(entity.name, entity.unit));
      for (std::string_view filing : {"measured", "instantaneous", "value of", "electric energy",
                                      "indicates", "this property", "  "})
        EXPECT_FALSE(contains(lower(entity.name), filing)) << entity.name;
      const auto [other, fresh] = objects_by_name.emplace(entity.name, entity.object);
      EXPECT_TRUE(fresh) << "'" << entity.name << "' names " << other->second << " too";
      ++checked;
    }
  }
  EXPECT_GT(checked, 1500u) << "the sweep found too few entities to mean anything";
}

TEST(ApplianceNames, NoEntityNameRepeatsItsDeviceName) {
  // Home Assistant shows "<device> <entity>"; an entity name that starts with the device's name
  // reads twice ("Battery Battery health"), and versions 2023.8 to 2024.1 cut it off, leaving
  // words like "health" or "ing mode".
  for (const auto& device : every_device(Language::en)) {
    for (const Shown& entity : device) {
      const std::string device_name = lower(class_name(entity.class_code, Language::en));
      EXPECT_FALSE(lower(entity.name).starts_with(device_name))
          << "'" << entity.name << "' on a device called '" << device_name << "'";
    }
  }
}

TEST(ApplianceNames, NoShownNameIsTheAppendixTextWhenThatBreaksARule) {
  // The raw names that started this: each now shows something else.
  for (const auto& device : every_device(Language::en)) {
    for (const Shown& entity : device) {
      const auto* property = defs::find_property(entity.class_code, entity.epc);
      ASSERT_NE(property, nullptr) << entity.object;
      const std::string spec(property->name_en);
      const bool raw_breaks_a_rule =
          spec.size() > kLongestName || !sentence_case(spec) || !says_its_unit(spec, entity.unit);
      if (raw_breaks_a_rule) {
        EXPECT_NE(entity.name, spec);
      }
    }
  }
}

TEST(ApplianceNames, CuratedNamesAreSortedAndEachNamesAShownProperty) {
  std::set<std::pair<std::uint16_t, std::uint8_t>> shown_properties;
  std::set<std::uint8_t> shown_anywhere;
  for (const auto& device : every_device(Language::en)) {
    for (const Shown& entity : device) {
      shown_properties.insert({entity.class_code, entity.epc});
      shown_anywhere.insert(entity.epc);
    }
  }
  const auto names = curated_names();
  ASSERT_FALSE(names.empty());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const CuratedName& entry = names[i];
    SCOPED_TRACE(::testing::Message() << std::hex << entry.class_code << " " << int{entry.epc});
    if (i > 0) {
      EXPECT_LT(std::pair(names[i - 1].class_code, names[i - 1].epc),
                std::pair(entry.class_code, entry.epc));
    }
    // A typo in the table would name nothing, or something nobody sees.
    ASSERT_NE(defs::find_property(entry.class_code, entry.epc), nullptr);
    if (entry.class_code == defs::kSuperClass) {
      EXPECT_TRUE(shown_anywhere.contains(entry.epc));
    } else {
      EXPECT_TRUE(shown_properties.contains({entry.class_code, entry.epc}));
    }
    // Curated means used: the class's entities show it.
    if (entry.class_code != defs::kSuperClass) {
      EXPECT_EQ(property_name(entry.class_code, entry.epc, Language::en), entry.name);
    }
  }
}

TEST(ApplianceNames, TheSuperclassNamesFitOnlyWhatMeansTheSame) {
  EXPECT_EQ(property_name(0x0130, 0x84, Language::en), "Power consumption");
  EXPECT_EQ(property_name(0x027D, 0x88, Language::en), "Fault");
  // A blind's 0x89 is a description of recoverable faults, not the superclass's one.
  EXPECT_EQ(property_name(0x0260, 0x89, Language::en), "Recoverable fault");
  // On a meter "Power" is the measured power; its on/off is named otherwise.
  EXPECT_EQ(property_name(0x0288, 0xE7, Language::en), "Power");
  EXPECT_EQ(property_name(0x0288, 0x80, Language::en), "Operation");
  EXPECT_EQ(property_name(0x0130, 0x80, Language::en), "Power");
  EXPECT_EQ(property_name(0x0130, 0x07, Language::en), "");
  EXPECT_EQ(property_name(0x0601, 0x80, Language::en), "");
}

TEST(ApplianceNames, JapaneseNamesAreTheAppendixs) {
  for (const auto& device : every_device(Language::ja)) {
    for (const Shown& entity : device) {
      const auto* property = defs::find_property(entity.class_code, entity.epc);
      ASSERT_NE(property, nullptr) << entity.object;
      EXPECT_EQ(entity.name, entity.epc == 0x80 ? "電源" : std::string(property->name_ja));
    }
  }
  EXPECT_EQ(property_name(0x027D, 0xD3, Language::ja), "瞬時充放電電力計測値");
}

TEST(ClassName, EveryDeviceClassHasAShortName) {
  std::set<std::string> seen;
  for (std::uint16_t code : device_classes()) {
    SCOPED_TRACE(::testing::Message() << std::hex << code);
    const std::string en = class_name(code, Language::en);
    const std::string ja = class_name(code, Language::ja);
    EXPECT_FALSE(ja.empty());
    EXPECT_LE(en.size(), 32u) << en;
    EXPECT_TRUE(sentence_case(en));
    // Curated, not the Appendix's long name with its capitals ("EV Charger") or brackets.
    EXPECT_FALSE(contains(en, "(")) << en;
  }
  EXPECT_EQ(class_name(0x0130, Language::en), "Air conditioner");
  EXPECT_EQ(class_name(0x0130, Language::ja), "エアコン");
  EXPECT_EQ(class_name(0x0279, Language::en), "Solar power");
  EXPECT_EQ(class_name(0x0601, Language::en), "");  // no definition
}

TEST(LocationName, PlacesAndNumbersInBothLanguages) {
  EXPECT_EQ(location_name(Bytes{0x08}, Language::en), "living room");
  EXPECT_EQ(location_name(Bytes{0x08}, Language::ja), "リビング");
  EXPECT_EQ(location_name(Bytes{0x42}, Language::en), "room 2");
  EXPECT_EQ(location_name(Bytes{0x42}, Language::ja), "部屋2");
  EXPECT_EQ(location_name(Bytes{0x28}, Language::en), "toilet");
  EXPECT_EQ(location_name(Bytes{0x70}, Language::en), "balcony");
  std::set<std::string> en, ja;
  for (int kind = 1; kind <= 14; ++kind) {
    const Bytes edt{static_cast<std::uint8_t>(kind << 3)};
    en.insert(location_name(edt, Language::en));
    ja.insert(location_name(edt, Language::ja));
  }
  EXPECT_EQ(en.size(), 14u);
  EXPECT_EQ(ja.size(), 14u);
  EXPECT_FALSE(en.contains(""));
  EXPECT_FALSE(ja.contains(""));
}

TEST(LocationName, NoPlaceNoName) {
  for (const Bytes& edt : {Bytes{}, Bytes{0x00}, Bytes{0xFF}, Bytes{0x01}, Bytes{0x78}, Bytes{0x7B},
                           Bytes{0x08, 0x00}, Bytes(17, 0x01)}) {
    EXPECT_EQ(location_name(edt, Language::en), "") << to_hex(edt);
    EXPECT_EQ(location_name(edt, Language::ja), "") << to_hex(edt);
  }
}

TEST(ApplianceName, ClassAndPlaceUnlessTheUserNamedIt) {
  ApplianceDevice device = air_conditioner();
  device.installation_location = {};
  EXPECT_EQ(appliance_name(device, Language::en), "Air conditioner");
  EXPECT_EQ(appliance_name(device, Language::ja), "エアコン");
  device.installation_location = {0x08};
  EXPECT_EQ(appliance_name(device, Language::en), "Air conditioner (living room)");
  EXPECT_EQ(appliance_name(device, Language::ja), "エアコン（リビング）");
  device.installation_location = {0x00};  // not set
  EXPECT_EQ(appliance_name(device, Language::en), "Air conditioner");
  device.installation_location = {0x43};
  EXPECT_EQ(appliance_name(device, Language::en), "Air conditioner (room 3)");
  device.named = true;  // [lan.names]: the user's name, in every language
  EXPECT_EQ(appliance_name(device, Language::en), "living_ac");
  EXPECT_EQ(appliance_name(device, Language::ja), "living_ac");
  EXPECT_EQ(appliance_name(unknown_device(), Language::en), "gadget");
}

}  // namespace
}  // namespace hems::ha::test
