#pragma once

// An HTTP/1.1 answer as bytes, sans I/O. Every answer closes the connection: a scraper asks once
// every few seconds, so keeping connections alive would save nothing worth the state.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hems::http {

struct Response {
  int status = 200;
  std::string content_type;  // "" with an empty body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // more fields, e.g. Allow
};

// "OK", "Not Found", ...; "Unknown" for a status this server never sends.
std::string_view reason_phrase(int status);

// A short text/plain answer for an error status, with Allow for 405.
Response error_response(int status);

// The status line, Content-Type (when set), Content-Length, Connection: close, the extra fields
// and the body. The answer to a HEAD request (`head`) has the same fields and no body.
std::string serialize(const Response& response, bool head);

}  // namespace hems::http
