#include "hems/io/state_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "app/temp_dir.hpp"

namespace hems::io {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(StateFile, WritesAPrivateFileInAPrivateDirectoryItCreates) {
  test::TempDir temp;
  const auto dir = temp.path() / "var" / "lib" / "hems2mqtt";
  ASSERT_TRUE(make_private_dir(dir));
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(temp.path() / "var" / "lib"), 0700u);
  ASSERT_TRUE(write_file_atomically(dir / "pan-cache", "channel=33\n"));
  EXPECT_EQ(read(dir / "pan-cache"), "channel=33\n");
  EXPECT_EQ(mode_of(dir / "pan-cache"), 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir / "pan-cache.tmp"));
  ASSERT_TRUE(make_private_dir(dir));  // already there: fine
}

TEST(StateFile, ReplacesAnOlderFileWholeAndTightensItsMode) {
  test::TempDir temp;
  const auto path = temp.path() / "topics";
  std::ofstream(path) << "old\n";
  ::chmod(path.c_str(), 0644);
  std::ofstream(path.string() + ".tmp") << "left over by a crash";
  ::chmod((path.string() + ".tmp").c_str(), 0644);
  ASSERT_TRUE(write_file_atomically(path, "new\n"));
  EXPECT_EQ(read(path), "new\n");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(StateFile, AnUnwritablePlaceIsAnErrorThatNamesItAndChangesNothing) {
  test::TempDir temp;
  const auto blocker = temp.path() / "not-a-dir";
  std::ofstream(blocker) << "a file where the state directory should be";
  auto made = make_private_dir(blocker / "state");
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find(blocker.string()), std::string::npos) << made.error().message;
  auto written = write_file_atomically(blocker / "pan-cache", "x");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("Not a directory"), std::string::npos)
      << written.error().message;
  EXPECT_EQ(read(blocker), "a file where the state directory should be");
}

// A disk that fills up mid-write: the file size limit makes write() fail with EFBIG the way a
// full disk fails with ENOSPC, without needing root or a small filesystem.
TEST(StateFile, AWriteThatFailsHalfwayLeavesTheOldFileAndNoTemporary) {
  test::TempDir temp;
  const auto path = temp.path() / "pan-cache";
  ASSERT_TRUE(write_file_atomically(path, "the old cache\n"));
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 8;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto written = write_file_atomically(path, std::string(64, 'n'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("cannot write"), std::string::npos)
      << written.error().message;
  EXPECT_EQ(read(path), "the old cache\n");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

}  // namespace
}  // namespace hems::io
