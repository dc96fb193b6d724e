// storage.history.backend: prometheus — alertd answers the part of a query older than its in-memory window
// from a real Prometheus scraping the same exporter.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/api/historical_api.h"
#include "alertd/app/app.h"
#include "alertd/dashboard/history_trend_source.h"
#include "alertd/history/prometheus_queryable.h"
#include "alertd/history/remote_historical_source.h"
#include "common/http_client.h"
#include "common/query_escape.h"
#include "common/web_server.h"
#include "support/process.h"
#include "support/stack.h"

using namespace twikit;
using json = nlohmann::json;

namespace {

json query_range(const std::string& base, const std::string& query, double start, double end) {
  char params[160];
  std::snprintf(params, sizeof params, "&start=%.3f&end=%.3f&step=1", start, end);
  const std::string body = testing::http_get(base + "/api/v1/query_range?query=" + query_escape(query) + params);
  return json::parse(body, nullptr, false);
}

double now_seconds() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()) /
         1000.0;
}

std::string seconds(TimestampMs t) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(t) / 1000.0);
  return buf;
}

/// avg, min, max, sum, count and last of the samples of one bucket, computed here from Prometheus' raw samples.
struct Expected {
  std::vector<double> values;
  double of(const std::string& aggregation) const {
    if (aggregation == "count") return static_cast<double>(values.size());
    if (aggregation == "last") return values.back();
    if (aggregation == "min") return *std::min_element(values.begin(), values.end());
    if (aggregation == "max") return *std::max_element(values.begin(), values.end());
    double sum = 0;
    for (const double v : values) sum += v;
    return aggregation == "sum" ? sum : sum / static_cast<double>(values.size());
  }
};

}  // namespace

