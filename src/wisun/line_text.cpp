// Small text helpers for SKSTACK IP lines: splitting and hex numbers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hems/common/bytes.hpp"
#include "line_records.hpp"

namespace hems::wisun::detail {

std::string_view trim_trailing_spaces(std::string_view text) {
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < text.size()) {
    if (text[start] == ' ') {
      ++start;
      continue;
    }
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos)
      end = text.size();
    words.push_back(text.substr(start, end - start));
    start = end;
  }
  return words;
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) {
      fields.push_back(text.substr(start));
      return fields;
    }
    fields.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::optional<std::uint32_t> parse_hex(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits || text.size() > 8)
    return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    auto digit = hex_digit_value(c);
    if (!digit)
      return std::nullopt;
    value = (value << 4) | *digit;
  }
  return value;
}

bool is_hex_digits(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits)
    return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return hex_digit_value(c).has_value(); });
}

bool is_full_ipv6(std::string_view text) {
  std::size_t groups = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(':', start);
    std::string_view group =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!parse_hex(group, 4))
      return false;
    ++groups;
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return groups == 8;
}

}  // namespace hems::wisun::detail
