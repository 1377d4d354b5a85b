#include "hems/sim/sk_input.hpp"

#include <string_view>

namespace hems::sim {

std::vector<std::string> split_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ')
      ++at;
    std::size_t end = at;
    while (end < text.size() && text[end] != ' ')
      ++end;
    if (end > at)
      tokens.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return tokens;
}

void SkInputAssembler::reset() {
  line_.clear();
  overlong_ = false;
  in_data_ = false;
  data_remaining_ = 0;
  pending_ = SkInput{};
}

void SkInputAssembler::check_sendto_header(std::vector<SkInput>& out) {
  if (!line_.starts_with("SKSENDTO ") || line_.size() < 2 || line_[line_.size() - 2] == ' ')
    return;
  auto tokens = split_tokens(line_);
  if (tokens.size() != sendto_tokens_)
    return;
  const std::string& len_text = tokens.back();
  if (len_text.size() != 4)
    return;
  std::size_t length = 0;
  for (char c : len_text) {
    auto v = hex_digit_value(c);
    if (!v)
      return;
    length = length * 16 + *v;
  }
  if (length == 0 || length > kMaxData) {
    out.push_back(SkInput{SkInput::Kind::sendto_bad_length, line_, {}});
    line_.clear();
    return;
  }
  pending_ = SkInput{SkInput::Kind::sendto, line_, {}};
  pending_.data.reserve(length);
  data_remaining_ = length;
  in_data_ = true;
  line_.clear();
}

std::vector<SkInput> SkInputAssembler::feed(ByteView bytes) {
  std::vector<SkInput> out;
  for (std::uint8_t b : bytes) {
    if (in_data_) {
      pending_.data.push_back(b);
      if (--data_remaining_ == 0) {
        in_data_ = false;
        out.push_back(std::move(pending_));
        pending_ = SkInput{};
      }
      continue;
    }
    const char c = static_cast<char>(b);
    if (c == '\r' || c == '\n') {
      if (overlong_) {
        out.push_back(SkInput{SkInput::Kind::overlong, {}, {}});
      } else if (!line_.empty()) {
        out.push_back(SkInput{SkInput::Kind::line, line_, {}});
      }
      line_.clear();
      overlong_ = false;
      continue;
    }
    if (overlong_)
      continue;
    if (line_.size() >= kMaxLine) {
      overlong_ = true;
      line_.clear();
      continue;
    }
    line_.push_back(c);
    if (c == ' ')
      check_sendto_header(out);
  }
  return out;
}

}  // namespace hems::sim
