#include "hems/echonet/installation_location.hpp"

namespace hems::echonet {

std::optional<InstallationLocation> decode_installation_location(ByteView edt) {
  // The 17-byte form is position information; no place name can be made of it.
  if (edt.size() != 1)
    return std::nullopt;
  const std::uint8_t code = edt[0];
  const int kind = code >> 3;
  // Kind 0 holds "not set" (0x00) and codes that are not places; 0xFF is "not fixed".
  if (kind == 0 || code == 0xFF)
    return std::nullopt;
  return InstallationLocation{static_cast<Place>(kind), static_cast<std::uint8_t>(code & 0x07)};
}

}  // namespace hems::echonet
