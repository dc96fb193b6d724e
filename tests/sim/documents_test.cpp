#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "sim/documents.h"

using nlohmann::json;
using twikit::FakeClock;
using twikit::sim::ServiceDocument;
using twikit::sim::ServiceSpec;
using twikit::sim::service_catalog;

namespace {

const ServiceSpec& spec(const std::string& name) {
  for (const auto& s : service_catalog()) {
    if (s.name == name) return s;
  }
  FAIL("no service " << name);
  throw;
}

// The `metrics` fields of the contract (docs/service-contract.md); "[]" marks the fields of every list entry.
const std::map<std::string, std::vector<std::string>> kContract = {
    {"session_manager",
     {"/sessions/total", "/sessions/active", "/sessions/healthy", "/sessions/successRate", "/sessions/createdTotal",
      "/sessions/failedTotal"}},
    {"proxy_rotation",
     {"/proxies/total", "/proxies/healthy", "/proxies/averageHealthScore", "/proxies/averageResponseTime",
      "/proxies/rotationsTotal", "/proxies/pool[]/id", "/proxies/pool[]/region", "/proxies/pool[]/healthScore",
      "/proxies/pool[]/responseTimeMs", "/proxies/pool[]/failuresTotal"}},
    {"rate_limit",
     {"/rateLimiting/totalRequests", "/rateLimiting/allowedRequests", "/rateLimiting/blockedRequests",
      "/rateLimiting/utilizationPercentage", "/rateLimiting/actions[]/action", "/rateLimiting/actions[]/used",
      "/rateLimiting/actions[]/limit"}},
    {"anti_detection",
     {"/antiDetection/overallScore", "/antiDetection/profilesActive", "/antiDetection/riskLevel",
      "/antiDetection/detectionsTotal"}},
    {"account_health",
     {"/accountHealth/totalAccounts", "/accountHealth/healthyAccounts", "/accountHealth/suspendedAccounts",
      "/accountHealth/atRiskAccounts", "/accountHealth/averageHealthScore"}},
    {"emergency_stop",
     {"/emergency/active", "/emergency/eventsTotal", "/emergency/recoveriesTotal", "/emergency/lastEventTimestamp"}},
    {"content_safety",
     {"/contentSafety/checkedTotal", "/contentSafety/blockedTotal", "/contentSafety/flaggedTotal",
      "/contentSafety/averageSafetyScore"}},
    {"connection_pool",
     {"/connectionPool/size", "/connectionPool/active", "/connectionPool/idle", "/connectionPool/waiting",
      "/connectionPool/utilizationPercentage", "/connectionPool/acquireTimeMs"}},
    {"retry_engine",
     {"/retry/attemptsTotal", "/retry/successesTotal", "/retry/exhaustedTotal", "/circuitBreakers[]/name",
      "/circuitBreakers[]/state", "/circuitBreakers[]/failures"}},
    {"campaign_orchestrator",
     {"/campaigns/active", "/campaigns/completedTotal", "/campaigns/failedTotal", "/campaigns/successRate",
      "/campaigns/list[]/id", "/campaigns/list[]/name", "/campaigns/list[]/status",
      "/campaigns/list[]/progressPercent"}},
};

// Every value at `path` below `root`, expanding "[]" over the entries of a (non-empty) array.
std::vector<json> values_at(const json& root, const std::string& path) {
  const auto brackets = path.find("[]");
  if (brackets == std::string::npos) {
    const json::json_pointer ptr(path);
    if (!root.contains(ptr)) return {};
    return {root.at(ptr)};
  }
  const json::json_pointer list_ptr(path.substr(0, brackets));
  if (!root.contains(list_ptr) || !root.at(list_ptr).is_array() || root.at(list_ptr).empty()) return {};
  std::vector<json> out;
  for (const json& entry : root.at(list_ptr)) {
    auto inner = values_at(entry, path.substr(brackets + 2));
    if (inner.empty()) return {};
    out.insert(out.end(), inner.begin(), inner.end());
  }
  return out;
}

bool is_counter(const std::string& path) {
  const std::string leaf = path.substr(path.rfind('/') + 1);
  return leaf.ends_with("Total") || leaf.ends_with("_total") || leaf == "totalRequests" ||
         leaf == "allowedRequests" || leaf == "blockedRequests";
}

}  // namespace

