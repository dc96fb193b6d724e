// Metrics models of sessions, proxies, rate limits, anti-detection and account health.
#include <array>
#include <cstdio>
#include <string>

#include "sim/service_models.h"

namespace twikit::sim {
namespace {

using nlohmann::json;

std::int64_t as_int(const json& j) { return j.get<std::int64_t>(); }
double as_double(const json& j) { return j.get<double>(); }

// ---- session_manager -------------------------------------------------------------------------------

void sessions_init(json& m, RandomWalk& w, const ModelContext&) {
  const std::int64_t total = w.uniform_int(90, 110);
  m["sessions"] = {{"total", total},
                   {"active", total * 7 / 10},
                   {"healthy", total * 9 / 10},
                   {"successRate", round2(w.uniform(95.0, 99.0))},
                   {"createdTotal", w.uniform_int(5000, 9000)},
                   {"failedTotal", w.uniform_int(50, 200)}};
}

void sessions_step(json& m, RandomWalk& w, const ModelContext&) {
  json& s = m["sessions"];
  const std::int64_t total = w.level(as_int(s["total"]), 80, 120, 2);
  s["total"] = total;
  s["active"] = w.level(std::min(as_int(s["active"]), total), total / 2, total, 3);
  s["healthy"] = w.level(std::min(as_int(s["healthy"]), total), total * 8 / 10, total, 2);
  s["successRate"] = w.gauge(as_double(s["successRate"]), 90.0, 99.9, 0.5);
  s["createdTotal"] = as_int(s["createdTotal"]) + w.increment(0, 5);
  if (w.chance(0.2)) s["failedTotal"] = as_int(s["failedTotal"]) + 1;
}

// ---- proxy_rotation ----------------------------------------------------------------------------------

constexpr std::array<const char*, 5> kRegions{"us-east", "us-west", "eu-west", "eu-central", "ap-southeast"};

json make_proxy(std::size_t index, RandomWalk& w) {
  char id[32];
  std::snprintf(id, sizeof id, "proxy-%04zu", index + 1);
  return {{"id", id},
          {"region", kRegions[index % kRegions.size()]},
          {"healthScore", round2(w.uniform(70.0, 99.0))},
          {"responseTimeMs", round2(w.uniform(80.0, 400.0))},
          {"failuresTotal", w.uniform_int(0, 40)}};
}

void proxies_aggregate(json& p) {
  const json& pool = p["pool"];
  std::int64_t healthy = 0;
  double score = 0;
  double response = 0;
  for (const json& proxy : pool) {
    const double h = as_double(proxy["healthScore"]);
    if (h >= 60.0) ++healthy;
    score += h;
    response += as_double(proxy["responseTimeMs"]);
  }
  const double n = pool.empty() ? 1.0 : static_cast<double>(pool.size());
  p["total"] = static_cast<std::int64_t>(pool.size());
  p["healthy"] = healthy;
  p["averageHealthScore"] = round2(score / n);
  p["averageResponseTime"] = round2(response / n);
}

void proxies_init(json& m, RandomWalk& w, const ModelContext& ctx) {
  json p = {{"rotationsTotal", w.uniform_int(1000, 5000)}, {"pool", json::array()}};
  fit_list(p["pool"], ctx.list_size, [&](std::size_t i) { return make_proxy(i, w); });
  proxies_aggregate(p);
  m["proxies"] = std::move(p);
}

void proxies_step(json& m, RandomWalk& w, const ModelContext& ctx) {
  json& p = m["proxies"];
  fit_list(p["pool"], ctx.list_size, [&](std::size_t i) { return make_proxy(i, w); });
  for (json& proxy : p["pool"]) {
    proxy["healthScore"] = w.gauge(as_double(proxy["healthScore"]), 30.0, 100.0, 3.0);
    proxy["responseTimeMs"] = w.gauge(as_double(proxy["responseTimeMs"]), 40.0, 900.0, 20.0);
    if (w.chance(0.05)) proxy["failuresTotal"] = as_int(proxy["failuresTotal"]) + 1;
  }
  p["rotationsTotal"] = as_int(p["rotationsTotal"]) + w.increment(0, 3);
  proxies_aggregate(p);
}

// ---- rate_limit --------------------------------------------------------------------------------------

constexpr std::array<std::pair<const char*, std::int64_t>, 5> kActions{
    {{"tweet", 300}, {"like", 1000}, {"follow", 400}, {"retweet", 600}, {"direct_message", 500}}};

void rate_init(json& m, RandomWalk& w, const ModelContext&) {
  const std::int64_t total = w.uniform_int(100000, 200000);
  const std::int64_t blocked = total / 50;
  json actions = json::array();
  for (const auto& [name, limit] : kActions) {
    actions.push_back({{"action", name}, {"used", w.uniform_int(0, limit / 2)}, {"limit", limit}});
  }
  m["rateLimiting"] = {{"totalRequests", total},
                       {"allowedRequests", total - blocked},
                       {"blockedRequests", blocked},
                       {"utilizationPercentage", round2(w.uniform(30.0, 60.0))},
                       {"actions", std::move(actions)}};
}

void rate_step(json& m, RandomWalk& w, const ModelContext&) {
  json& r = m["rateLimiting"];
  const std::int64_t more = w.increment(20, 200);
  const std::int64_t blocked = w.increment(0, more / 20);
  r["totalRequests"] = as_int(r["totalRequests"]) + more;
  r["allowedRequests"] = as_int(r["allowedRequests"]) + (more - blocked);
  r["blockedRequests"] = as_int(r["blockedRequests"]) + blocked;
  r["utilizationPercentage"] = w.gauge(as_double(r["utilizationPercentage"]), 10.0, 90.0, 3.0);
  for (json& action : r["actions"]) {
    const std::int64_t limit = as_int(action["limit"]);
    action["used"] = w.level(as_int(action["used"]), 0, limit, std::max<std::int64_t>(1, limit / 50));
  }
}

// ---- anti_detection ----------------------------------------------------------------------------------

const char* risk_level(double score) {
  if (score >= 85.0) return "low";
  if (score >= 70.0) return "medium";
  if (score >= 50.0) return "high";
  return "critical";
}

void anti_init(json& m, RandomWalk& w, const ModelContext&) {
  const double score = round2(w.uniform(88.0, 96.0));
  m["antiDetection"] = {{"overallScore", score},
                        {"profilesActive", w.uniform_int(30, 50)},
                        {"riskLevel", risk_level(score)},
                        {"detectionsTotal", w.uniform_int(0, 20)}};
}

void anti_step(json& m, RandomWalk& w, const ModelContext&) {
  json& a = m["antiDetection"];
  const double score = w.gauge(as_double(a["overallScore"]), 80.0, 99.0, 1.0);
  a["overallScore"] = score;
  a["riskLevel"] = risk_level(score);
  a["profilesActive"] = w.level(as_int(a["profilesActive"]), 20, 60, 2);
  if (w.chance(0.01)) a["detectionsTotal"] = as_int(a["detectionsTotal"]) + 1;
}

// ---- account_health ----------------------------------------------------------------------------------

void accounts_init(json& m, RandomWalk& w, const ModelContext&) {
  const std::int64_t total = w.uniform_int(190, 210);
  const std::int64_t suspended = w.uniform_int(0, 3);
  const std::int64_t at_risk = w.uniform_int(2, 8);
  m["accountHealth"] = {{"totalAccounts", total},
                        {"healthyAccounts", total - suspended - at_risk},
                        {"suspendedAccounts", suspended},
                        {"atRiskAccounts", at_risk},
                        {"averageHealthScore", round2(w.uniform(80.0, 92.0))}};
}

void accounts_step(json& m, RandomWalk& w, const ModelContext&) {
  json& a = m["accountHealth"];
  const std::int64_t total = w.level(as_int(a["totalAccounts"]), 180, 220, 1);
  const std::int64_t suspended = w.level(as_int(a["suspendedAccounts"]), 0, 6, 1);
  const std::int64_t at_risk = w.level(as_int(a["atRiskAccounts"]), 0, 15, 1);
  a["totalAccounts"] = total;
  a["suspendedAccounts"] = suspended;
  a["atRiskAccounts"] = at_risk;
  a["healthyAccounts"] = total - suspended - at_risk;
  a["averageHealthScore"] = w.gauge(as_double(a["averageHealthScore"]), 70.0, 97.0, 0.5);
}

}  // namespace

MetricsModel session_manager_model() { return {sessions_init, sessions_step}; }
MetricsModel proxy_rotation_model() { return {proxies_init, proxies_step}; }
MetricsModel rate_limit_model() { return {rate_init, rate_step}; }
MetricsModel anti_detection_model() { return {anti_init, anti_step}; }
MetricsModel account_health_model() { return {accounts_init, accounts_step}; }

}  // namespace twikit::sim
