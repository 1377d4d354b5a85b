#include "hems/app/http_endpoints.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hems::app {
namespace {

http::Request get(std::string path) {
  http::Request request;
  request.path = std::move(path);
  return request;
}

struct Sources {
  int metrics_asked = 0;
  int health_asked = 0;
  HealthFacts facts;

  HttpSources sources() {
    return HttpSources{[this] {
                         ++metrics_asked;
                         return std::string("up 1\n");
                       },
                       [this] {
                         ++health_asked;
                         return health_report(facts);
                       }};
  }
};

TEST(HttpEndpointsTest, MetricsAreServedInPrometheusTextFormat) {
  Sources s;
  const auto response = answer_http(get("/metrics"), s.sources());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, "up 1\n");
  EXPECT_EQ(s.metrics_asked, 1);
  EXPECT_EQ(s.health_asked, 0);
}

TEST(HttpEndpointsTest, HealthIs200WhenHealthyWithTheHealthCheckJson) {
  Sources s;
  s.facts.mqtt_connected = true;
  const auto response = answer_http(get("/health"), s.sources());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body, health_report(s.facts).data);
  EXPECT_EQ(body["healthy"], true);
  EXPECT_EQ(s.metrics_asked, 0);
}

TEST(HttpEndpointsTest, HealthIs503WithEveryPartsDetailWhenAPartHasAProblem) {
  Sources s;
  s.facts.mqtt_connected = true;
  s.facts.meter_enabled = true;
  s.facts.link_state = "scanning";
  s.facts.stale_after_s = 60;
  const auto response = answer_http(get("/health"), s.sources());
  EXPECT_EQ(response.status, 503);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["healthy"], false);
  EXPECT_EQ(body["meter_link"]["status"], "problem");
  EXPECT_EQ(body["meter_link"]["reason"], "the B-route link is scanning");
  EXPECT_EQ(body["mqtt"]["status"], "ok");
  EXPECT_EQ(body["lan"]["status"], "disabled");
}

TEST(HttpEndpointsTest, AnswersAreNotToBeCached) {
  Sources s;
  for (const char* path : {"/metrics", "/health"}) {
    const auto response = answer_http(get(path), s.sources());
    ASSERT_EQ(response.headers.size(), 1u) << path;
    EXPECT_EQ(response.headers[0].first, "Cache-Control");
    EXPECT_EQ(response.headers[0].second, "no-store");
  }
}

TEST(HttpEndpointsTest, OtherPathsAreNotFoundAndAskNothing) {
  Sources s;
  for (const char* path : {"/", "/metrics/", "/Metrics", "/healthz", "/metrics.txt"})
    EXPECT_EQ(answer_http(get(path), s.sources()).status, 404) << path;
  EXPECT_EQ(s.metrics_asked, 0);
  EXPECT_EQ(s.health_asked, 0);
}

}  // namespace
}  // namespace hems::app
