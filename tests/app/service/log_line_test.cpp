// The log line as it reaches a terminal or file, and as it reaches systemd's journal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "hems/app/log.hpp"

namespace hems::app {
namespace {

using namespace std::chrono;

// 2026-11-26 05:32:03.123 UTC
system_clock::time_point sample_time() {
  return sys_days{year{2026} / 11 / 26} + hours{5} + minutes{32} + seconds{3} + milliseconds{123};
}

class LogLine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ"))
      saved_tz_ = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_tz_)
      ::setenv("TZ", saved_tz_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
    set_log_format(LogFormat::plain);
  }
  std::optional<std::string> saved_tz_;
};

TEST_F(LogLine, PlainLineStartsWithItsOwnLocalTime) {
  EXPECT_EQ(format_log_line(Level::info, "meter joined", LogFormat::plain, sample_time()),
            "2026-11-26T05:32:03.123 INFO  meter joined");
  EXPECT_EQ(format_log_line(Level::error, "x", LogFormat::plain, sample_time()),
            "2026-11-26T05:32:03.123 ERROR x");
}

TEST_F(LogLine, JournalLineStartsWithSyslogPriorityAndHasNoTime) {
  struct Case {
    Level level;
    std::string expected;
  };
  for (const auto& [level, expected] :
       {Case{Level::error, "<3>ERROR lost"}, Case{Level::warning, "<4>WARN  lost"},
        Case{Level::info, "<6>INFO  lost"}, Case{Level::debug, "<7>DEBUG lost"},
        Case{Level::trace, "<7>TRACE lost"}}) {
    EXPECT_EQ(format_log_line(level, "lost", LogFormat::journal, sample_time()), expected);
  }
}

TEST_F(LogLine, EveryLineOfAMultiLineMessageKeepsItsPriority) {
  EXPECT_EQ(format_log_line(Level::warning, "first\nsecond", LogFormat::journal, sample_time()),
            "<4>WARN  first\n<4>second");
}

TEST_F(LogLine, LogWritesTheChosenFormatToStdout) {
  char path[] = "/tmp/hems-log-XXXXXX";
  const int file = ::mkstemp(path);
  ASSERT_GE(file, 0);
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(file, STDOUT_FILENO), STDOUT_FILENO);
  set_log_level(Level::debug);
  set_log_format(LogFormat::journal);
  log(Level::warning, "journal line");
  set_log_format(LogFormat::plain);
  log(Level::info, "plain line");
  log(Level::trace, "filtered out");
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(file);
  set_log_level(Level::info);

  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  std::istringstream lines(text.str());
  std::string journal, plain, extra;
  std::getline(lines, journal);
  std::getline(lines, plain);
  EXPECT_EQ(journal, "<4>WARN  journal line");
  EXPECT_TRUE(plain.ends_with(" INFO  plain line")) << plain;
  EXPECT_EQ(plain[4], '-') << plain;
  EXPECT_EQ(plain[10], 'T') << plain;
  EXPECT_FALSE(std::getline(lines, extra)) << extra;
}

class JournalStream : public ::testing::Test {
 protected:
  void SetUp() override {
    fd_ = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    struct stat st {};
    ASSERT_EQ(::fstat(fd_, &st), 0);
    dev_ = static_cast<unsigned long long>(st.st_dev);
    ino_ = static_cast<unsigned long long>(st.st_ino);
  }
  void TearDown() override { ::close(fd_); }
  int fd_ = -1;
  unsigned long long dev_ = 0, ino_ = 0;
};

TEST_F(JournalStream, MatchesTheDeviceAndInodeOfTheFd) {
  EXPECT_TRUE(is_journal_stream(std::to_string(dev_) + ":" + std::to_string(ino_), fd_));
}

TEST_F(JournalStream, AnotherFileOrGarbageDoesNotMatch) {
  const std::string dev = std::to_string(dev_), ino = std::to_string(ino_);
  for (const std::string& value :
       {dev + ":" + std::to_string(ino_ + 1), std::to_string(dev_ + 1) + ":" + ino,
        dev + ":" + ino + "x", dev + ":" + ino + ":1", ":" + ino, dev + ":", dev + ino,
        std::string(), std::string("journal"), "-" + dev + ":" + ino, " " + dev + ":" + ino}) {
    EXPECT_FALSE(is_journal_stream(value, fd_)) << value;
  }
  EXPECT_FALSE(is_journal_stream(dev + ":" + ino, -1));  // a closed stdout
}

}  // namespace
}  // namespace hems::app
