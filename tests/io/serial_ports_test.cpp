#include "hems/io/serial_ports.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace hems::io {
namespace {

TEST(SerialPorts, ListingWorksWithOrWithoutPorts) {
  const auto ports = list_serial_ports();
  EXPECT_TRUE(std::ranges::is_sorted(ports, {}, &SerialPortInfo::path));
  for (const auto& port : ports) {
    EXPECT_TRUE(port.path.starts_with("/dev/")) << port.path;
    if (port.usb_vid < 0) {
      EXPECT_EQ(port.usb_pid, -1) << port.path;
    }
  }
}

}  // namespace
}  // namespace hems::io
