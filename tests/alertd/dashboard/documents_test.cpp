// The three monitoring documents built from a store with known samples: exact KPI values with their unit
// conversions, the error rate across a counter reset, statuses, alert counts, trends, targets.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/dashboard/dashboard_snapshots.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;
using nlohmann::json;

namespace {

json dashboard_of(const SnapshotInputs& in) { return json::parse(build_snapshot(in).dashboard); }

}  // namespace

TEST_CASE("the metrics document gives each service's KPIs in the seed's structure and units") {
  storage::SeriesStore store;
  fill_two_services(store);
  const Snapshot s = build_snapshot(inputs_for(store));
  CHECK(s.metrics ==
        R"({"generatedAt":"2023-11-14T22:13:20Z","services":{)"
        R"("proxy_rotation":{"proxies":{"total":40,"averageHealthScore":87.5,"averageResponseTime":234.5}},)"
        R"("session_manager":{"sessions":{"total":12,"active":7,"successRate":98.1,"createdTotal":324}}},)"
        R"("platform":{"sessions":{"total":12,"active":7,"successRate":98.1,"createdTotal":324},)"
        R"("proxies":{"total":40,"averageHealthScore":87.5,"averageResponseTime":234.5}}})");
}

TEST_CASE("platform-wide KPIs add counts, average ratios and scores, and take the largest flag") {
  storage::SeriesStore store;
  put_steady(store, "twikit_sessions", "sessions_eu", 12);
  put_steady(store, "twikit_sessions", "sessions_us", 8);
  put_steady(store, "twikit_session_success_ratio", "sessions_eu", 0.98);
  put_steady(store, "twikit_session_success_ratio", "sessions_us", 0.95);
  put_steady(store, "twikit_emergency_stop_active", "sessions_eu", 0);
  put_steady(store, "twikit_emergency_stop_active", "sessions_us", 1);
  put_steady(store, "twikit_anti_detection_risk_level", "sessions_eu", 1, {{"level", "high"}});
  put_steady(store, "twikit_anti_detection_risk_level", "sessions_eu", 0, {{"level", "low"}});
  const json doc = json::parse(build_snapshot(inputs_for(store)).metrics);
  CHECK(doc["services"]["sessions_eu"] ==
        json::parse(R"({"sessions":{"total":12,"successRate":98},"antiDetection":{"riskLevel":"high"},)"
                    R"("emergency":{"active":false}})"));
  CHECK(doc["services"]["sessions_us"] ==
        json::parse(R"({"sessions":{"total":8,"successRate":95},"emergency":{"active":true}})"));
  // A state set has no platform-wide value.
  CHECK(doc["platform"] == json::parse(R"({"sessions":{"total":20,"successRate":96.5},"emergency":{"active":true}})"));
}

TEST_CASE("the health document lists services with dependencies, targets and components") {
  storage::SeriesStore store;
  fill_two_services(store);
  SnapshotInputs in = inputs_for(store);
  in.components = {{"rule_evaluation", Health::healthy, ""}, {"receiver/ops-email", Health::degraded, "3 retries"}};
  const Snapshot s = build_snapshot(in);
  CHECK(s.health_http_status == 200);
  CHECK(s.health ==
        R"({"status":"degraded","generatedAt":"2023-11-14T22:13:20Z","services":{)"
        R"("proxy_rotation":{"status":"degraded","up":true,"health":0.5,"responseTimeMs":250,"errorRate":null,)"
        R"("dependencies":{"redis":{"up":false,"latencyMs":null}},"lastSuccess":null,"consecutiveFailures":0},)"
        R"("session_manager":{"status":"healthy","up":true,"health":1,"responseTimeMs":41.2,"errorRate":0.02,)"
        R"("dependencies":{"postgres":{"up":true,"latencyMs":2.1}},"lastSuccess":"2023-11-14T22:13:19.5Z",)"
        R"("consecutiveFailures":0}},)"
        R"("targets":[{"job":"twikit","instance":"exporter:9877","url":"http://exporter:9877/metrics","health":"up",)"
        R"("lastError":"","lastScrape":"2023-11-14T22:13:15Z","lastScrapeDurationSeconds":0.125,"consecutiveFailures":0}],)"
        R"("components":[{"name":"rule_evaluation","status":"healthy","detail":""},)"
        R"({"name":"receiver/ops-email","status":"degraded","detail":"3 retries"}]})");
}

TEST_CASE("the health document is unhealthy and served with 503 when a scrape target is down") {
  storage::SeriesStore store;
  fill_two_services(store);
  // Three failed scrapes of the exporter after the last good one.
  for (int k = 1; k <= 3; ++k) {
    store.append(make_labels({{"__name__", "up"}, {"job", "twikit"}, {"instance", "exporter:9877"}}),
                 kNow + k * 1000, 0);
  }
  SnapshotInputs in = inputs_for(store);
  in.now = kNow + 3000;
  in.targets = {target("down", "Get \"http://exporter:9877/metrics\": connection refused")};
  const Snapshot s = build_snapshot(in);
  CHECK(s.health_http_status == 503);
  const json doc = json::parse(s.health);
  CHECK(doc["status"] == "unhealthy");
  CHECK(doc["targets"][0]["health"] == "down");
  CHECK(doc["targets"][0]["lastError"] == "Get \"http://exporter:9877/metrics\": connection refused");
  CHECK(doc["targets"][0]["consecutiveFailures"] == 3);
}

