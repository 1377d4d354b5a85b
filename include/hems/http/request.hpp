#pragma once

// An HTTP/1.x request head read from a byte stream, sans I/O: bytes in, a request or a refusal
// out. Only what a scrape endpoint needs: GET and HEAD, the request line and the header section.
// A body is never read; the connection closes after its one answer.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace hems::http {

// Larger request lines are answered 414, larger header sections 431. A scraper's request is a few
// hundred bytes; the limits bound what one connection may make the daemon hold.
inline constexpr std::size_t kMaxRequestLine = 8192;
inline constexpr std::size_t kMaxHeaderSection = 8192;

enum class Method { get, head };

struct Request {
  Method method = Method::get;
  std::string path;       // the target up to '?', e.g. "/metrics"
  std::string query;      // after '?', "" when none
  int minor_version = 1;  // HTTP/1.<minor_version>
};

// A request that cannot be served: the status to answer with and why, for the debug log.
struct Refusal {
  int status = 400;
  std::string reason;
};

struct NeedMore {};

using ParseResult = std::variant<NeedMore, Request, Refusal>;

class RequestParser {
 public:
  // Takes the next bytes of the stream. Once a Request or a Refusal came out, every later call
  // returns it again and the bytes are dropped unread.
  ParseResult feed(std::string_view bytes);

 private:
  ParseResult parse_lines();
  ParseResult finish(ParseResult result);
  std::variant<NeedMore, Refusal> request_line(std::string_view line);
  std::variant<NeedMore, Refusal> header_line(std::string_view line);
  ParseResult end_of_headers();

  std::string pending_;  // bytes of the line not yet complete
  bool have_request_line_ = false;
  std::size_t blank_lines_ = 0;   // ignored before the request line
  std::size_t header_bytes_ = 0;  // of the header section so far, line ends included
  std::size_t hosts_ = 0;         // Host header fields seen
  Request request_;
  bool done_ = false;
  ParseResult result_;
};

}  // namespace hems::http
