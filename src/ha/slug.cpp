#include "slug.hpp"

namespace hems::ha::detail {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_padding(char c) {
  return c == '\0' || c == ' ' || c == '\t';
}

}  // namespace

std::string slug(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool gap = false;
  for (char c : text) {
    if (!is_alnum(c)) {
      gap = true;
      continue;
    }
    if (gap && !out.empty())
      out.push_back('_');
    gap = false;
    out.push_back(to_lower(c));
  }
  return out;
}

std::string_view trim_padding(std::string_view text) {
  while (!text.empty() && is_padding(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_padding(text.back()))
    text.remove_suffix(1);
  return text;
}

}  // namespace hems::ha::detail
