// Metrics models of emergency stop, content safety, connection pool, retry engine and campaigns.
#include <array>
#include <cstdio>
#include <string>

#include "sim/service_models.h"

namespace twikit::sim {
namespace {

using nlohmann::json;

std::int64_t as_int(const json& j) { return j.get<std::int64_t>(); }
double as_double(const json& j) { return j.get<double>(); }
std::int64_t unix_seconds(TimestampMs ms) { return ms / 1000; }

// ---- emergency_stop ----------------------------------------------------------------------------------

void emergency_init(json& m, RandomWalk& w, const ModelContext& ctx) {
  const std::int64_t events = w.uniform_int(1, 6);
  m["emergency"] = {{"active", false},
                    {"eventsTotal", events},
                    {"recoveriesTotal", events},
                    {"lastEventTimestamp", unix_seconds(ctx.now_ms) - w.uniform_int(3600, 7 * 86400)}};
}

void emergency_step(json& m, RandomWalk& w, const ModelContext& ctx) {
  // A stop is rare and the simulated platform recovers within the step; tests pin `active` to hold one.
  json& e = m["emergency"];
  if (w.chance(0.002)) {
    e["eventsTotal"] = as_int(e["eventsTotal"]) + 1;
    e["recoveriesTotal"] = as_int(e["recoveriesTotal"]) + 1;
    e["lastEventTimestamp"] = unix_seconds(ctx.now_ms);
  }
}

// ---- content_safety ----------------------------------------------------------------------------------

void content_init(json& m, RandomWalk& w, const ModelContext&) {
  const std::int64_t checked = w.uniform_int(20000, 40000);
  m["contentSafety"] = {{"checkedTotal", checked},
                        {"blockedTotal", checked / 100},
                        {"flaggedTotal", checked / 40},
                        {"averageSafetyScore", round2(w.uniform(90.0, 97.0))}};
}

void content_step(json& m, RandomWalk& w, const ModelContext&) {
  json& c = m["contentSafety"];
  c["checkedTotal"] = as_int(c["checkedTotal"]) + w.increment(5, 60);
  if (w.chance(0.1)) c["blockedTotal"] = as_int(c["blockedTotal"]) + 1;
  if (w.chance(0.25)) c["flaggedTotal"] = as_int(c["flaggedTotal"]) + 1;
  c["averageSafetyScore"] = w.gauge(as_double(c["averageSafetyScore"]), 85.0, 99.5, 0.4);
}

// ---- connection_pool ---------------------------------------------------------------------------------

constexpr std::int64_t kPoolSize = 50;

void pool_fill(json& c, std::int64_t active) {
  c["size"] = kPoolSize;
  c["active"] = active;
  c["idle"] = kPoolSize - active;
  c["utilizationPercentage"] = round2(100.0 * static_cast<double>(active) / static_cast<double>(kPoolSize));
}

void pool_init(json& m, RandomWalk& w, const ModelContext&) {
  json c = {{"waiting", 0}, {"acquireTimeMs", round2(w.uniform(1.0, 5.0))}};
  pool_fill(c, w.uniform_int(10, 25));
  m["connectionPool"] = std::move(c);
}

void pool_step(json& m, RandomWalk& w, const ModelContext&) {
  json& c = m["connectionPool"];
  const std::int64_t active = w.level(as_int(c["active"]), 5, 45, 3);
  pool_fill(c, active);
  c["waiting"] = active > 40 ? w.uniform_int(0, 4) : 0;
  c["acquireTimeMs"] = w.gauge(as_double(c["acquireTimeMs"]), 0.5, 20.0, 0.8);
}

// ---- retry_engine ------------------------------------------------------------------------------------

constexpr std::array<const char*, 4> kCircuits{"twitter_api", "proxy_gateway", "database", "media_upload"};

json make_breaker(std::size_t index, RandomWalk& w) {
  std::string name = kCircuits[index % kCircuits.size()];
  if (index >= kCircuits.size()) name.append("_").append(std::to_string(index / kCircuits.size() + 1));
  return {{"name", name}, {"state", "closed"}, {"failures", w.uniform_int(0, 2)}};
}

void retry_init(json& m, RandomWalk& w, const ModelContext& ctx) {
  const std::int64_t attempts = w.uniform_int(10000, 20000);
  m["retry"] = {{"attemptsTotal", attempts},
                {"successesTotal", attempts * 9 / 10},
                {"exhaustedTotal", attempts / 200}};
  m["circuitBreakers"] = json::array();
  fit_list(m["circuitBreakers"], ctx.list_size, [&](std::size_t i) { return make_breaker(i, w); });
}

void breaker_step(json& b, RandomWalk& w) {
  const std::string state = b["state"].get<std::string>();
  if (state == "closed") {
    b["failures"] = w.level(as_int(b["failures"]), 0, 4, 1);
    if (w.chance(0.003)) b["state"] = "open";
  } else if (state == "open") {
    b["failures"] = w.level(as_int(b["failures"]), 5, 20, 2);
    if (w.chance(0.3)) b["state"] = "half_open";
  } else {
    b["state"] = w.chance(0.8) ? "closed" : "open";
    if (b["state"] == "closed") b["failures"] = 0;
  }
}

void retry_step(json& m, RandomWalk& w, const ModelContext& ctx) {
  json& r = m["retry"];
  const std::int64_t attempts = w.increment(2, 30);
  const std::int64_t exhausted = w.chance(0.1) ? 1 : 0;
  r["attemptsTotal"] = as_int(r["attemptsTotal"]) + attempts;
  r["successesTotal"] = as_int(r["successesTotal"]) + w.increment(attempts * 8 / 10, attempts - exhausted);
  r["exhaustedTotal"] = as_int(r["exhaustedTotal"]) + exhausted;
  fit_list(m["circuitBreakers"], ctx.list_size, [&](std::size_t i) { return make_breaker(i, w); });
  for (json& b : m["circuitBreakers"]) breaker_step(b, w);
}

// ---- campaign_orchestrator ---------------------------------------------------------------------------

constexpr std::array<const char*, 6> kCampaignNames{"Spring Launch",   "Brand Awareness", "Product Teaser",
                                                    "Community Growth", "Holiday Promo",  "Creator Outreach"};

json make_campaign(std::size_t index, RandomWalk& w) {
  char id[32];
  std::snprintf(id, sizeof id, "campaign-%03zu", index + 1);
  std::string name = kCampaignNames[index % kCampaignNames.size()];
  if (index >= kCampaignNames.size()) name.append(" ").append(std::to_string(index / kCampaignNames.size() + 1));
  const bool paused = index % 5 == 4;
  return {{"id", id},
          {"name", name},
          {"status", paused ? "paused" : "running"},
          {"progressPercent", round2(w.uniform(0.0, 90.0))}};
}

void campaigns_aggregate(json& c) {
  std::int64_t active = 0;
  for (const json& campaign : c["list"]) {
    if (campaign["status"] == "running") ++active;
  }
  const auto done = static_cast<double>(as_int(c["completedTotal"]));
  const auto failed = static_cast<double>(as_int(c["failedTotal"]));
  c["active"] = active;
  c["successRate"] = done + failed > 0 ? round2(100.0 * done / (done + failed)) : 100.0;
}

void campaigns_init(json& m, RandomWalk& w, const ModelContext& ctx) {
  json c = {{"completedTotal", w.uniform_int(100, 150)}, {"failedTotal", w.uniform_int(2, 8)}};
  c["list"] = json::array();
  fit_list(c["list"], ctx.list_size, [&](std::size_t i) { return make_campaign(i, w); });
  campaigns_aggregate(c);
  m["campaigns"] = std::move(c);
}

void campaign_step(json& c, json& campaign, RandomWalk& w) {
  const std::string status = campaign["status"].get<std::string>();
  if (status == "running") {
    const double progress = round2(as_double(campaign["progressPercent"]) + w.uniform(0.0, 2.0));
    if (progress >= 100.0) {
      campaign["progressPercent"] = 100.0;
      campaign["status"] = "completed";
      c["completedTotal"] = as_int(c["completedTotal"]) + 1;
    } else if (w.chance(0.001)) {
      campaign["status"] = "failed";
      c["failedTotal"] = as_int(c["failedTotal"]) + 1;
    } else if (w.chance(0.002)) {
      campaign["status"] = "paused";
    } else {
      campaign["progressPercent"] = progress;
    }
  } else if (status == "paused") {
    if (w.chance(0.02)) campaign["status"] = "running";
  } else if (w.chance(0.1)) {
    // A finished campaign (completed or failed) starts its next run under the same id.
    campaign["status"] = "running";
    campaign["progressPercent"] = 0.0;
  }
}

void campaigns_step(json& m, RandomWalk& w, const ModelContext& ctx) {
  json& c = m["campaigns"];
  fit_list(c["list"], ctx.list_size, [&](std::size_t i) { return make_campaign(i, w); });
  for (json& campaign : c["list"]) campaign_step(c, campaign, w);
  campaigns_aggregate(c);
}

}  // namespace

MetricsModel emergency_stop_model() { return {emergency_init, emergency_step}; }
MetricsModel content_safety_model() { return {content_init, content_step}; }
MetricsModel connection_pool_model() { return {pool_init, pool_step}; }
MetricsModel retry_engine_model() { return {retry_init, retry_step}; }
MetricsModel campaign_orchestrator_model() { return {campaigns_init, campaigns_step}; }

}  // namespace twikit::sim
