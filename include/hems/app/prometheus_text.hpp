#pragma once

// Prometheus' text exposition format 0.0.4, written by hand: families with HELP and TYPE, then
// their samples. Only the escaping and number forms the format defines; no client library.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace hems::app::prometheus {

// The Content-Type of the format.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// A HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A sample value: the shortest decimal that reads back the same, or NaN, +Inf, -Inf.
std::string format_value(double value);

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class TextWriter {
 public:
  // Starts a family: `type` is "counter" or "gauge". A counter's name ends in _total.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, double value, Labels labels = {});
  // Counters as exact integers (a double would round past 2^53).
  void sample(std::string_view name, std::uint64_t value, Labels labels = {});

  const std::string& text() const { return out_; }

 private:
  void name_and_labels(std::string_view name, Labels labels);

  std::string out_;
};

}  // namespace hems::app::prometheus