TEST_CASE("with the prometheus backend, the historical endpoint and the trends before alertd started are Prometheus' data") {
  testing::Sim sim;
  testing::Exporter exporter(testing::exporter_config_for(sim, "  mode: on_scrape"));
  const std::string target = exporter.url().substr(std::string("http://").size());
  testing::Prometheus prometheus("global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: twikit\n"
                                 "    static_configs: [{targets: ['" + target + "']}]\n");
  const std::string metric = "twikit_response_time_seconds";
  const std::string series = metric + "{service=\"session_manager\"}";
  REQUIRE(testing::eventually(
      [&] {
        const json r = prometheus.query("count_over_time(" + series + "[1m])");
        return r.size() == 1 && std::stod(r[0]["value"][1].get<std::string>()) >= 27;
      },
      std::chrono::seconds(90 * testing::kTimeoutScale)));

  const std::string dir = testing::make_temp_dir("alertd-remote-historical");
  testing::write_file(dir + "/alertd.yaml", "global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: twikit\n"
                                            "    static_configs: [{targets: ['" + target + "']}]\n"
                                            "storage:\n  path: " + dir + "/alertd.db\n  history:\n"
                                            "    backend: prometheus\n    url: " + prometheus.url() + "\n"
                                            "    aggregate_interval: 5s\n");
  app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  app::App app(options);
  const auto started = static_cast<TimestampMs>(now_seconds() * 1000);
  app.start();
  const std::string alertd = "http://127.0.0.1:" + std::to_string(app.port());

  // Three 5-second buckets ending at least a second before alertd started, and Prometheus' raw samples
  // of the bucket before them too (for the trends).
  const TimestampMs from = (started - 21'000) / 5000 * 5000;
  const TimestampMs to = from + 15'000 - 1;
  const json raw = prometheus.query(series + "[19999ms] @ " + seconds(to));
  REQUIRE(raw.size() == 1);
  std::map<TimestampMs, Expected> buckets;
  json raw_points = json::array();
  for (const auto& v : raw[0]["values"]) {
    const auto t = static_cast<TimestampMs>(std::llround(v[0].get<double>() * 1000));
    const double value = std::stod(v[1].get<std::string>());
    buckets[t / 5000 * 5000].values.push_back(value);
    if (t >= from) raw_points.push_back({v[0], value});
  }
  REQUIRE(buckets.size() == 4);

  const std::string range = "?service=session_manager&from=" + seconds(from) + "&to=" + seconds(to);
  const json ours_raw = json::parse(testing::http_get(alertd + "/api/monitoring/historical/" + metric + range + "&aggregation=raw"));
  REQUIRE(ours_raw["status"] == "success");
  REQUIRE(ours_raw["data"]["series"].size() == 1);
  CHECK(ours_raw["data"]["series"][0]["labels"] == raw[0]["metric"]);
  CHECK(ours_raw["data"]["series"][0]["points"] == raw_points);

  for (const std::string aggregation : {"avg", "min", "max", "sum", "count", "last"}) {
    INFO(aggregation);
    const json ours = json::parse(testing::http_get(alertd + "/api/monitoring/historical/" + metric + range +
                                                    "&resolution=5s&aggregation=" + aggregation));
    REQUIRE(ours["status"] == "success");
    CHECK(ours["data"]["resolution"] == "5s");
    REQUIRE(ours["data"]["series"].size() == 1);
    CHECK(ours["data"]["series"][0]["labels"] == raw[0]["metric"]);
    const json& points = ours["data"]["series"][0]["points"];
    REQUIRE(points.size() == 3);
    for (std::size_t k = 0; k < 3; ++k) {
      const TimestampMs bucket = from + static_cast<TimestampMs>(k) * 5000;
      CHECK(points[k][0].get<TimestampMs>() == bucket / 1000);
      CHECK(points[k][1].get<double>() == Approx(buckets[bucket].of(aggregation)).epsilon(1e-12));
    }
  }

  // The dashboard's trends read the same backend: each step before the memory window takes the last value
  // of the newest bucket that has ended by then.
  CurlHttpClient client;
  const history::PrometheusQueryable remote(prometheus.url(), client, std::chrono::seconds(10));
  const storage::SeriesStore memory;
  const SystemClock clock;
  const history::RemoteHistoricalSource source(remote, memory, clock, [&] { return started; }, 5000);
  const dashboard::HistoryTrendSource trends(memory, source, [&] { return started; }, 5000);
  const auto points = trends.points(metric, "session_manager", from, from + 15'000, 5000);
  REQUIRE(points.size() == 4);
  for (const auto& p : points) CHECK(p.v == buckets[p.t - 5000].values.back());
  // More buckets than Prometheus answers in one query_range (11,000) are asked in pieces.
  const std::vector<storage::LabelMatcher> matchers = {storage::LabelMatcher(storage::MatchType::eq, "__name__", metric),
                                                       storage::LabelMatcher(storage::MatchType::eq, "service", "session_manager")};
  const auto many = source.buckets(matchers, to - 12'000 * 5000, to, 5000, history::Aggregation::count);
  REQUIRE(many.size() == 1);
  std::vector<std::pair<TimestampMs, double>> expected;
  for (const auto& [bucket, e] : buckets) expected.emplace_back(bucket, static_cast<double>(e.values.size()));
  std::vector<std::pair<TimestampMs, double>> got;
  for (const auto& p : many[0].points) got.emplace_back(p.t, p.v);
  // The older buckets hold Prometheus' earlier scrapes; the four read above are the newest.
  REQUIRE(got.size() >= 4);
  got.erase(got.begin(), got.end() - 4);
  CHECK(got == expected);
  app.stop();
}

TEST_CASE("with the prometheus backend down, the historical endpoint answers 503 naming the backend") {
  const std::string dir = testing::make_temp_dir("alertd-remote-down");
  testing::write_file(dir + "/alertd.yaml", "storage:\n  path: " + dir + "/alertd.db\n  history:\n"
                                            "    backend: prometheus\n    url: http://127.0.0.1:1\n");
  app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  options.allow_empty_config = true;
  app::App app(options);
  app.start();
  CurlHttpClient client;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(app.port()) + "/api/monitoring/historical/twikit_up?resolution=5m";
  const HttpResponse res = client.send(req);
  CHECK(res.status == 503);
  const json body = json::parse(res.body);
  CHECK(body["status"] == "error");
  CHECK(body["errorType"] == "unavailable");
  CHECK(body["error"].get<std::string>().rfind("history backend http://127.0.0.1:1/api/v1/label/__name__/values: ", 0) == 0);
  app.stop();
}

TEST_CASE("with the prometheus backend, the historical endpoint answers 502 when the backend's answer is wrong") {
  WebRouter router;
  router.add("/api/v1/label/__name__/values", [](const WebRequest&, WebResponse& res) {
    res.set_body(R"({"status":"success","data":["twikit_up"]})", "application/json");
  });
  router.add("/api/v1/query_range", [](const WebRequest&, WebResponse& res) {
    res.set_body("<html>proxy error</html>", "text/html");
    res.status = 502;
  });
  WebServer server(std::move(router), WebServerOptions{});
  server.bind("127.0.0.1:0");
  server.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  CurlHttpClient client;
  const history::PrometheusQueryable remote(base, client, std::chrono::seconds(5));
  const storage::SeriesStore memory;
  const FakeClock clock(1'700'000'100'000);
  const history::RemoteHistoricalSource source(remote, memory, clock, [] { return 1'700'000'000'000; }, 300'000);
  WebRequest req;
  req.path = "/api/monitoring/historical/twikit_up";
  req.query = {{"resolution", "5m"}};
  const WebResponse res = api::historical_response(req, source, {});
  CHECK(res.status == 502);
  CHECK(json::parse(res.body()) == json{{"status", "error"},
                                        {"errorType", "unavailable"},
                                        {"error", "history backend " + base + "/api/v1/query_range: HTTP 502, not Prometheus' JSON"}});
  req.path = "/api/monitoring/historical/twikit_bogus";
  CHECK(api::historical_response(req, source, {}).status == 404);
  server.stop();
}

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
  REQUIRE(testing::eventually([&] { return !testing::http_get(alertd + "/api/v1/query?query=" + query_escape(up)).empty() &&
                                           json::parse(testing::http_get(alertd + "/api/v1/query?query=" +
                                                                         query_escape(up)))["data"]["result"].size() == 1; },
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
