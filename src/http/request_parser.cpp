#include <algorithm>
#include <cctype>

#include "hems/http/request.hpp"

namespace hems::http {
namespace {

// Blank lines a client may send before the request line (RFC 9112 asks servers to ignore at
// least one: some clients end a previous body with an extra CRLF).
constexpr std::size_t kMaxBlankLines = 4;

bool is_token_char(unsigned char c) {
  if (std::isalnum(c) != 0)
    return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return is_token_char(static_cast<unsigned char>(c));
  });
}

// Visible ASCII: what a request target may hold (non-ASCII must be percent-encoded).
bool is_visible(unsigned char c) {
  return c > 0x20 && c < 0x7F;
}

// A field value: visible characters, spaces and tabs, and bytes >= 0x80 (obs-text).
bool is_field_value_char(unsigned char c) {
  return c == ' ' || c == '\t' || is_visible(c) || c >= 0x80;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Refusal bad_request(std::string reason) {
  return Refusal{400, std::move(reason)};
}

}  // namespace

ParseResult RequestParser::feed(std::string_view bytes) {
  if (done_)
    return result_;
  pending_.append(bytes);
  return parse_lines();
}

ParseResult RequestParser::parse_lines() {
  std::size_t start = 0;
  for (std::size_t newline; (newline = pending_.find('\n', start)) != std::string::npos;) {
    std::string_view line(pending_.data() + start, newline - start);
    const std::size_t line_bytes = newline - start + 1;
    start = newline + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!have_request_line_) {
      if (line.empty()) {
        if (++blank_lines_ > kMaxBlankLines)
          return finish(bad_request("only blank lines"));
        continue;
      }
      if (line.size() > kMaxRequestLine)
        return finish(Refusal{
            414, "the request line is longer than " + std::to_string(kMaxRequestLine) + " bytes"});
      auto checked = request_line(line);
      if (auto* refusal = std::get_if<Refusal>(&checked))
        return finish(*refusal);
      have_request_line_ = true;
      continue;
    }
    header_bytes_ += line_bytes;
    if (header_bytes_ > kMaxHeaderSection)
      return finish(Refusal{431, "the header section is larger than " +
                                     std::to_string(kMaxHeaderSection) + " bytes"});
    if (line.empty())
      return finish(end_of_headers());
    auto checked = header_line(line);
    if (auto* refusal = std::get_if<Refusal>(&checked))
      return finish(*refusal);
  }
  pending_.erase(0, start);
  // The line still incomplete may already be too long: a CR may still end it, nothing more.
  if (!have_request_line_ && pending_.size() > kMaxRequestLine + 1)
    return finish(Refusal{
        414, "the request line is longer than " + std::to_string(kMaxRequestLine) + " bytes"});
  if (have_request_line_ && header_bytes_ + pending_.size() > kMaxHeaderSection)
    return finish(Refusal{
        431, "the header section is larger than " + std::to_string(kMaxHeaderSection) + " bytes"});
  return NeedMore{};
}

std::variant<NeedMore, Refusal> RequestParser::request_line(std::string_view line) {
  // method SP request-target SP HTTP-version, single spaces (RFC 9112 section 3).
  const std::size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos)
    return bad_request("the request line has no target");
  const std::string_view method = line.substr(0, first_space);
  const std::string_view rest = line.substr(first_space + 1);
  const std::size_t second_space = rest.find(' ');
  if (second_space == std::string_view::npos)
    return bad_request("the request line has no HTTP version");
  const std::string_view target = rest.substr(0, second_space);
  const std::string_view version = rest.substr(second_space + 1);
  if (!is_token(method))
    return bad_request("the method is not a token");
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        return is_visible(static_cast<unsigned char>(c));
      }))
    return bad_request("the target is empty or holds a space or control character");
  const bool version_shape = version.size() == 8 && version.starts_with("HTTP/") &&
                             std::isdigit(static_cast<unsigned char>(version[5])) != 0 &&
                             version[6] == '.' &&
                             std::isdigit(static_cast<unsigned char>(version[7])) != 0;
  if (!version_shape)
    return bad_request("the HTTP version is malformed");
  if (version[5] != '1')
    return Refusal{505, "HTTP version " + std::string(version.substr(5)) + " is not served"};
  if (target.front() != '/')
    return bad_request("the target is not a path");
  if (method != "GET" && method != "HEAD")
    return Refusal{405, "method " + std::string(method) + " is not served"};
  request_.method = method == "GET" ? Method::get : Method::head;
  request_.minor_version = version[7] - '0';
  const std::size_t question = target.find('?');
  request_.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos)
    request_.query = std::string(target.substr(question + 1));
  return NeedMore{};
}

std::variant<NeedMore, Refusal> RequestParser::header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t')
    return bad_request("a header line is folded (obsolete line folding)");
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return bad_request("a header line has no colon");
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name))
    return bad_request("a header name is empty or not a token");
  const std::string_view value = trim_spaces(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(),
                   [](char c) { return is_field_value_char(static_cast<unsigned char>(c)); }))
    return bad_request("a header value holds a control character");
  if (equals_ignoring_case(name, "host"))
    ++hosts_;
  return NeedMore{};
}

ParseResult RequestParser::end_of_headers() {
  // RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host; none is an error there.
  if (hosts_ > 1)
    return bad_request("more than one Host header");
  if (request_.minor_version >= 1 && hosts_ == 0)
    return bad_request("an HTTP/1.1 request without a Host header");
  return request_;
}

ParseResult RequestParser::finish(ParseResult result) {
  done_ = true;
  result_ = std::move(result);
  pending_.clear();
  pending_.shrink_to_fit();
  return result_;
}

}  // namespace hems::http
