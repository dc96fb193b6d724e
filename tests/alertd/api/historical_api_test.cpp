// GET /api/monitoring/historical/:metric through a real web server on loopback: raw samples, buckets with
// each aggregation, KPI keys, label filters, and a JSON 4xx for every bad parameter.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/api/historical_api.h"
#include "alertd/history/history_tier.h"
#include "alertd/history/store_historical_source.h"
#include "common/http_client.h"
#include "common/web_server.h"
#include "support/process.h"

using namespace twikit;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;  // a multiple of 5 minutes: 1700000100 s
constexpr TimestampMs kStart = kT0 - 600'000;   // 1699999500 s

// A history with two series of twikit_sessions_active, ten samples a minute apart each before kT0:
// service a holds 0..9, service b 100..109; the tier started at kT0, so all of it is read from disk.
class Fixture {
 public:
  explicit Fixture(std::size_t max_points = 11'000)
      : dir_(testing::make_temp_dir("historical-api")), clock_(kT0), tier_(storage(), clock_),
        source_(tier_.store(), memory_, clock_, [this] { return tier_.bounds().memory_start; }),
        server_(router(max_points), WebServerOptions{}) {
    for (const char* service : {"a", "b"}) {
      const Labels labels = make_labels({{"__name__", "twikit_sessions_active"}, {"service", service}});
      for (int k = 0; k < 10; ++k) {
        const double v = (service[0] == 'a' ? 0 : 100) + k;
        tier_.store().append(labels, storage::Sample{kStart + k * 60'000, v});
      }
    }
    tier_.store().flush();
    server_.bind("127.0.0.1:0");
    server_.start();
  }
  ~Fixture() { server_.stop(); }

  HttpResponse get(const std::string& path_and_query) {
    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(server_.port()) + path_and_query;
    return client_.send(req);
  }

 private:
  config::StorageConfig storage() const {
    config::StorageConfig s;
    s.path = dir_ + "/alertd.db";
    return s;
  }
  WebRouter router(std::size_t max_points) {
    WebRouter r(WebErrorFormat::json);
    api::HistoricalApiOptions options;
    options.max_points = max_points;
    api::add_historical_routes(
        r, source_,
        [](std::string_view key) -> std::optional<std::string> {
          if (key == "sessions.active") return "twikit_sessions_active";
          return std::nullopt;
        },
        options);
    return r;
  }

  std::string dir_;
  FakeClock clock_;
  storage::SeriesStore memory_;
  history::HistoryTier tier_;
  history::StoreHistoricalSource source_;
  CurlHttpClient client_;
  WebServer server_;
};

std::string error_of(const HttpResponse& res) { return nlohmann::json::parse(res.body).at("error").get<std::string>(); }

}  // namespace

TEST_CASE("historical: raw samples of the series a label filter selects") {
  Fixture f;
  const auto res = f.get("/api/monitoring/historical/twikit_sessions_active?from=1699999500&to=1699999740&resolution=raw&service=a");
  CHECK(res.status == 200);
  CHECK(res.body ==
        R"({"status":"success","data":{"metric":"twikit_sessions_active","resolution":"raw","aggregation":"raw",)"
        R"("series":[{"labels":{"__name__":"twikit_sessions_active","service":"a"},)"
        R"("points":[[1699999500,0.0],[1699999560,1.0],[1699999620,2.0],[1699999680,3.0],[1699999740,4.0]]}],)"
        R"("warnings":[]}})");
}

TEST_CASE("historical: 5-minute buckets with each aggregation, filtered with PromQL matchers") {
  Fixture f;
  const std::string base =
      "/api/monitoring/historical/twikit_sessions_active?from=1699999500&to=2023-11-14T22:14:59Z&resolution=5m"
      "&filter=%7Bservice%3D%22a%22%7D&aggregation=";
  const std::pair<const char*, const char*> cases[] = {
      {"avg", "[[1699999500,2.0],[1699999800,7.0]]"}, {"min", "[[1699999500,0.0],[1699999800,5.0]]"},
      {"max", "[[1699999500,4.0],[1699999800,9.0]]"}, {"sum", "[[1699999500,10.0],[1699999800,35.0]]"},
      {"count", "[[1699999500,5.0],[1699999800,5.0]]"}, {"last", "[[1699999500,4.0],[1699999800,9.0]]"}};
  for (const auto& [aggregation, points] : cases) {
    const auto res = f.get(base + aggregation);
    CHECK(res.status == 200);
    CHECK(res.body == std::string(R"({"status":"success","data":{"metric":"twikit_sessions_active","resolution":"5m",)") +
                          R"("aggregation":")" + aggregation +
                          R"(","series":[{"labels":{"__name__":"twikit_sessions_active","service":"a"},"points":)" +
                          points + R"(}],"warnings":[]}})");
  }
}

TEST_CASE("historical: a KPI key answers for its metric, one series per label set") {
  Fixture f;
  const auto ok = f.get("/api/monitoring/historical/sessions.active?startDate=1699999500&endDate=1700000099&aggregation=max");
  CHECK(ok.status == 200);
  CHECK(ok.body ==
        R"({"status":"success","data":{"metric":"twikit_sessions_active","key":"sessions.active","resolution":"5m",)"
        R"("aggregation":"max","series":[)"
        R"({"labels":{"__name__":"twikit_sessions_active","service":"a"},"points":[[1699999500,4.0],[1699999800,9.0]]},)"
        R"({"labels":{"__name__":"twikit_sessions_active","service":"b"},"points":[[1699999500,104.0],[1699999800,109.0]]}],)"
        R"("warnings":[]}})");
}

TEST_CASE("historical: bad parameters get a JSON 400, unknown metrics a 404") {
  Fixture f;
  const std::string m = "/api/monitoring/historical/twikit_sessions_active?";
  const std::tuple<std::string, int, std::string> cases[] = {
      {m + "from=yesterday", 400, "invalid parameter \"from\": expected RFC 3339 or Unix seconds, got \"yesterday\""},
      {m + "endDate=soon", 400, "invalid parameter \"to\": expected RFC 3339 or Unix seconds, got \"soon\""},
      {m + "from=1700000000&to=1699999000", 400, "invalid parameter \"to\": end time before start time"},
      {m + "aggregation=median", 400,
       "invalid parameter \"aggregation\": \"median\" is not one of raw, avg, min, max, sum, count, last"},
      {m + "resolution=7m", 400,
       "invalid parameter \"resolution\": expected raw or a multiple of the aggregation interval (5m), got \"7m\""},
      {m + "resolution=5m&aggregation=raw", 400,
       "invalid parameter \"aggregation\": raw asks for raw samples, not 5m buckets"},
      {m + "from=0&to=1700000000&resolution=5m", 400,
       "exceeded maximum resolution of 11000 points per series: 5666667 buckets of 5m; try a coarser resolution or a "
       "shorter range"},
      {m + "filter=%7Bservice%3D", 400, ""},
      {m + "9service=a", 400, "invalid parameter \"9service\": not a label name"},
      {"/api/monitoring/historical/no_such_metric", 404,
       "unknown metric \"no_such_metric\": no series named \"no_such_metric\" in the history"},
      {"/api/monitoring/historical/sessions.bogus", 404,
       "unknown metric \"sessions.bogus\": neither a KPI key nor a metric name"},
  };
  for (const auto& [path, status, message] : cases) {
    INFO(path);
    const auto res = f.get(path);
    CHECK(res.status == status);
    const auto body = nlohmann::json::parse(res.body);
    CHECK(body.at("status") == "error");
    CHECK(body.at("errorType") == (status == 404 ? "not_found" : "bad_data"));
    if (message.empty()) {
      CHECK_THAT(error_of(res), Catch::StartsWith("invalid parameter \"filter\": "));
    } else {
      CHECK(error_of(res) == message);
    }
  }
}

TEST_CASE("historical: more raw points than the cap is a 400 that names the coarser resolution") {
  Fixture f(5);
  const std::string m = "/api/monitoring/historical/twikit_sessions_active?from=1699999500&aggregation=raw&service=a&to=";
  CHECK(f.get(m + "1699999740").status == 200);  // five points
  const auto res = f.get(m + "1699999800");
  CHECK(res.status == 400);
  CHECK(error_of(res) == "exceeded maximum resolution of 5 points per series in raw samples; use resolution=5m or a shorter range");
  // Buckets are counted before reading: 3 hours of 5m buckets is 37.
  CHECK(error_of(f.get("/api/monitoring/historical/twikit_sessions_active?from=1699989300&to=1700000100&resolution=5m")) ==
        "exceeded maximum resolution of 5 points per series: 37 buckets of 5m; try a coarser resolution or a shorter range");
}
