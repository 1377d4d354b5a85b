#include "hems/ha/manufacturer.hpp"

#include <array>
#include <cstdio>
#include <utility>

namespace hems::ha {
namespace {

// Makers of smart meters, Wi-SUN dongles and the large appliance brands, checked against two
// independent copies of the ECHONET Consortium's manufacturer code list. Codes we could not
// confirm in both are left out on purpose: a wrong maker name is worse than the raw code.
constexpr std::array<std::pair<std::uint32_t, const char*>, 14> kMakers{{
    {0x000001, "Hitachi"},
    {0x000005, "Sharp"},
    {0x000006, "Mitsubishi Electric"},
    {0x000008, "Daikin Industries"},
    {0x000009, "NEC"},
    {0x00000B, "Panasonic"},
    {0x000016, "Toshiba"},
    {0x000035, "Toshiba Toko Meter Systems"},
    {0x000041, "Enegate"},
    {0x000052, "Osaki Electric"},
    {0x000085, "Takaoka Toko"},
    {0x0000C2, "Tohoku Electric Meter Industry"},
    {0x0000CB, "Fuji Electric"},
    {0x0000EE, "Tessera Technology"},
}};

}  // namespace

std::string manufacturer_name(std::uint32_t echonet_code) {
  for (const auto& [code, name] : kMakers) {
    if (code == echonet_code)
      return name;
  }
  // The code is 3 bytes on the wire; anything wider was not read from a meter, but show it whole.
  char text[32];
  std::snprintf(text, sizeof text, "ECHONET maker 0x%06X", static_cast<unsigned>(echonet_code));
  return text;
}

}  // namespace hems::ha
