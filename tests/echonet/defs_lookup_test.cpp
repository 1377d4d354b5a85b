#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

TEST(DefsNaming, FollowsTheDesignRule) {
  EXPECT_EQ(snake_case("remainingCapacity3"), "remaining_capacity3");
  EXPECT_EQ(snake_case("operationStatus"), "operation_status");
  EXPECT_EQ(snake_case("co2Concentration"), "co2_concentration");
  EXPECT_EQ(snake_case("cumulativeActiveElectricEnergyAtEvery30Min"),
            "cumulative_active_electric_energy_at_every30_min");
  EXPECT_EQ(snake_case("routeBId"), "route_b_id");
  EXPECT_EQ(snake_case("multipleInputPCS"), "multiple_input_pcs");
  EXPECT_EQ(snake_case("id"), "id");
  EXPECT_EQ(snake_case(""), "");
}

TEST(DefsNaming, EveryTableNameIsAlreadySnakeCase) {
  for (const ClassDef& cls : all_classes()) {
    EXPECT_EQ(snake_case(cls.name), cls.name);
    for (const PropertyDef& p : cls.properties) {
      EXPECT_EQ(snake_case(p.name), p.name) << cls.name;
      EXPECT_FALSE(p.name.empty());
      EXPECT_EQ(p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"),
                std::string_view::npos)
          << p.name;
    }
  }
}

TEST(DefsNaming, HexKeysForUndefinedProperties) {
  EXPECT_EQ(hex_key(0xF5), "0xF5");
  EXPECT_EQ(hex_key(0x0A), "0x0A");
  EXPECT_EQ(parse_hex_key("0xF5"), 0xF5);
  EXPECT_EQ(parse_hex_key("0xf5"), 0xF5);
  EXPECT_EQ(parse_hex_key("F5"), std::nullopt);
  EXPECT_EQ(parse_hex_key("0xG5"), std::nullopt);
  EXPECT_EQ(parse_hex_key("0xF50"), std::nullopt);
}

// The device classes of the MRA v1.3.1 (devices/*.json), plus the superclass and node profile.
constexpr std::uint16_t kMraDeviceClasses[] = {
    0x0002, 0x0003, 0x0007, 0x0011, 0x0012, 0x0016, 0x001B, 0x001D, 0x0022, 0x0023, 0x00D0,
    0x0130, 0x0133, 0x0134, 0x0135, 0x0156, 0x0157, 0x0260, 0x0263, 0x026B, 0x026F, 0x0272,
    0x0273, 0x0279, 0x027A, 0x027B, 0x027C, 0x027D, 0x027E, 0x0280, 0x0281, 0x0282, 0x0287,
    0x0288, 0x028A, 0x028D, 0x028E, 0x028F, 0x0290, 0x0291, 0x02A1, 0x02A3, 0x02A4, 0x02A5,
    0x02A6, 0x02A7, 0x03B7, 0x03B9, 0x03BB, 0x03CE, 0x03D3, 0x03D4, 0x05FD, 0x05FF, 0x0602};

TEST(DefsTables, HoldEveryMraClass) {
  static_assert(std::size(kMraDeviceClasses) == 55);
  // generate.py reports "57 classes, 920 properties".
  EXPECT_EQ(all_classes().size(), 57U);
  std::size_t properties = 0;
  for (const ClassDef& cls : all_classes())
    properties += cls.properties.size();
  EXPECT_EQ(properties, 920U);
  for (std::uint16_t code : kMraDeviceClasses) {
    const ClassDef* cls = find_class(code);
    ASSERT_NE(cls, nullptr) << std::hex << code;
    EXPECT_EQ(cls->code, code);
    EXPECT_FALSE(cls->properties.empty());
  }
  ASSERT_NE(find_class(kSuperClass), nullptr);
  ASSERT_NE(find_class(kNodeProfileClass), nullptr);
  EXPECT_EQ(find_class(kNodeProfileClass)->name, "node_profile");
}

TEST(DefsTables, EveryClassAndPropertyHasAJapaneseName) {
  for (const ClassDef& cls : all_classes()) {
    EXPECT_FALSE(cls.name_ja.empty()) << std::hex << cls.code;
    for (const PropertyDef& property : cls.properties) {
      EXPECT_FALSE(property.name_ja.empty()) << std::hex << cls.code << " " << +property.epc;
      // Names people read: no leading, trailing or doubled blanks.
      EXPECT_FALSE(property.name_ja.starts_with(' ') || property.name_ja.ends_with(' ') ||
                   property.name_ja.find("  ") != std::string_view::npos)
          << property.name_ja;
    }
  }
}

