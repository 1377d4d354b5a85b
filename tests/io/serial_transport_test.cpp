#include "hems/io/serial_transport.hpp"

#include <gtest/gtest.h>

#include "io/io_test_support.hpp"

namespace hems::io {
namespace {

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

TEST(SerialTransport, PseudoTerminalIsRefusedWithAnExplanation) {
  // The libserialport limit the terminal transport exists for (see the design notes).
  testing_support::PtyMaster master;
  ASSERT_TRUE(master.ok());
  SerialTransport transport(master.slave_path());
  auto opened = transport.open();
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(master.slave_path()), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find("terminal"), std::string::npos) << opened.error().message;
}

TEST(MakeTransport, MissingDevicePathIsDescribedAsSerial) {
  auto transport = make_transport("/dev/ttyUSB-not-plugged-in");
  EXPECT_EQ(transport->description(), "serial /dev/ttyUSB-not-plugged-in");
  EXPECT_FALSE(transport->open());
  EXPECT_FALSE(transport->is_open());
}

}  // namespace
}  // namespace hems::io
