#pragma once

// What the HTTP endpoint ([http] listen) answers: /metrics for Prometheus and /health for
// load balancers and container checks. The sources are asked only for the path requested.

#include <functional>
#include <string>

#include "hems/app/health_report.hpp"
#include "hems/http/request.hpp"
#include "hems/http/response.hpp"

namespace hems::app {

struct HttpSources {
  std::function<std::string()> metrics;  // render_metrics() as of now
  std::function<HealthReport()> health;  // health_report() as of now
};

// /metrics: 200 with the exposition. /health: 200 when healthy, 503 when not, with the
// per-part JSON of bridge/request/health_check either way. Anything else: 404.
http::Response answer_http(const http::Request& request, const HttpSources& sources);

}  // namespace hems::app
