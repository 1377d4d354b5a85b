#include "hems/io/open_diagnostics.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "io/io_test_support.hpp"

namespace hems::io {
namespace {

using testing_support::ScratchDir;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(OpenDiagnostics, MissingPathSaysSoAndWhereToLook) {
  ScratchDir dir;
  const auto path = (dir.path() / "ttyUSB9").string();
  const auto text = describe_open_failure(path, ENOENT);
  EXPECT_TRUE(contains(text, path)) << text;
  EXPECT_TRUE(contains(text, "No such file or directory")) << text;
  EXPECT_TRUE(contains(text, "does not exist")) << text;
  EXPECT_TRUE(contains(text, "/dev/serial/by-id")) << text;
}

TEST(OpenDiagnostics, DanglingSymlinkNamesItsTarget) {
  ScratchDir dir;
  const auto link = dir.path() / "wisun";
  std::filesystem::create_symlink("/dev/pts/98765", link);
  const auto text = describe_open_failure(link.string(), ENOENT);
  EXPECT_TRUE(contains(text, "symlink to /dev/pts/98765, which does not exist")) << text;
}

TEST(OpenDiagnostics, PermissionDeniedShowsOwnershipAndTheDialoutHint) {
  ScratchDir dir;
  const auto path = dir.path() / "ttyUSB0";
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fclose(file);
  ASSERT_EQ(::chmod(path.c_str(), 0660), 0);
  const auto text = describe_open_failure(path.string(), EACCES);
  EXPECT_TRUE(contains(text, "Permission denied")) << text;
  EXPECT_TRUE(contains(text, "the path exists")) << text;
  EXPECT_TRUE(contains(text, "mode -rw-rw----")) << text;
  EXPECT_TRUE(contains(text, "owner ")) << text;
  EXPECT_TRUE(contains(text, "group ")) << text;
  EXPECT_TRUE(contains(text, "dialout")) << text;
}

TEST(OpenDiagnostics, BusyPortPointsAtOtherPrograms) {
  const auto text = describe_open_failure("/dev/null", EBUSY);
  EXPECT_TRUE(contains(text, "another program")) << text;
}

}  // namespace
}  // namespace hems::io
