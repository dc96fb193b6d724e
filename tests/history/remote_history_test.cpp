// storage.history.backend: prometheus — alertd answers the part of a query older than its in-memory window
// from a real Prometheus scraping the same exporter.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/app/app.h"
#include "alertd/history/prometheus_queryable.h"
#include "common/http_client.h"
#include "common/web_server.h"
#include "support/process.h"
#include "support/stack.h"

using namespace twikit;
using json = nlohmann::json;

namespace {

std::string url_encode(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

json query_range(const std::string& base, const std::string& query, double start, double end) {
  char params[160];
  std::snprintf(params, sizeof params, "&start=%.3f&end=%.3f&step=1", start, end);
  const std::string body = testing::http_get(base + "/api/v1/query_range?query=" + url_encode(query) + params);
  return json::parse(body, nullptr, false);
}

double now_seconds() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()) /
         1000.0;
}

}  // namespace

TEST_CASE("with the prometheus backend, a range before alertd started is Prometheus' own answer, and the rest follows on") {
  testing::Sim sim;
  testing::Exporter exporter(testing::exporter_config_for(sim, "  mode: on_scrape"));
  const std::string target = exporter.url().substr(std::string("http://").size());
  testing::Prometheus prometheus("global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: twikit\n"
                                 "    static_configs: [{targets: ['" + target + "']}]\n");
  const std::string up = "twikit_up{service=\"session_manager\"}";
  REQUIRE(testing::eventually(
      [&] {
        const json r = prometheus.query("count_over_time(" + up + "[1m])");
        return r.size() == 1 && std::stod(r[0]["value"][1].get<std::string>()) >= 6;
      },
      std::chrono::seconds(60 * testing::kTimeoutScale)));

  const std::string dir = testing::make_temp_dir("alertd-remote-history");
  testing::write_file(dir + "/alertd.yaml", "global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: twikit\n"
                                            "    static_configs: [{targets: ['" + target + "']}]\n"
                                            "storage:\n  path: " + dir + "/alertd.db\n  history:\n"
                                            "    backend: prometheus\n    url: " + prometheus.url() + "/\n");
  app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  app::App app(options);
  const double started = now_seconds();
  app.start();
  const std::string alertd = "http://127.0.0.1:" + std::to_string(app.port());

  // Before alertd started: exactly what Prometheus answers.
  const json ours = query_range(alertd, up, started - 5, started - 1);
  const json theirs = query_range(prometheus.url(), up, started - 5, started - 1);
  REQUIRE(ours.value("status", "") == "success");
  REQUIRE(theirs.value("status", "") == "success");
  REQUIRE(theirs["data"]["result"].size() == 1);
  CHECK(theirs["data"]["result"][0]["values"].size() == 5);
  CHECK(ours["data"] == theirs["data"]);

  // Across alertd's start: no gap, from Prometheus before and from alertd's own scrapes after.
  REQUIRE(testing::eventually([&] { return !testing::http_get(alertd + "/api/v1/query?query=" + url_encode(up)).empty() &&
                                           json::parse(testing::http_get(alertd + "/api/v1/query?query=" +
                                                                         url_encode(up)))["data"]["result"].size() == 1; },
                              std::chrono::seconds(30 * testing::kTimeoutScale)));
  const double end = now_seconds();
  const json across = query_range(alertd, up, started - 5, end);
  REQUIRE(across["data"]["result"].size() == 1);
  const json& values = across["data"]["result"][0]["values"];
  CHECK(values.size() == static_cast<std::size_t>(end - (started - 5)) + 1);
  for (const auto& v : values) CHECK(v[1] == "1");
  app.stop();
}

TEST_CASE("a history backend that is down or answers nonsense fails the query with a message naming it") {
  WebRouter router;
  router.add("/api/v1/query", [](const WebRequest& req, WebResponse& res) {
    if (req.raw_query.find("broken") != std::string::npos) {
      res.set_body("<html>proxy error</html>", "text/html");
      res.status = 502;
    } else {
      res.set_body(R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""})", "application/json");
      res.status = 400;
    }
  });
  WebServer server(std::move(router), WebServerOptions{});
  server.bind("127.0.0.1:0");
  server.start();
  CurlHttpClient client;
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const history::PrometheusQueryable remote(base, client, std::chrono::seconds(5));
  using storage::LabelMatcher;
  using storage::MatchType;
  CHECK_THROWS_WITH(remote.select({LabelMatcher(MatchType::eq, "__name__", "broken")}, 0, 1000),
                    "history backend " + base + "/api/v1/query: HTTP 502, not Prometheus' JSON");
  CHECK_THROWS_WITH(remote.select({LabelMatcher(MatchType::eq, "__name__", "x")}, 0, 1000),
                    "history backend " + base + "/api/v1/query: HTTP 400: invalid parameter \"query\"");
  server.stop();
  const history::PrometheusQueryable down("http://127.0.0.1:1", client, std::chrono::seconds(5));
  CHECK_THROWS_AS(down.select({LabelMatcher(MatchType::eq, "__name__", "x")}, 0, 1000), history::RemoteHistoryError);
  CHECK(history::PrometheusQueryable::selector({LabelMatcher(MatchType::eq, "__name__", "up"),
                                                LabelMatcher(MatchType::re, "job", "a\"b")},
                                               1000, 61'000) == R"({__name__="up",job=~"a\"b"}[60001ms])");
}
