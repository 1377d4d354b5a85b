// Entity and device names of LAN appliances (see appliance_names.hpp).

#include "hems/ha/appliance_names.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "hems/echonet/definitions.hpp"
#include "hems/echonet/installation_location.hpp"

namespace hems::ha {
namespace {

namespace defs = echonet::defs;
using echonet::Place;

constexpr std::uint8_t kOperationStatus = 0x80;

std::optional<std::string_view> curated(std::uint16_t class_code, std::uint8_t epc) {
  using Key = std::pair<std::uint16_t, std::uint8_t>;
  const auto names = curated_names();
  const auto it = std::lower_bound(names.begin(), names.end(), Key{class_code, epc},
                                   [](const CuratedName& entry, const Key& key) {
                                     return Key{entry.class_code, entry.epc} < key;
                                   });
  if (it != names.end() && it->class_code == class_code && it->epc == epc)
    return it->name;
  return std::nullopt;
}

// The superclass's curated name fits a class's own definition of the EPC only when the
// definition means the same (the same English name); 0x89 "Fault description (Recoverable
// faults)" of a blind is not the superclass's fault description.
bool same_as_superclass(const defs::PropertyDef& property) {
  const defs::PropertyDef* inherited = defs::find_property(defs::kSuperClass, property.epc);
  return inherited != nullptr && inherited->name_en == property.name_en;
}

struct PlaceWords {
  Place place;
  std::string_view en;
  std::string_view ja;
};

// Words a home owner uses; "other" names no place and is left out of device names.
constexpr std::array<PlaceWords, 14> kPlaces{{
    {Place::living_room, "living room", "リビング"},
    {Place::dining_room, "dining room", "ダイニング"},
    {Place::kitchen, "kitchen", "キッチン"},
    {Place::bathroom, "bathroom", "浴室"},
    {Place::lavatory, "toilet", "トイレ"},
    {Place::washroom, "washroom", "洗面所"},
    {Place::passageway, "hallway", "廊下"},
    {Place::room, "room", "部屋"},
    {Place::stairway, "stairs", "階段"},
    {Place::front_door, "entrance", "玄関"},
    {Place::storeroom, "storeroom", "納戸"},
    {Place::garden, "garden", "庭"},
    {Place::garage, "garage", "車庫"},
    {Place::veranda, "balcony", "ベランダ"},
}};

}  // namespace

std::string property_name(std::uint16_t class_code, std::uint8_t epc, Language language) {
  const defs::PropertyDef* property = defs::find_property(class_code, epc);
  if (property == nullptr)
    return {};
  if (language == Language::ja) {
    // The Appendix calls on/off "operation status" (動作状態); people call it the power switch.
    return epc == kOperationStatus ? "電源" : std::string(property->name_ja);
  }
  if (const auto name = curated(class_code, epc))
    return std::string(*name);
  if (epc == kOperationStatus || same_as_superclass(*property)) {
    if (const auto name = curated(defs::kSuperClass, epc))
      return std::string(*name);
  }
  return readable_name(property->name_en, defs::unit_of(*property).value_or(""));
}

std::string location_name(ByteView installation_location, Language language) {
  const auto location = echonet::decode_installation_location(installation_location);
  if (!location)
    return {};
  const auto it = std::find_if(kPlaces.begin(), kPlaces.end(), [&](const PlaceWords& words) {
    return words.place == location->place;
  });
  if (it == kPlaces.end())
    return {};
  const bool ja = language == Language::ja;
  std::string name(ja ? it->ja : it->en);
  if (location->number != 0) {
    if (!ja)
      name += ' ';
    name += static_cast<char>('0' + location->number);
  }
  return name;
}

std::string appliance_name(const ApplianceDevice& device, Language language) {
  if (device.named)
    return device.id;
  std::string name = class_name(device.class_code, language);
  const std::string place = location_name(device.installation_location, language);
  if (name.empty() || place.empty())
    return name.empty() ? device.id : name;
  if (language == Language::ja)
    return name + "\uFF08" + place + "\uFF09";  // full-width brackets, as Japanese text has them
  name += " (";
  name += place;
  name += ')';
  return name;
}

}  // namespace hems::ha