TEST_CASE("every service document carries every field of the contract", "[sim][documents]") {
  FakeClock clock(1'700'000'000'000);
  REQUIRE(service_catalog().size() == 10);
  for (const auto& s : service_catalog()) {
    CAPTURE(s.name);
    ServiceDocument document(s, 42, clock);
    for (int step = 0; step < 3; ++step) {
      const json doc = document.next();
      CHECK(doc["service"] == s.name);
      CHECK(doc["version"].is_string());
      CHECK(doc["uptime_seconds"].is_number());
      CHECK(doc["status"] == "healthy");
      CHECK(doc["system"]["requests_total"].is_number_integer());
      CHECK(doc["system"]["errors_total"].is_number_integer());
      CHECK(doc["system"]["response_time_ms"].is_number());
      REQUIRE(doc["dependencies"].is_array());
      REQUIRE_FALSE(doc["dependencies"].empty());
      for (const json& d : doc["dependencies"]) {
        CHECK(d["name"].is_string());
        CHECK(d["up"].is_boolean());
        CHECK(d["latency_ms"].is_number());
      }
      REQUIRE(kContract.count(s.name) == 1);
      for (const auto& path : kContract.at(s.name)) {
        CAPTURE(path);
        CHECK_FALSE(values_at(doc["metrics"], path).empty());
      }
    }
  }
}

TEST_CASE("counters never decrease and gauges stay in their bounds over many steps", "[sim][documents]") {
  FakeClock clock(1'700'000'000'000);
  for (const auto& s : service_catalog()) {
    CAPTURE(s.name);
    ServiceDocument document(s, 7, clock);
    json previous = document.next();
    for (int step = 0; step < 2000; ++step) {
      clock.advance_ms(1000);
      const json doc = document.next();
      std::vector<std::string> counters{"/system/requests_total", "/system/errors_total"};
      for (const auto& path : kContract.at(s.name)) {
        if (is_counter(path)) counters.push_back("/metrics" + path);
      }
      for (const auto& path : counters) {
        const auto now = values_at(doc, path);
        const auto before = values_at(previous, path);
        REQUIRE(now.size() == before.size());
        for (std::size_t i = 0; i < now.size(); ++i) {
          INFO(path << " entry " << i << " at step " << step);
          REQUIRE(now[i].get<std::int64_t>() >= before[i].get<std::int64_t>());
        }
      }
      CHECK(doc["uptime_seconds"].get<double>() > previous["uptime_seconds"].get<double>());
      previous = doc;
    }
    const json& m = previous["metrics"];
    if (s.name == "rate_limit") {
      CHECK(m["rateLimiting"]["allowedRequests"].get<std::int64_t>() + m["rateLimiting"]["blockedRequests"].get<std::int64_t>() ==
            m["rateLimiting"]["totalRequests"].get<std::int64_t>());
    }
    if (s.name == "session_manager") {
      CHECK(m["sessions"]["successRate"].get<double>() >= 0.0);
      CHECK(m["sessions"]["successRate"].get<double>() <= 100.0);
    }
    if (s.name == "connection_pool") {
      const json& c = m["connectionPool"];
      CHECK(c["active"].get<int>() + c["idle"].get<int>() == c["size"].get<int>());
    }
  }
}