TEST(DefsTables, JapaneseNamesAreTheMras) {
  EXPECT_EQ(find_class(0x0130)->name_ja, "家庭用エアコン");
  EXPECT_EQ(find_class(0x027D)->name_ja, "蓄電池");
  EXPECT_EQ(find_class(0x0288)->name_ja, "低圧スマート電力量メータ");
  EXPECT_EQ(find_property(0x0130, 0xB3)->name_ja, "温度設定値");
  EXPECT_EQ(find_property(0x0130, 0xBB)->name_ja, "室内温度計測値");
  EXPECT_EQ(find_property(0x027D, 0xE4)->name_ja, "蓄電残量3");
  // Inherited from the superclass, next to the English name of the same definition.
  const PropertyDef* fault = find_property(0x027D, 0x88);
  ASSERT_NE(fault, nullptr);
  EXPECT_EQ(fault->name_en, "Fault status");
  EXPECT_EQ(fault->name_ja, "異常発生状態");
}

TEST(DefsTables, ClassesAndPropertiesAreSortedAndUnique) {
  auto classes = all_classes();
  for (std::size_t i = 1; i < classes.size(); ++i)
    EXPECT_LT(classes[i - 1].code, classes[i].code);
  for (const ClassDef& cls : classes) {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < cls.properties.size(); ++i) {
      if (i > 0) {
        EXPECT_LT(cls.properties[i - 1].epc, cls.properties[i].epc) << cls.name;
      }
      EXPECT_TRUE(names.insert(cls.properties[i].name).second) << cls.properties[i].name;
      EXPECT_LT(cls.properties[i].epc, 0xF0) << "maker-specific EPCs stay out of the tables";
      EXPECT_LT(cls.properties[i].type, tables().types.size());
    }
  }
}

TEST(DefsLookup, UnknownClassesAndMakerEpcsAreNotFound) {
  EXPECT_EQ(find_class(0x0599), nullptr);
  EXPECT_EQ(find_property(0x0599, 0x80), nullptr);
  EXPECT_EQ(find_property(0x0130, 0xF5), nullptr);
  EXPECT_EQ(find_property(0x0130, 0xFF), nullptr);
  EXPECT_EQ(find_property_by_name(0x0130, "no_such_property"), nullptr);
}

TEST(DefsLookup, DeviceClassesFallBackToTheSuperclass) {
  // 0x8A manufacturer code is defined once, in the superclass.
  const PropertyDef* manufacturer = find_property(0x0130, 0x8A);
  ASSERT_NE(manufacturer, nullptr);
  EXPECT_EQ(manufacturer->name, "manufacturer");
  EXPECT_EQ(find_property_by_name(0x0130, "manufacturer"), manufacturer);
  // The class's own 0x80 wins over the superclass's.
  const PropertyDef* own = find_property(0x0130, 0x80);
  ASSERT_NE(own, nullptr);
  EXPECT_NE(own, find_property(kSuperClass, 0x80));
  EXPECT_EQ(own->set, Rule::required);
  EXPECT_EQ(find_property(kSuperClass, 0x80)->set, Rule::optional);
}

TEST(DefsLookup, TheNodeProfileHasItsOwnProperties) {
  const PropertyDef* instances = find_property(kNodeProfileClass, 0xD6);
  ASSERT_NE(instances, nullptr);
  EXPECT_EQ(instances->name, "self_node_instance_list_s");
  EXPECT_EQ(find_property(kNodeProfileClass, 0x8A)->name, "manufacturer");
  EXPECT_EQ(find_property(kNodeProfileClass, 0x9F)->name, "get_property_map");
  // No inheritance from the device superclass: 0x84 belongs to device objects only.
  EXPECT_EQ(find_property(kNodeProfileClass, 0x84), nullptr);
  EXPECT_EQ(find_property(kSuperClass, 0x9E)->name, "set_property_map");
}

