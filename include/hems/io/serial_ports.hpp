#pragma once

#include <string>
#include <vector>

namespace hems::io {

struct SerialPortInfo {
  std::string path;  // "/dev/ttyUSB0"
  std::string description;
  std::string manufacturer;  // USB only, else empty
  std::string product;
  std::string serial_number;
  int usb_vid = -1;  // -1 when not a USB port
  int usb_pid = -1;
  std::string stable_path;  // its /dev/serial/by-id/ name when there is one (use in configs)
};

// The serial ports libserialport finds, sorted by path. Empty (never an error) when none.
std::vector<SerialPortInfo> list_serial_ports();

}  // namespace hems::io