TEST_CASE("a service the exporter cannot reach is unhealthy and counts its consecutive failures") {
  storage::SeriesStore store;
  put_series(store, "twikit_up", "retry_engine", {1, 1, 0, 0, 0});
  put_steady(store, "twikit_service_healthy", "retry_engine", 1);
  const Snapshot s = build_snapshot(inputs_for(store));
  CHECK(s.health_http_status == 503);
  const json doc = json::parse(s.health);
  CHECK(doc["services"]["retry_engine"]["status"] == "unhealthy");
  CHECK(doc["services"]["retry_engine"]["up"] == false);
  CHECK(doc["services"]["retry_engine"]["consecutiveFailures"] == 3);
}

TEST_CASE("the dashboard gives per service its status, system figures and KPIs grouped by the seed's names") {
  storage::SeriesStore store;
  fill_two_services(store);
  const json doc = dashboard_of(inputs_for(store));
  CHECK(doc["status"] == "degraded");
  CHECK(doc["generatedAt"] == "2023-11-14T22:13:20Z");
  CHECK(doc["summary"] == json::parse(R"({"services":2,"healthy":1,"degraded":1,"unhealthy":0,"unknown":0})"));
  const json& sm = doc["services"]["session_manager"];
  CHECK(sm["status"] == "healthy");
  CHECK(sm["health"] == 1);
  CHECK(sm["up"] == true);
  CHECK(sm["responseTimeMs"] == 41.2);
  // 350 requests and 7 errors over the window, across the reset of both counters.
  CHECK(sm["errorRate"] == 0.02);
  CHECK(sm["requestsPerSecond"] == 1.45833333333);
  CHECK(sm["kpis"]["sessions"]["successRate"] ==
        json::parse(R"({"value":98.1,"unit":"percent","metric":"twikit_session_success_ratio",)"
                    R"("trend":{"change1h":null,"change24h":null,"points":[[1700000000,98.1]]}})"));
  CHECK(sm["kpis"]["sessions"]["createdTotal"] ==
        json::parse(R"({"value":324,"unit":"count","metric":"twikit_sessions_created_total","ratePerSecond":0.1,)"
                    R"("trend":{"change1h":null,"change24h":null,"points":[[1700000000,324]]}})"));
  const json& pr = doc["services"]["proxy_rotation"];
  CHECK(pr["status"] == "degraded");
  CHECK(pr["errorRate"] == nullptr);  // no request in the window: no rate, rather than an invented 0
  CHECK(pr["requestsPerSecond"] == 0);
  CHECK(pr["kpis"]["proxies"]["averageResponseTime"]["value"] == 234.5);
  CHECK(pr["kpis"]["proxies"]["averageResponseTime"]["unit"] == "ms");
  CHECK(doc["alerts"] == json::parse(R"({"total":0,"bySeverity":{"critical":0,"error":0,"warning":0,"info":0,)"
                                     R"("other":0},"byState":{"firing":0,"pending":0},"items":[]})"));
}

TEST_CASE("the dashboard counts active alerts by severity and state, firing and most severe first") {
  storage::SeriesStore store;
  fill_two_services(store);
  SnapshotInputs in = inputs_for(store);
  in.alerts = {alert("SlowProxies", "warning", rules::AlertState::firing, "proxy_rotation"),
               alert("SessionsLow", "info", rules::AlertState::pending),
               alert("PagerTest", "page", rules::AlertState::firing),
               alert("ErrorsHigh", "error", rules::AlertState::pending),
               alert("SessionsDown", "critical", rules::AlertState::firing)};
  const json doc = dashboard_of(in);
  CHECK(doc["alerts"]["total"] == 5);
  CHECK(doc["alerts"]["bySeverity"] ==
        json::parse(R"({"critical":1,"error":1,"warning":1,"info":1,"other":1})"));
  CHECK(doc["alerts"]["byState"] == json::parse(R"({"firing":3,"pending":2})"));
  std::vector<std::string> order;
  for (const auto& a : doc["alerts"]["items"]) order.push_back(a["alertname"]);
  CHECK(order == std::vector<std::string>{"SessionsDown", "SlowProxies", "PagerTest", "ErrorsHigh", "SessionsLow"});
  CHECK(doc["alerts"]["items"][0] ==
        json::parse(R"({"alertname":"SessionsDown","state":"firing","severity":"critical","service":"session_manager",)"
                    R"("labels":{"alertname":"SessionsDown","service":"session_manager","severity":"critical"},)"
                    R"("annotations":{"summary":"SessionsDown on session_manager"},)"
                    R"("activeAt":"2023-11-14T22:11:20Z","firedAt":"2023-11-14T22:12:20Z","value":1})"));
  // A firing critical alert makes the dashboard unhealthy; the health document does not look at alerts.
  CHECK(doc["status"] == "unhealthy");
  CHECK(json::parse(build_snapshot(in).health)["status"] == "degraded");
}
