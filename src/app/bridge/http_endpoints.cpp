#include "hems/app/http_endpoints.hpp"

#include "hems/app/prometheus_text.hpp"

namespace hems::app {

http::Response answer_http(const http::Request& request, const HttpSources& sources) {
  http::Response response;
  if (request.path == "/metrics") {
    response.content_type = std::string(prometheus::kContentType);
    response.body = sources.metrics();
  } else if (request.path == "/health") {
    const HealthReport report = sources.health();
    // 503, not 500: the bridge works, a part it depends on is not there (yet).
    response.status = report.healthy ? 200 : 503;
    response.content_type = "application/json";
    response.body = report.data.dump();
    response.body += '\n';
  } else {
    return http::error_response(404);
  }
  // A scrape or a check is about now; a cache in between must not answer it.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace hems::app
