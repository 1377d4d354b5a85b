#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hems::io {

// What `--list-ports` prints next to a serial port that is a Wi-SUN dongle we know, e.g.
// "Wi-SUN dongle: RATOC RS-WSUHA-P (dialect bp35c0)", or nullopt for any other port.
//
// vid/pid are the USB ids (-1 when the port is not USB); product is the USB product string.
// The vendors publish no USB ids for these dongles, and they sit behind generic USB-serial
// bridges, so the product string is the key; the ids only rule out ports that are not USB.
// Unsupported binary-protocol variants ("-J11") are reported as such rather than passed over.
std::optional<std::string> known_dongle(int vid, int pid, std::string_view product);

}  // namespace hems::io
