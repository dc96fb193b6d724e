#include "alertd/config/kpi_table.h"

namespace twikit::config {

const char* kpi_kind_name(KpiKind kind) {
  switch (kind) {
    case KpiKind::gauge:
      return "gauge";
    case KpiKind::counter:
      return "counter";
    case KpiKind::state_set:
      return "state_set";
  }
  return "gauge";
}

const char* kpi_aggregation_name(KpiAggregation aggregation) {
  switch (aggregation) {
    case KpiAggregation::sum:
      return "sum";
    case KpiAggregation::avg:
      return "avg";
    case KpiAggregation::max:
      return "max";
    case KpiAggregation::none:
      return "none";
  }
  return "none";
}

KpiTable::KpiTable(std::vector<KpiDefinition> rows) : rows_(std::move(rows)) {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    by_key_.emplace(rows_[i].key, i);
    by_metric_.emplace(rows_[i].metric, i);
  }
}

const KpiDefinition* KpiTable::by_key(std::string_view key) const {
  const auto it = by_key_.find(std::string(key));
  return it == by_key_.end() ? nullptr : &rows_[it->second];
}

const KpiDefinition* KpiTable::by_metric(std::string_view metric) const {
  const auto it = by_metric_.find(std::string(metric));
  return it == by_metric_.end() ? nullptr : &rows_[it->second];
}

std::vector<std::string> KpiTable::groups() const {
  std::vector<std::string> out;
  for (const auto& row : rows_) {
    const std::string g = row.group();
    bool seen = false;
    for (const auto& o : out) seen = seen || o == g;
    if (!seen) out.push_back(g);
  }
  return out;
}

namespace {

using K = KpiKind;
using A = KpiAggregation;

KpiDefinition row(const char* key, const char* metric, K kind, double scale, const char* unit, A platform,
                  const char* state_label = "") {
  return KpiDefinition{key, metric, kind, scale, unit, platform, state_label};
}

// Seed units where they differ from the metric's base unit: percent (×100 of a 0–1 ratio) and
// milliseconds (×1000 of seconds), as the exporter's default mapping scaled them on the way in.
std::vector<KpiDefinition> default_rows() {
  return {
      row("sessions.total", "twikit_sessions", K::gauge, 1, "count", A::sum),
      row("sessions.active", "twikit_sessions_active", K::gauge, 1, "count", A::sum),
      row("sessions.healthy", "twikit_sessions_healthy", K::gauge, 1, "count", A::sum),
      row("sessions.successRate", "twikit_session_success_ratio", K::gauge, 100, "percent", A::avg),
      row("sessions.createdTotal", "twikit_sessions_created_total", K::counter, 1, "count", A::sum),
      row("sessions.failedTotal", "twikit_sessions_failed_total", K::counter, 1, "count", A::sum),
      row("proxies.total", "twikit_proxies", K::gauge, 1, "count", A::sum),
      row("proxies.healthy", "twikit_proxies_healthy", K::gauge, 1, "count", A::sum),
      row("proxies.averageHealthScore", "twikit_proxy_health_score_average", K::gauge, 1, "score", A::avg),
      row("proxies.averageResponseTime", "twikit_proxy_response_time_seconds_average", K::gauge, 1000, "ms", A::avg),
      row("proxies.rotationsTotal", "twikit_proxy_rotations_total", K::counter, 1, "count", A::sum),
      row("rateLimiting.totalRequests", "twikit_rate_limit_requests_total", K::counter, 1, "count", A::sum),
      row("rateLimiting.allowedRequests", "twikit_rate_limit_allowed_requests_total", K::counter, 1, "count", A::sum),
      row("rateLimiting.blockedRequests", "twikit_rate_limit_blocked_requests_total", K::counter, 1, "count", A::sum),
      row("rateLimiting.utilizationPercentage", "twikit_rate_limit_utilization_ratio", K::gauge, 100, "percent", A::avg),
      row("antiDetection.overallScore", "twikit_anti_detection_score", K::gauge, 1, "score", A::avg),
      row("antiDetection.profilesActive", "twikit_anti_detection_profiles_active", K::gauge, 1, "count", A::sum),
      row("antiDetection.riskLevel", "twikit_anti_detection_risk_level", K::state_set, 1, "state", A::none, "level"),
      row("antiDetection.detectionsTotal", "twikit_anti_detection_detections_total", K::counter, 1, "count", A::sum),
      row("accountHealth.totalAccounts", "twikit_accounts", K::gauge, 1, "count", A::sum),
      row("accountHealth.healthyAccounts", "twikit_accounts_healthy", K::gauge, 1, "count", A::sum),
      row("accountHealth.suspendedAccounts", "twikit_accounts_suspended", K::gauge, 1, "count", A::sum),
      row("accountHealth.atRiskAccounts", "twikit_accounts_at_risk", K::gauge, 1, "count", A::sum),
      row("accountHealth.averageHealthScore", "twikit_account_health_score_average", K::gauge, 1, "score", A::avg),
      row("emergency.active", "twikit_emergency_stop_active", K::gauge, 1, "bool", A::max),
      row("emergency.eventsTotal", "twikit_emergency_events_total", K::counter, 1, "count", A::sum),
      row("emergency.recoveriesTotal", "twikit_emergency_recoveries_total", K::counter, 1, "count", A::sum),
      row("emergency.lastEventTimestamp", "twikit_emergency_last_event_timestamp_seconds", K::gauge, 1, "timestamp", A::max),
      row("contentSafety.checkedTotal", "twikit_content_checked_total", K::counter, 1, "count", A::sum),
      row("contentSafety.blockedTotal", "twikit_content_blocked_total", K::counter, 1, "count", A::sum),
      row("contentSafety.flaggedTotal", "twikit_content_flagged_total", K::counter, 1, "count", A::sum),
      row("contentSafety.averageSafetyScore", "twikit_content_safety_score_average", K::gauge, 1, "score", A::avg),
      row("connectionPool.size", "twikit_connection_pool_size", K::gauge, 1, "count", A::sum),
      row("connectionPool.active", "twikit_connection_pool_active", K::gauge, 1, "count", A::sum),
      row("connectionPool.idle", "twikit_connection_pool_idle", K::gauge, 1, "count", A::sum),
      row("connectionPool.waiting", "twikit_connection_pool_waiting", K::gauge, 1, "count", A::sum),
      row("connectionPool.utilizationPercentage", "twikit_connection_pool_utilization_ratio", K::gauge, 100, "percent", A::avg),
      row("connectionPool.acquireTimeMs", "twikit_connection_pool_acquire_seconds", K::gauge, 1000, "ms", A::avg),
      row("retry.attemptsTotal", "twikit_retry_attempts_total", K::counter, 1, "count", A::sum),
      row("retry.successesTotal", "twikit_retry_successes_total", K::counter, 1, "count", A::sum),
      row("retry.exhaustedTotal", "twikit_retry_exhausted_total", K::counter, 1, "count", A::sum),
      row("campaigns.active", "twikit_campaigns_active", K::gauge, 1, "count", A::sum),
      row("campaigns.completedTotal", "twikit_campaigns_completed_total", K::counter, 1, "count", A::sum),
      row("campaigns.failedTotal", "twikit_campaigns_failed_total", K::counter, 1, "count", A::sum),
      row("campaigns.successRate", "twikit_campaign_success_ratio", K::gauge, 100, "percent", A::avg),
  };
}

}  // namespace

const KpiTable& default_kpi_table() {
  static const KpiTable table(default_rows());
  return table;
}

}  // namespace twikit::config
