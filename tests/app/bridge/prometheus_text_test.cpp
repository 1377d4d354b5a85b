#include "hems/app/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/prometheus_exposition.hpp"

namespace hems::app::prometheus {
namespace {

TEST(PrometheusTextTest, EscapesLabelValuesAsTheFormatSays) {
  EXPECT_EQ(escape_label_value(R"(C:\dir "q")"
                               "\nnext"),
            R"(C:\\dir \"q\"\nnext)");
  EXPECT_EQ(escape_label_value("1.2.0-rc1+g0a1b"), "1.2.0-rc1+g0a1b");
}

TEST(PrometheusTextTest, EscapesHelpTextButNotItsQuotes) {
  EXPECT_EQ(escape_help("a \"b\" \\ c\nd"), R"(a "b" \\ c\nd)");
}

TEST(PrometheusTextTest, FormatsValuesSoTheyReadBackTheSame) {
  EXPECT_EQ(format_value(1.0), "1");
  EXPECT_EQ(format_value(-67.5), "-67.5");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusTextTest, WritesFamiliesThatAStrictReaderAccepts) {
  TextWriter out;
  out.family("x_requests_total", "counter", "Requests\nby \\ result");
  out.sample("x_requests_total", std::uint64_t{18446744073709551615U}, {{"result", "ok"}});
  out.sample("x_requests_total", std::uint64_t{0}, {{"result", "e\"r\\r"}, {"why", "a\nb"}});
  out.family("x_temperature", "gauge", "Degrees");
  out.sample("x_temperature", -0.5);
  EXPECT_EQ(out.text(),
            "# HELP x_requests_total Requests\\nby \\\\ result\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{result=\"ok\"} 18446744073709551615\n"
            "x_requests_total{result=\"e\\\"r\\\\r\",why=\"a\\nb\"} 0\n"
            "# HELP x_temperature Degrees\n"
            "# TYPE x_temperature gauge\n"
            "x_temperature -0.5\n");
  const auto read = test::read_exposition(out.text());
  EXPECT_TRUE(read.problems.empty()) << read.problems.front();
  EXPECT_EQ(read.helps.at("x_requests_total"), "Requests\nby \\ result");
  EXPECT_EQ(read.value("x_temperature"), -0.5);
}

TEST(PrometheusTextTest, TheStrictReaderCatchesWhatBreaksTheFormat) {
  // The reader the metrics tests rely on must itself be able to fail.
  EXPECT_FALSE(test::read_exposition("x 1\n").problems.empty());  // no TYPE, no HELP
  EXPECT_FALSE(test::read_exposition("# HELP x_total h\n# TYPE x_total gauge\nx_total 1\n")
                   .problems.empty());
  EXPECT_FALSE(test::read_exposition("# HELP x h\n# TYPE x counter\nx 1\n").problems.empty());
  EXPECT_FALSE(
      test::read_exposition("# HELP x h\n# TYPE x gauge\nx{a=\"b\\q\"} 1\n").problems.empty());
  EXPECT_FALSE(test::read_exposition("# HELP x h\n# TYPE x gauge\nx one\n").problems.empty());
  EXPECT_FALSE(test::read_exposition("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n").problems.empty());
  EXPECT_FALSE(test::read_exposition("# HELP x h\n# TYPE x gauge\nx 1").problems.empty());
  EXPECT_FALSE(
      test::read_exposition("# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\n"
                            "# HELP x h\n# TYPE x gauge\n")
          .problems.empty());
  EXPECT_TRUE(
      test::read_exposition("# HELP x h\n# TYPE x gauge\nx{a=\"\\\"\"} NaN\n").problems.empty());
}

}  // namespace
}  // namespace hems::app::prometheus
