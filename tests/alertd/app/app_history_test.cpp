// The App answers /api/v1/query_range from the history tier: raw history before the in-memory window
// (across a restart), aggregates with a warning beyond the raw retention.
#include <catch2/catch.hpp>

#include <filesystem>

#include "alertd/app/app.h"
#include "alertd/history/history_store.h"
#include "common/http_client.h"
#include "support/process.h"

using namespace twikit;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

std::string get(int port, const std::string& path) {
  CurlHttpClient client;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  const HttpResponse res = client.send(req);
  return std::to_string(res.status) + " " + res.body;
}

}  // namespace

TEST_CASE("after a restart, query_range reads the history: raw before the memory window, aggregates beyond raw retention") {
  const std::string dir = testing::make_temp_dir("alertd-history");
  const Labels labels = make_labels({{"__name__", "twikit_sessions"}, {"service", "s"}});
  {
    // What a previous run left: an hour of samples two hours ago, and an hour three days ago.
    history::HistoryOptions o;
    o.path = dir + "/history.db";
    history::HistoryStore store(o);
    for (int i = 0; i < 240; ++i) store.append(labels, storage::Sample{kT0 - 3 * kDay + i * 15'000, 7});
    for (int i = 0; i < 240; ++i) store.append(labels, storage::Sample{kT0 - 2 * kHour + i * 15'000, static_cast<double>(i)});
  }
  testing::write_file(dir + "/alertd.yaml", "storage:\n  path: " + dir + "/alertd.db\n  history:\n    raw_retention: 1d\n");
  FakeClock clock(kT0);
  app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  options.allow_empty_config = true;
  options.clock = &clock;
  app::App app(options);
  app.start();
  REQUIRE(app.history() != nullptr);

  CHECK(get(app.port(), "/api/v1/query_range?query=twikit_sessions&start=1699992900&end=1699996500&step=900") ==
        R"(200 {"data":{"result":[{"metric":{"__name__":"twikit_sessions","service":"s"},"values":[[1699992900.0,"0"],)"
        R"([1699993800.0,"60"],[1699994700.0,"120"],[1699995600.0,"180"],[1699996500.0,"239"]]}],)"
        R"("resultType":"matrix"},"status":"success"})");
  CHECK(get(app.port(), "/api/v1/query_range?query=twikit_sessions&start=1699740900&end=1699744500&step=3600") ==
        R"j(200 {"data":{"result":[{"metric":{"__name__":"twikit_sessions","service":"s"},"values":[[1699744500.0,"7"]]}],)j"
        R"j("resultType":"matrix"},"status":"success","warnings":["data before 2023-11-13T22:15:00Z is older than )j"
        R"j(the raw retention: answered from 5m aggregates (one sample per bucket at its end: the average for gauges, )j"
        R"j(the last value for counters)"]})j");
  const std::string metrics = get(app.port(), "/metrics");
  CHECK_THAT(metrics, Catch::Contains("alertd_history_series 1\n"));
  app.stop();
  std::filesystem::remove_all(dir);
}
