#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "alertd/scrape/scrape_manager.h"
#include "alertd/scrape/target_scraper.h"
#include "alertd/storage/sample.h"
#include "support/exposition_server.h"
#include "support/process.h"

using twikit::scrape::ScrapeTarget;
using twikit::scrape::TargetScraper;
using twikit::storage::LabelMatcher;
using twikit::storage::MatchType;

using twikit::testing::ExpositionServer;

namespace {

ScrapeTarget target_for(int port, std::int64_t timeout_ms = 2000) {
  ScrapeTarget t;
  t.job = "twikit";
  t.url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  t.labels = twikit::make_labels({{"job", "twikit"}, {"instance", "127.0.0.1:" + std::to_string(port)}});
  t.interval_ms = 15'000;
  t.timeout_ms = timeout_ms;
  return t;
}

/// The samples of series named `name` at exactly time `t`, as (labels, value).
std::vector<std::pair<twikit::Labels, double>> at(const twikit::storage::SeriesStore& store, const std::string& name,
                                                  twikit::TimestampMs t) {
  std::vector<std::pair<twikit::Labels, double>> out;
  for (const auto& s : store.select({LabelMatcher(MatchType::eq, "__name__", name)}, t, t)) {
    for (const auto& sample : s.samples) out.emplace_back(*s.labels, sample.v);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

double value_at(const twikit::storage::SeriesStore& store, const std::string& name, twikit::TimestampMs t) {
  const auto v = at(store, name, t);
  REQUIRE(v.size() == 1);
  return v[0].second;
}

constexpr twikit::TimestampMs t0 = 1'700'000'000'000;

/// One exposition server (serving nothing yet) and a scraper of it into a fresh store at fake time t0: what
/// most cases below start from.
struct OneTarget {
  /// A target whose scrapes time out after `timeout_ms`.
  explicit OneTarget(std::int64_t timeout_ms = 2000) : scraper(target_for(server.port(), timeout_ms), client, store, clock) {}

  ExpositionServer server;            ///< The target.
  twikit::CurlHttpClient client;      ///< Real HTTP over loopback.
  twikit::storage::SeriesStore store; ///< Where the scrapes go.
  twikit::FakeClock clock{t0};        ///< The scraper's clock.
  TargetScraper scraper;              ///< Scrapes `server` into `store`.
};

}  // namespace

TEST_CASE("a scraped text exposition is stored with job and instance labels and the report series") {
  OneTarget f;
  f.server.serve("# TYPE twikit_up gauge\ntwikit_up{service=\"a\"} 1\ntwikit_up{service=\"b\"} 0\n"
               "twikit_requests_total{service=\"a\",job=\"theirs\"} 42\n");
  REQUIRE(f.scraper.scrape_once(t0));
  const std::string instance = "127.0.0.1:" + std::to_string(f.server.port());
  const auto up = at(f.store, "twikit_up", t0);
  REQUIRE(up.size() == 2);
  CHECK(up[0].first == twikit::Labels{{"__name__", "twikit_up"}, {"instance", instance}, {"job", "twikit"}, {"service", "a"}});
  CHECK(up[0].second == 1);
  CHECK(up[1].second == 0);
  CHECK(at(f.store, "twikit_requests_total", t0)[0].first ==
        twikit::Labels{{"__name__", "twikit_requests_total"}, {"exported_job", "theirs"}, {"instance", instance},
                       {"job", "twikit"}, {"service", "a"}});
  CHECK(value_at(f.store, "up", t0) == 1);
  CHECK(value_at(f.store, "scrape_samples_scraped", t0) == 3);
  CHECK(value_at(f.store, "scrape_series_added", t0) == 3);
  CHECK(value_at(f.store, "scrape_duration_seconds", t0) >= 0);
  CHECK(f.scraper.health().health == "up");
}

TEST_CASE("the scrape request negotiates OpenMetrics and announces its timeout") {
  OneTarget f(2500);
  f.server.serve("a 1\n");
  REQUIRE(f.scraper.scrape_once(t0));
  CHECK_THAT(f.server.last_accept(), Catch::StartsWith("application/openmetrics-text;version=1.0.0"));
  CHECK_THAT(f.server.last_accept(), Catch::Contains("text/plain;version=0.0.4;q=0.5"));
  CHECK(f.server.last_timeout_header() == "2.5");
}

TEST_CASE("an OpenMetrics body is parsed as OpenMetrics: timestamps in seconds, _created dropped") {
  ExpositionServer server;
  server.serve("# TYPE c counter\nc_total 3 1700000000.5\nc_created 1600000000\n# EOF\n",
               "application/openmetrics-text; version=1.0.0; charset=utf-8");
  twikit::CurlHttpClient client;
  twikit::storage::SeriesStore store;
  twikit::FakeClock clock(t0);
  TargetScraper scraper(target_for(server.port()), client, store, clock);
  REQUIRE(scraper.scrape_once(t0 + 1000));
  CHECK(value_at(store, "c_total", t0 + 500) == 3);
  CHECK(at(store, "c_created", t0 + 1000).empty());
}

TEST_CASE("a series that disappears from the scrape gets a staleness marker") {
  OneTarget f;
  f.server.serve("a 1\nb 2\n");
  REQUIRE(f.scraper.scrape_once(t0));
  f.server.serve("a 1\n");
  REQUIRE(f.scraper.scrape_once(t0 + 15'000));
  CHECK(value_at(f.store, "a", t0 + 15'000) == 1);
  CHECK(twikit::storage::is_stale_marker(value_at(f.store, "b", t0 + 15'000)));
  CHECK(value_at(f.store, "scrape_series_added", t0 + 15'000) == 0);
}

TEST_CASE("samples stay with their series after retention removes another series from the store") {
  OneTarget f;
  f.server.serve("a 1\nb 2\n");
  f.store.append(twikit::make_labels({{"__name__", "old"}}), t0 - 60'000, 9);  // created first, removed below
  REQUIRE(f.scraper.scrape_once(t0));
  REQUIRE(f.store.drop_before(t0 - 1000) == 1);  // the store renumbers the remaining series
  f.server.serve("a 10\nb 20\n");
  REQUIRE(f.scraper.scrape_once(t0 + 15'000));
  CHECK(value_at(f.store, "a", t0) == 1);
  CHECK(value_at(f.store, "a", t0 + 15'000) == 10);
  CHECK(value_at(f.store, "b", t0) == 2);
  CHECK(value_at(f.store, "b", t0 + 15'000) == 20);
  CHECK(value_at(f.store, "up", t0 + 15'000) == 1);
  CHECK(at(f.store, "old", t0 + 15'000).empty());
}

TEST_CASE("a malformed exposition fails the scrape: up 0, no partial samples, earlier series stale") {
  OneTarget f;
  f.server.serve("a 1\n");
  REQUIRE(f.scraper.scrape_once(t0));
  f.server.serve("a 2\nnew_series 5\nbroken{x=\"1\" 3\n");
  CHECK_FALSE(f.scraper.scrape_once(t0 + 15'000));
  CHECK(value_at(f.store, "up", t0 + 15'000) == 0);
  CHECK(value_at(f.store, "scrape_samples_scraped", t0 + 15'000) == 0);
  CHECK(twikit::storage::is_stale_marker(value_at(f.store, "a", t0 + 15'000)));
  CHECK(at(f.store, "new_series", t0 + 15'000).empty());
  CHECK(f.scraper.health().health == "down");
  CHECK_THAT(f.scraper.health().last_error, Catch::Contains("line 3"));
  CHECK_THAT(f.scraper.health().last_error, Catch::Contains("expected ',' or '}'"));

  f.server.serve("a 3\n");  // recovers on the next scrape
  REQUIRE(f.scraper.scrape_once(t0 + 30'000));
  CHECK(value_at(f.store, "a", t0 + 30'000) == 3);
  CHECK(value_at(f.store, "up", t0 + 30'000) == 1);
}

TEST_CASE("a label value that is not UTF-8 fails the scrape at the boundary, as in Prometheus") {
  OneTarget f;
  f.server.serve("twikit_service_info{service=\"a\",version=\"1.0\"} 1\n");
  REQUIRE(f.scraper.scrape_once(t0));
  f.server.serve("twikit_service_info{service=\"a\",version=\"\xc3" "clair\"} 1\n");
  CHECK_FALSE(f.scraper.scrape_once(t0 + 15'000));
  CHECK(value_at(f.store, "up", t0 + 15'000) == 0);
  CHECK(twikit::storage::is_stale_marker(value_at(f.store, "twikit_service_info", t0 + 15'000)));
  CHECK(f.scraper.health().last_error == R"(malformed exposition: line 1: invalid UTF-8 label value: "\"\xc3clair\"")");
  CHECK(f.scraper.health().failures_total == 1);
}

TEST_CASE("an HTTP error status and a closed port are reported down") {
  OneTarget f;
  f.server.serve("a 1\n", "text/plain", 503);
  CHECK_FALSE(f.scraper.scrape_once(t0));
  CHECK(f.scraper.health().last_error == "server returned HTTP status 503");

  const int closed_port = twikit::testing::free_port();  // nothing listens there
  TargetScraper down(target_for(closed_port), f.client, f.store, f.clock);
  CHECK_FALSE(down.scrape_once(t0));
  CHECK(at(f.store, "up", t0).size() == 2);
}

TEST_CASE("a hung target is reported down within its timeout") {
  OneTarget f(300);
  f.server.serve("a 1\n");
  f.server.set_delay_ms(3000);
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(f.scraper.scrape_once(t0));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
  CHECK_THAT(f.scraper.health().last_error, Catch::StartsWith("timeout"));
  f.server.set_delay_ms(0);
}

TEST_CASE("the scrape manager scrapes each target on its own loop and stales removed targets") {
  ExpositionServer a, b;
  a.serve("from_a 1\n");
  b.serve("from_b 1\n");
  twikit::CurlHttpClient client;
  twikit::storage::SeriesStore store;
  twikit::SystemClock clock;
  twikit::scrape::ScrapeManager manager(client, store, clock);
  auto ta = target_for(a.port());
  auto tb = target_for(b.port());
  ta.interval_ms = tb.interval_ms = 100;
  manager.apply({ta, tb});
  auto count = [&](const std::string& name) {
    return store.select({LabelMatcher(MatchType::eq, "__name__", name)}, 0, clock.now_ms() + 1000).size();
  };
  REQUIRE(twikit::testing::eventually([&] { return count("from_a") == 1 && count("from_b") == 1; }));
  REQUIRE(twikit::testing::eventually([&] {
    const auto t = manager.targets();
    return t.size() == 2 && t[0].health.scrapes_total >= 2 && t[1].health.scrapes_total >= 2;
  }));
  const auto before = manager.targets()[0].health.scrapes_total;
  manager.apply({ta});
  REQUIRE(manager.targets().size() == 1);
  CHECK(manager.targets()[0].health.scrapes_total >= before);  // an unchanged target keeps its loop and state
  const auto series = store.select({LabelMatcher(MatchType::eq, "__name__", "from_b")}, 0, clock.now_ms() + 1000);
  REQUIRE(series.size() == 1);
  CHECK(twikit::storage::is_stale_marker(series[0].samples.back().v));
  std::vector<twikit::MetricFamily> families;
  manager.collect(families);
  CHECK(families.size() == 4);
  manager.stop();
  CHECK(manager.targets().empty());
}

TEST_CASE("the scrape manager names the shortest interval and the longest timeout of its running targets") {
  ExpositionServer a, b;
  a.serve("from_a 1\n");
  b.serve("from_b 1\n");
  twikit::CurlHttpClient client;
  twikit::storage::SeriesStore store;
  twikit::SystemClock clock;
  twikit::scrape::ScrapeManager manager(client, store, clock);
  CHECK(manager.shortest_interval_ms() == 0);
  auto slow = target_for(a.port());
  auto fast = target_for(b.port());
  slow.interval_ms = 60'000;
  slow.timeout_ms = 10'000;
  fast.interval_ms = 15'000;
  fast.timeout_ms = 5'000;
  manager.apply({slow, fast});
  CHECK(manager.shortest_interval_ms() == 15'000);
  CHECK(manager.longest_timeout_ms() == 10'000);
  manager.apply({slow});
  CHECK(manager.shortest_interval_ms() == 60'000);
  manager.stop();
  CHECK(manager.shortest_interval_ms() == 0);
}
