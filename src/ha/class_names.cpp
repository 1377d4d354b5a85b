// What home owners call each ECHONET class, for device names. The Appendix's names are precise
// and long ("Household solar power generation", "家庭用エアコン"); the model field keeps them.

#include <algorithm>
#include <array>

#include "hems/echonet/definitions.hpp"
#include "hems/ha/appliance_names.hpp"

namespace hems::ha {
namespace {

struct ClassName {
  std::uint16_t code;
  std::string_view en;
  std::string_view ja;
};

// Sorted by code, for lower_bound.
constexpr std::array<ClassName, 55> kClassNames{{
    {0x0002, "Security sensor", "防犯センサ"},
    {0x0003, "Emergency button", "非常ボタン"},
    {0x0007, "Motion sensor", "人感センサ"},
    {0x0011, "Temperature sensor", "温度センサ"},
    {0x0012, "Humidity sensor", "湿度センサ"},
    {0x0016, "Bath heating sensor", "風呂沸き上がりセンサ"},
    {0x001B, "CO2 sensor", "CO2センサ"},
    {0x001D, "VOC sensor", "VOCセンサ"},
    {0x0022, "Energy sensor", "電力量センサ"},
    {0x0023, "Current sensor", "電流センサ"},
    {0x00D0, "Illuminance sensor", "照度センサ"},
    {0x0130, "Air conditioner", "エアコン"},
    {0x0133, "Ventilation fan", "換気扇"},
    {0x0134, "Ventilation unit", "空調換気扇"},
    {0x0135, "Air purifier", "空気清浄機"},
    {0x0156, "Commercial AC indoor unit", "業務用エアコン室内機"},
    {0x0157, "Commercial AC outdoor unit", "業務用エアコン室外機"},
    {0x0260, "Blind", "電動ブラインド"},
    {0x0263, "Shutter", "電動シャッター"},
    {0x026B, "Electric water heater", "電気温水器"},
    {0x026F, "Electric lock", "電気錠"},
    {0x0272, "Water heater", "給湯器"},
    {0x0273, "Bathroom heater-dryer", "浴室暖房乾燥機"},
    {0x0279, "Solar power", "太陽光発電"},
    {0x027A, "Heat source unit", "冷温水熱源機"},
    {0x027B, "Floor heater", "床暖房"},
    {0x027C, "Fuel cell", "燃料電池"},
    {0x027D, "Battery", "蓄電池"},
    {0x027E, "EV charger/discharger", "EV充放電器"},
    {0x0280, "Electricity meter", "電力量メーター"},
    {0x0281, "Water meter", "水道メーター"},
    {0x0282, "Gas meter", "ガスメーター"},
    {0x0287, "Distribution board", "分電盤"},
    {0x0288, "Smart meter", "スマートメーター"},
    {0x028A, "High-voltage smart meter", "高圧スマートメーター"},
    {0x028D, "Sub-meter", "サブメーター"},
    {0x028E, "Generation meter", "分散型電源メーター"},
    {0x028F, "Bidirectional high-voltage meter", "双方向高圧スマートメーター"},
    {0x0290, "Light", "照明"},
    {0x0291, "Light", "照明"},
    {0x02A1, "EV charger", "EV充電器"},
    {0x02A3, "Lighting system", "照明システム"},
    {0x02A4, "Lighting system", "照明システム"},
    {0x02A5, "Multi-input power conditioner", "マルチ入力PCS"},
    {0x02A6, "Hybrid water heater", "ハイブリッド給湯機"},
    {0x02A7, "Frequency regulation", "周波数制御"},
    {0x03B7, "Refrigerator", "冷蔵庫"},
    {0x03B9, "Cooktop", "クッキングヒーター"},
    {0x03BB, "Rice cooker", "炊飯器"},
    {0x03CE, "Showcase", "業務用ショーケース"},
    {0x03D3, "Washer-dryer", "洗濯乾燥機"},
    {0x03D4, "Showcase outdoor unit", "ショーケース室外機"},
    {0x05FD, "Switch", "スイッチ"},
    {0x05FF, "Controller", "コントローラ"},
    {0x0602, "TV", "テレビ"},
}};
static_assert(std::is_sorted(kClassNames.begin(), kClassNames.end(),
                             [](const ClassName& a, const ClassName& b) {
                               return a.code < b.code;
                             }));

}  // namespace

std::string class_name(std::uint16_t class_code, Language language) {
  const auto it = std::lower_bound(
      kClassNames.begin(), kClassNames.end(), class_code,
      [](const ClassName& entry, std::uint16_t code) { return entry.code < code; });
  if (it != kClassNames.end() && it->code == class_code)
    return std::string(language == Language::ja ? it->ja : it->en);
  // A class added to the definitions after this table: its own name, made readable.
  const echonet::defs::ClassDef* cls = echonet::defs::find_class(class_code);
  if (cls == nullptr)
    return {};
  return language == Language::ja ? std::string(cls->name_ja) : readable_name(cls->name_en, "");
}

}  // namespace hems::ha
