// The documents over real data: twikit-sim → twikit-exporter → alertd's scraper → the store → the
// snapshot. Holds the KPI table to the exporter's default mapping: every KPI of every service arrives.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "alertd/dashboard/dashboard_snapshots.h"
#include "alertd/scrape/target_scraper.h"
#include "common/http_client.h"
#include "support/stack.h"

using namespace twikit;
using namespace twikit::dashboard;
using nlohmann::json;

namespace {

const std::string kOnScrape = "  mode: on_scrape\n  max_concurrent_collections: 10\n";

// Which KPI group each of the ten services reports.
const std::map<std::string, std::string> kGroupOf = {
    {"session_manager", "sessions"},     {"proxy_rotation", "proxies"},        {"rate_limit", "rateLimiting"},
    {"anti_detection", "antiDetection"}, {"account_health", "accountHealth"},  {"emergency_stop", "emergency"},
    {"content_safety", "contentSafety"}, {"connection_pool", "connectionPool"}, {"retry_engine", "retry"},
    {"campaign_orchestrator", "campaigns"}};

scrape::ScrapeTarget exporter_target(const twikit::testing::Exporter& exporter) {
  scrape::ScrapeTarget t;
  t.job = "twikit";
  t.url = exporter.url() + "/metrics";
  const std::string instance = exporter.url().substr(std::string("http://").size());
  t.labels = make_labels({{"job", "twikit"}, {"instance", instance}});
  t.interval_ms = 15'000;
  t.timeout_ms = 10'000 * twikit::testing::kTimeoutScale;
  return t;
}

}  // namespace

TEST_CASE("scraping the real exporter gives every seed KPI of the ten services, in the seed's units",
          "[integration]") {
  twikit::testing::Sim sim;
  REQUIRE(sim.patch("session_manager", R"({"metrics":{"sessions":{"total":42,"successRate":97.5}}})") == 200);
  REQUIRE(sim.patch("proxy_rotation", R"({"metrics":{"proxies":{"averageResponseTime":123.4}}})") == 200);
  REQUIRE(sim.patch("content_safety", R"({"status":"degraded"})") == 200);
  twikit::testing::Exporter exporter(twikit::testing::exporter_config_for(sim, kOnScrape));
  CurlHttpClient client;
  SystemClock clock;
  storage::SeriesStore store;
  scrape::TargetScraper scraper(exporter_target(exporter), client, store, clock);
  const TimestampMs t0 = clock.now_ms();
  REQUIRE(scraper.scrape_once(t0));
  REQUIRE(scraper.scrape_once(t0 + 15'000));

  SnapshotInputs in;
  in.store = &store;
  in.now = t0 + 15'000;
  in.targets = {{scraper.target(), scraper.health()}};
  const Snapshot s = build_snapshot(in);

  const json metrics = json::parse(s.metrics);
  std::set<std::string> services;
  for (const auto& [name, value] : metrics["services"].items()) services.insert(name);
  CHECK(services.size() == 10);
  for (const auto& row : config::default_kpi_table().rows()) {
    std::string service;
    for (const auto& [name, group] : kGroupOf) {
      if (group == row.group()) service = name;
    }
    INFO(row.key);
    REQUIRE_FALSE(service.empty());
    CHECK(metrics["services"][service][row.group()].contains(row.field()));
  }
  CHECK(metrics["services"]["session_manager"]["sessions"]["total"] == 42);
  CHECK(metrics["services"]["session_manager"]["sessions"]["successRate"] == 97.5);
  CHECK(metrics["services"]["proxy_rotation"]["proxies"]["averageResponseTime"] == 123.4);

  const json health = json::parse(s.health);
  CHECK(health["services"]["content_safety"]["status"] == "degraded");
  CHECK(health["services"]["session_manager"]["status"] == "healthy");
  CHECK(health["status"] == "degraded");
  CHECK(s.health_http_status == 200);

  // A service that goes down makes the platform unhealthy.
  REQUIRE(sim.fault("retry_engine", R"({"mode":"down"})") == 200);
  REQUIRE(scraper.scrape_once(t0 + 30'000));
  in.now = t0 + 30'000;
  in.targets = {{scraper.target(), scraper.health()}};
  const Snapshot down = build_snapshot(in);
  const json h2 = json::parse(down.health);
  CHECK(h2["services"]["retry_engine"]["status"] == "unhealthy");
  CHECK(h2["services"]["retry_engine"]["up"] == false);
  CHECK(h2["services"]["retry_engine"]["consecutiveFailures"] == 1);
  CHECK(down.health_http_status == 503);
  CHECK(json::parse(down.dashboard)["services"]["retry_engine"]["status"] == "unhealthy");
}
