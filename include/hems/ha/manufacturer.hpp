#pragma once

#include <cstdint>
#include <string>

namespace hems::ha {

// The maker behind an ECHONET manufacturer code (property 0x8A), for the device block. Codes not
// in our small table come back as "ECHONET maker 0x0000XX" so the raw code stays visible.
std::string manufacturer_name(std::uint32_t echonet_code);

}  // namespace hems::ha
