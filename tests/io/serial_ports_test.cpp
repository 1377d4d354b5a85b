#include "hems/io/serial_ports.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "hems/io/serial_transport.hpp"
#include "io/io_test_support.hpp"

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

TEST(SerialTransport, MissingDeviceIsAnErrorThatNamesIt) {
  testing_support::ScratchDir dir;
  const auto path = (dir.path() / "ttyUSB7").string();
  SerialTransport transport(path);
  EXPECT_EQ(transport.description(), "serial " + path);
  auto opened = transport.open();
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("does not exist"), std::string::npos)
      << opened.error().message;
  EXPECT_FALSE(transport.is_open());
  EXPECT_EQ(transport.poll_fd(), -1);
  EXPECT_FALSE(transport.read_available());
  EXPECT_FALSE(transport.write_all(testing_support::as_bytes("x")));
}

}  // namespace
}  // namespace hems::io