TEST(DefsLookup, HomeAirConditioner) {
  const ClassDef* ac = find_class(0x0130);
  ASSERT_NE(ac, nullptr);
  EXPECT_EQ(ac->name, "home_air_conditioner");
  EXPECT_EQ(ac->name_en, "Home air conditioner");

  const PropertyDef* status = find_property_by_name(0x0130, "operation_status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->epc, 0x80);
  EXPECT_TRUE(is_boolean(*status));

  const PropertyDef* mode = find_property(0x0130, 0xB0);
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->name, "operation_mode");
  EXPECT_EQ(mode->get, Rule::required);
  EXPECT_EQ(mode->set, Rule::required);
  EXPECT_THAT(enum_names(*mode), ElementsAre("auto", "cooling", "heating", "dehumidification",
                                             "circulation", "other"));
  EXPECT_FALSE(is_boolean(*mode));

  const PropertyDef* target = find_property(0x0130, 0xB3);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->name, "target_temperature");
  EXPECT_EQ(unit_of(*target), "\u00B0C");
  auto range = numeric_range(*target);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->min, 0);
  EXPECT_EQ(range->max, 50);
  EXPECT_EQ(range->step, 1);

  const PropertyDef* room = find_property(0x0130, 0xBB);
  ASSERT_NE(room, nullptr);
  EXPECT_EQ(room->name, "room_temperature");
  EXPECT_EQ(room->set, Rule::not_applicable);
  EXPECT_EQ(numeric_range(*room)->min, -127);
  EXPECT_EQ(numeric_range(*room)->max, 125);

  const PropertyDef* fan = find_property(0x0130, 0xA0);
  ASSERT_NE(fan, nullptr);
  EXPECT_EQ(fan->name, "air_flow_level");
  EXPECT_EQ(numeric_range(*fan)->min, 1);
  EXPECT_EQ(numeric_range(*fan)->max, 8);
  EXPECT_THAT(enum_names(*fan), ElementsAre("auto"));
}

TEST(DefsLookup, EnergyAndOtherAppliances) {
  EXPECT_EQ(find_class(0x026B)->name, "electric_water_heater");
  EXPECT_EQ(find_property(0x026B, 0xB3)->name, "target_water_heating_temperature");
  EXPECT_EQ(find_property(0x026B, 0xE1)->name, "remaining_water");
  EXPECT_EQ(unit_of(*find_property(0x026B, 0xE1)), "L");

  EXPECT_EQ(find_class(0x027D)->name, "storage_battery");
  const PropertyDef* soc = find_property_by_name(0x027D, "remaining_capacity3");
  ASSERT_NE(soc, nullptr);
  EXPECT_EQ(soc->epc, 0xE4);
  EXPECT_EQ(soc->get, Rule::conditional);
  EXPECT_EQ(unit_of(*soc), "%");

  EXPECT_EQ(find_class(0x0279)->name, "pv_power_generation");
  const PropertyDef* pv_power = find_property(0x0279, 0xE0);
  ASSERT_NE(pv_power, nullptr);
  EXPECT_EQ(pv_power->name, "instantaneous_electric_power_generation");
  EXPECT_EQ(unit_of(*pv_power), "W");
  const PropertyDef* pv_energy = find_property(0x0279, 0xE1);
  ASSERT_NE(pv_energy, nullptr);
  EXPECT_EQ(pv_energy->name, "cumulative_electric_energy_of_generation");
  EXPECT_EQ(unit_of(*pv_energy), "kWh");
  EXPECT_DOUBLE_EQ(numeric_range(*pv_energy)->step, 0.001);
  EXPECT_DOUBLE_EQ(numeric_range(*pv_energy)->max, 999999.999);

  EXPECT_EQ(find_class(0x027E)->name, "ev_charger_discharger");
  EXPECT_THAT(enum_names(*find_property(0x027E, 0xDA)), Contains("charging_discharging"));
  EXPECT_EQ(unit_of(*find_property(0x027E, 0xD3)), "W");

  EXPECT_EQ(find_class(0x027B)->name, "floor_heater");
  EXPECT_EQ(find_property(0x027B, 0xE0)->name, "target_temperature1");
  EXPECT_EQ(find_property(0x027B, 0xE3)->name, "measured_floor_temperature");

  EXPECT_EQ(find_class(0x0290)->name, "general_lighting");
  const PropertyDef* brightness = find_property(0x0290, 0xB0);
  ASSERT_NE(brightness, nullptr);
  EXPECT_EQ(brightness->name, "light_level");
  EXPECT_EQ(unit_of(*brightness), "%");
  EXPECT_EQ(numeric_range(*brightness)->max, 100);
}

TEST(DefsLookup, UnitsBecomeSymbols) {
  EXPECT_EQ(unit_of(*find_property(0x0130, 0xBB)), "\u00B0C");
  EXPECT_EQ(unit_of(*find_property(0x0130, 0xB0)), std::nullopt);  // an enumeration
  EXPECT_EQ(unit_of(*find_property(kSuperClass, 0x84)), "W");
  EXPECT_EQ(unit_of(*find_property(kSuperClass, 0x85)), "kWh");
}

}  // namespace
}  // namespace hems::echonet::defs
