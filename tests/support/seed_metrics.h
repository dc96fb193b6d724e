#pragma once
// The metric names of the design's table (shared/DESIGN.md, "Metric names"): the public interface that rules
// and dashboards depend on, listed once for the tests that check the exporter writes every one.

#include <array>

namespace twikit::testing {

/// The metrics the exporter writes for every target: up, duration, errors by reason, last success.
inline constexpr std::array<const char*, 4> kTargetMetrics = {
    "twikit_up", "twikit_scrape_duration_seconds", "twikit_scrape_errors_total",
    "twikit_last_success_timestamp_seconds",
};

/// The service metrics of the table, in its order, which the default exporter configuration maps.
inline constexpr std::array<const char*, 53> kServiceMetrics = {
    "twikit_service_healthy", "twikit_service_info", "twikit_service_uptime_seconds", "twikit_requests_total",
    "twikit_errors_total", "twikit_response_time_seconds", "twikit_dependency_up",
    "twikit_dependency_latency_seconds", "twikit_sessions", "twikit_sessions_active", "twikit_sessions_healthy",
    "twikit_session_success_ratio", "twikit_proxies", "twikit_proxies_healthy",
    "twikit_proxy_health_score_average", "twikit_proxy_response_time_seconds_average",
    "twikit_proxy_health_score", "twikit_proxy_failures_total", "twikit_rate_limit_requests_total",
    "twikit_rate_limit_allowed_requests_total", "twikit_rate_limit_blocked_requests_total",
    "twikit_rate_limit_utilization_ratio", "twikit_anti_detection_score",
    "twikit_anti_detection_profiles_active", "twikit_anti_detection_risk_level", "twikit_accounts",
    "twikit_accounts_healthy", "twikit_accounts_suspended", "twikit_accounts_at_risk",
    "twikit_account_health_score_average", "twikit_emergency_stop_active", "twikit_emergency_events_total",
    "twikit_emergency_recoveries_total", "twikit_content_checked_total", "twikit_content_blocked_total",
    "twikit_content_flagged_total", "twikit_content_safety_score_average", "twikit_connection_pool_size",
    "twikit_connection_pool_active", "twikit_connection_pool_idle", "twikit_connection_pool_waiting",
    "twikit_connection_pool_utilization_ratio", "twikit_connection_pool_acquire_seconds",
    "twikit_retry_attempts_total", "twikit_retry_successes_total", "twikit_retry_exhausted_total",
    "twikit_circuit_breaker_state", "twikit_circuit_breaker_failures", "twikit_campaigns_active",
    "twikit_campaigns_completed_total", "twikit_campaigns_failed_total", "twikit_campaign_success_ratio",
    "twikit_campaign_progress_ratio",
};

}  // namespace twikit::testing