TEST_CASE("the same seed gives the same documents, another seed different ones", "[sim][documents]") {
  for (const auto& s : service_catalog()) {
    CAPTURE(s.name);
    FakeClock clock_a(1'700'000'000'000);
    FakeClock clock_b(1'700'000'000'000);
    ServiceDocument a(s, 99, clock_a);
    ServiceDocument b(s, 99, clock_b);
    ServiceDocument other(s, 100, clock_a);
    for (int step = 0; step < 50; ++step) {
      clock_a.advance_ms(500);
      clock_b.advance_ms(500);
      REQUIRE(a.next() == b.next());
    }
    CHECK(other.next() != a.next());
  }
}

TEST_CASE("pinned fields keep their value while the rest moves, until pins are cleared", "[sim][documents]") {
  FakeClock clock(1'700'000'000'000);
  ServiceDocument document(spec("session_manager"), 3, clock);
  const json before = document.next();
  document.pin(json{{"status", "degraded"}, {"metrics", {{"sessions", {{"successRate", 12.5}}}}}});
  document.pin(json{{"dependencies", {{{"name", "postgres"}, {"up", false}, {"latency_ms", 0}}}}});
  json doc;
  for (int i = 0; i < 20; ++i) {
    doc = document.next();
    CHECK(doc["status"] == "degraded");
    CHECK(doc["metrics"]["sessions"]["successRate"] == 12.5);
    CHECK(doc["dependencies"].size() == 1);
    CHECK(doc["dependencies"][0]["up"] == false);
  }
  CHECK(doc["system"]["requests_total"].get<std::int64_t>() > before["system"]["requests_total"].get<std::int64_t>());
  document.clear_pins();
  doc = document.next();
  CHECK(doc["status"] == "healthy");
  CHECK(doc["dependencies"].size() == 2);
  CHECK(doc["metrics"]["sessions"]["successRate"].get<double>() > 50.0);
}

TEST_CASE("a pinned null removes a field from the served document", "[sim][documents]") {
  FakeClock clock(0);
  ServiceDocument document(spec("emergency_stop"), 3, clock);
  document.pin(json{{"metrics", {{"emergency", {{"lastEventTimestamp", nullptr}}}}}});
  const json doc = document.next();
  CHECK_FALSE(doc["metrics"]["emergency"].contains("lastEventTimestamp"));
  CHECK(doc["metrics"]["emergency"].contains("eventsTotal"));
}

TEST_CASE("lists grow and shrink to the requested size with aggregates to match", "[sim][documents]") {
  FakeClock clock(0);
  ServiceDocument proxies(spec("proxy_rotation"), 1, clock, 5000);
  json doc = proxies.next();
  CHECK(doc["metrics"]["proxies"]["pool"].size() == 5000);
  CHECK(doc["metrics"]["proxies"]["total"] == 5000);
  CHECK(doc["metrics"]["proxies"]["pool"][4999]["id"] == "proxy-5000");
  REQUIRE(proxies.resize(3));
  doc = proxies.current();
  CHECK(doc["metrics"]["proxies"]["pool"].size() == 3);
  CHECK(doc["metrics"]["proxies"]["total"] == 3);

  ServiceDocument campaigns(spec("campaign_orchestrator"), 1, clock);
  CHECK(campaigns.next()["metrics"]["campaigns"]["list"].size() == 5);
  REQUIRE(campaigns.resize(12));
  CHECK(campaigns.current()["metrics"]["campaigns"]["list"].size() == 12);

  ServiceDocument sessions(spec("session_manager"), 1, clock);
  CHECK_FALSE(sessions.resize(10));
}

TEST_CASE("patches pinned one after another apply in order, a delete then an object replacing the member",
          "[sim][documents]") {
  FakeClock clock(0);
  ServiceDocument document(spec("connection_pool"), 3, clock);
  document.pin(json{{"metrics", {{"connectionPool", nullptr}}}});
  document.pin(json{{"metrics", {{"connectionPool", {{"size", 1}}}}}});
  CHECK(document.next()["metrics"]["connectionPool"] == json{{"size", 1}});
  CHECK(document.pinned().size() == 2);
}
