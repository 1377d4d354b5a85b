#include "hems/io/terminal_transport.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "hems/io/transport.hpp"
#include "io/io_test_support.hpp"

namespace hems::io {
namespace {

using namespace testing_support;

TEST(ClassifyDevice, PtySlaveAndSymlinkToItAreTerminals) {
  PtyMaster master;
  ASSERT_TRUE(master.ok());
  ScratchDir dir;
  const auto link = dir.path() / "wisun";
  std::filesystem::create_symlink(master.slave_path(), link);

  EXPECT_EQ(classify_device(master.slave_path()), TransportKind::terminal);
  EXPECT_EQ(classify_device(link.string()), TransportKind::terminal);
}

TEST(ClassifyDevice, MissingPathIsSerialUntilItAppears) {
  EXPECT_EQ(classify_device("/dev/ttyUSB-does-not-exist"), TransportKind::serial);
}

TEST(TerminalTransport, CarriesBytesBothWaysThroughASymlink) {
  PtyMaster master;
  ASSERT_TRUE(master.ok());
  ScratchDir dir;
  const auto link = dir.path() / "wisun";
  std::filesystem::create_symlink(master.slave_path(), link);

  auto transport = make_transport(link.string());
  EXPECT_EQ(transport->description(), "pty " + link.string());
  EXPECT_FALSE(transport->is_open());
  EXPECT_EQ(transport->poll_fd(), -1);
  auto opened = transport->open();
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(transport->is_open());
  EXPECT_GE(transport->poll_fd(), 0);

  auto idle = transport->read_available();
  ASSERT_TRUE(idle) << idle.error().message;
  EXPECT_TRUE(idle->empty());

  // Raw mode: CR LF and control bytes must arrive untouched.
  const std::string event = "EVENT 21 FE80:0000:0000:0000:021D:1290:0003:C890 0 00\r\n\x03\x7f";
  ASSERT_TRUE(master.write(event));
  EXPECT_EQ(read_through(*transport, event.size()), event);

  const std::string command = "SKVER\r\n";
  auto written = transport->write_all(as_bytes(command));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(master.read(command.size()), command);
}

TEST(TerminalTransport, HangUpIsAnErrorAndReopenFollowsTheSymlink) {
  auto first = std::make_unique<PtyMaster>();
  ASSERT_TRUE(first->ok());
  ScratchDir dir;
  const auto link = dir.path() / "wisun";
  point_symlink(link, first->slave_path());

  auto transport = make_transport(link.string());
  ASSERT_TRUE(transport->open());

  first->close();
  const std::string loss = wait_for_link_loss(*transport);
  EXPECT_NE(loss, "") << "closing the pty master must be reported as a lost link";
  EXPECT_NE(loss.find(link.string()), std::string::npos) << loss;
  transport->close();
  EXPECT_FALSE(transport->is_open());

  PtyMaster second;
  ASSERT_TRUE(second.ok());
  point_symlink(link, second.slave_path());
  auto reopened = transport->open();
  ASSERT_TRUE(reopened) << reopened.error().message;
  ASSERT_TRUE(second.write("OK\r\n"));
  EXPECT_EQ(read_through(*transport, 4), "OK\r\n");
}

TEST(TerminalTransport, WriteGivesUpWhenNobodyReads) {
  PtyMaster master;  // never read: the pty's buffer fills up
  ASSERT_TRUE(master.ok());
  TerminalTransport transport(master.slave_path());
  ASSERT_TRUE(transport.open());
  const Bytes flood(4 * 1024 * 1024, 'A');
  const auto started = std::chrono::steady_clock::now();
  auto written = transport.write_all(flood);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("timed out"), std::string::npos)
      << written.error().message;
  EXPECT_GE(took, std::chrono::milliseconds(1900));
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(TerminalTransport, OpenFailureNamesThePathAndTheReason) {
  ScratchDir dir;
  const auto missing = (dir.path() / "nothing-here").string();
  TerminalTransport transport(missing);
  auto opened = transport.open();
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(missing), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("does not exist"), std::string::npos)
      << opened.error().message;
  EXPECT_FALSE(transport.is_open());
}

TEST(TerminalTransport, RegularFileIsRejectedAsNotATerminal) {
  ScratchDir dir;
  const auto file = dir.path() / "plain";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  TerminalTransport transport(file.string());
  auto opened = transport.open();
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("not a terminal"), std::string::npos)
      << opened.error().message;
  EXPECT_FALSE(transport.is_open());
}

TEST(TerminalTransport, ReadAndWriteWhenClosedAreErrors) {
  TerminalTransport transport("/dev/null");
  EXPECT_FALSE(transport.read_available());
  EXPECT_FALSE(transport.write_all(as_bytes("x")));
}

TEST(MakeTransport, FollowsASymlinkThatAppearsAfterStart) {
  ScratchDir dir;
  const auto link = dir.path() / "wisun";
  auto transport = make_transport(link.string());
  auto early = transport->open();
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find(link.string()), std::string::npos) << early.error().message;

  PtyMaster master;
  ASSERT_TRUE(master.ok());
  point_symlink(link, master.slave_path());
  auto opened = transport->open();
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(transport->description(), "pty " + link.string());
  ASSERT_TRUE(master.write("hi"));
  EXPECT_EQ(read_through(*transport, 2), "hi");
}

}  // namespace
}  // namespace hems::io
