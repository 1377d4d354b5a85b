// Fuzzes what a client of the HTTP endpoint sends: http::RequestParser, and the answer the server
// would write for it; with bit 7 of byte 0 set, the input is an [http] listen value instead.
//
// Byte 0: bit 7 picks the listen-address mode; otherwise its low 7 bits (0 read as 1) are the
// size of the chunks the rest is fed in, for a second parser that gets the whole rest at once.
// Invariants: chunking does not change the result; a request's path starts with '/' and holds
// only visible ASCII; a refusal is one of the statuses the server sends; once a result is out,
// more bytes do not change it; every answer's Content-Length is its body's size. A listen address
// that parses prints as text that parses back to the same host and port.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_input.hpp"
#include "hems/http/listen_address.hpp"
#include "hems/http/request.hpp"
#include "hems/http/response.hpp"

namespace {

using hems::fuzz::fail;
namespace http = hems::http;

// A flat text form of a parse result, so two can be compared.
std::string describe(const http::ParseResult& result) {
  if (std::holds_alternative<http::NeedMore>(result))
    return "more";
  if (const auto* r = std::get_if<http::Refusal>(&result))
    return "refused " + std::to_string(r->status) + " " + r->reason;
  const auto& request = std::get<http::Request>(result);
  return "request " + std::to_string(static_cast<int>(request.method)) + " " + request.path + "?" +
         request.query + " 1." + std::to_string(request.minor_version);
}

void check_answer(const http::Response& response, bool head) {
  const std::string bytes = http::serialize(response, head);
  const std::string length = "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (bytes.find(length) == std::string::npos)
    fail("an answer whose Content-Length is not its body's size");
  const std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string::npos || bytes.size() - end - 4 != (head ? 0 : response.body.size()))
    fail("an answer whose body is not what follows its head");
}

void check_request(const http::Request& request) {
  if (request.path.empty() || request.path.front() != '/')
    fail("a request whose path does not start with '/': " + request.path);
  for (char c : request.path + request.query) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F)
      fail("a request target with a space, control or non-ASCII byte");
  }
  http::Response response;
  response.content_type = "text/plain";
  response.body = request.path;
  check_answer(response, request.method == http::Method::head);
}

void check_refusal(const http::Refusal& refusal) {
  switch (refusal.status) {
    case 400:
    case 405:
    case 414:
    case 431:
    case 505:
      break;
    default:
      fail("a refusal with status " + std::to_string(refusal.status));
  }
  if (refusal.reason.empty())
    fail("a refusal without a reason");
  check_answer(http::error_response(refusal.status), false);
}

void listen_address(std::string_view text) {
  auto parsed = http::parse_listen_address(text);
  if (!parsed) {
    if (parsed.error().message.empty())
      fail("a listen address refused without a message");
    return;
  }
  auto again = http::parse_listen_address(parsed->to_string());
  if (!again || again->host != parsed->host || again->port != parsed->port)
    fail("a listen address that does not read back: " + parsed->to_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hems::fuzz::FuzzInput in(data, size);
  const std::uint8_t control = in.byte();
  const auto rest = in.rest();
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  if ((control & 0x80U) != 0) {
    listen_address(text);
    return 0;
  }
  http::RequestParser whole;
  const http::ParseResult expected = whole.feed(text);

  const std::size_t chunk = (control & 0x7FU) == 0 ? 1 : (control & 0x7FU);
  http::RequestParser parts;
  http::ParseResult got = http::NeedMore{};
  for (std::size_t at = 0; at < text.size(); at += chunk)
    got = parts.feed(text.substr(at, chunk));
  if (!text.empty() && describe(got) != describe(expected))
    fail("chunks of " + std::to_string(chunk) + " gave '" + describe(got) + "', the whole '" +
         describe(expected) + "'");

  if (const auto* request = std::get_if<http::Request>(&expected))
    check_request(*request);
  if (const auto* refusal = std::get_if<http::Refusal>(&expected))
    check_refusal(*refusal);
  if (!std::holds_alternative<http::NeedMore>(expected) &&
      describe(whole.feed("GET /other HTTP/1.0\r\n\r\n")) != describe(expected))
    fail("a result that changed after it was out");
  return 0;
}
