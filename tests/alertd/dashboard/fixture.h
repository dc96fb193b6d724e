#pragma once
// A series store filled with known samples of two Twikit services, as the exporter would write them and
// alertd's scraper would store them, for the dashboard tests.

#include <string>
#include <vector>

#include "alertd/dashboard/snapshot_inputs.h"
#include "alertd/storage/series_store.h"

namespace twikit::dashboard::testing {

/// 2023-11-14T22:13:20Z, the "now" of every fixture.
inline constexpr TimestampMs kNow = 1'700'000'000'000;

/// Appends `metric{service, job="twikit", instance="exporter:9877", extra...}` = v at `t`.
inline void put(storage::SeriesStore& store, const std::string& metric, const std::string& service, TimestampMs t,
                double v, std::vector<Label> extra = {}) {
  extra.emplace_back("__name__", metric);
  extra.emplace_back("service", service);
  extra.emplace_back("job", "twikit");
  extra.emplace_back("instance", "exporter:9877");
  store.append(make_labels(std::move(extra)), t, v);
}

/// Appends the same value at every minute from now - 4m to now (five samples).
inline void put_steady(storage::SeriesStore& store, const std::string& metric, const std::string& service, double v,
                       std::vector<Label> extra = {}) {
  for (int k = 4; k >= 0; --k) put(store, metric, service, kNow - k * 60'000, v, extra);
}

/// Appends `values` at now - 4m, now - 3m, … now (one a minute).
inline void put_series(storage::SeriesStore& store, const std::string& metric, const std::string& service,
                       const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    put(store, metric, service, kNow - static_cast<TimestampMs>(values.size() - 1 - i) * 60'000, values[i]);
  }
}

/// Two services with four minutes of data: session_manager (healthy, its request counter reset in the
/// middle) and proxy_rotation (degraded, a dependency down).
inline void fill_two_services(storage::SeriesStore& store) {
  // session_manager: requests 1000 → 1100, reset, 50 → 150 → 250 (350 in all); errors 10 → 12, reset, 1 → 3 → 5 (7).
  put_steady(store, "twikit_up", "session_manager", 1);
  put_steady(store, "twikit_service_healthy", "session_manager", 1);
  put_steady(store, "twikit_response_time_seconds", "session_manager", 0.0412);
  put_series(store, "twikit_requests_total", "session_manager", {1000, 1100, 50, 150, 250});
  put_series(store, "twikit_errors_total", "session_manager", {10, 12, 1, 3, 5});
  put_steady(store, "twikit_dependency_up", "session_manager", 1, {{"dependency", "postgres"}});
  put_steady(store, "twikit_dependency_latency_seconds", "session_manager", 0.0021, {{"dependency", "postgres"}});
  put_steady(store, "twikit_last_success_timestamp_seconds", "session_manager", 1'699'999'999.5);
  put_steady(store, "twikit_sessions", "session_manager", 12);
  put_steady(store, "twikit_sessions_active", "session_manager", 7);
  put_steady(store, "twikit_session_success_ratio", "session_manager", 0.981);
  put_series(store, "twikit_sessions_created_total", "session_manager", {300, 306, 312, 318, 324});

  // proxy_rotation: degraded, redis down, no requests in the window (counter flat).
  put_steady(store, "twikit_up", "proxy_rotation", 1);
  put_steady(store, "twikit_service_healthy", "proxy_rotation", 0.5);
  put_steady(store, "twikit_response_time_seconds", "proxy_rotation", 0.25);
  put_steady(store, "twikit_requests_total", "proxy_rotation", 500);
  put_steady(store, "twikit_errors_total", "proxy_rotation", 4);
  put_steady(store, "twikit_dependency_up", "proxy_rotation", 0, {{"dependency", "redis"}});
  put_steady(store, "twikit_proxies", "proxy_rotation", 40);
  put_steady(store, "twikit_proxy_health_score_average", "proxy_rotation", 87.5);
  put_steady(store, "twikit_proxy_response_time_seconds_average", "proxy_rotation", 0.2345);

  // alertd's own `up` for its one target, the exporter.
  for (int k = 4; k >= 0; --k) {
    store.append(make_labels({{"__name__", "up"}, {"job", "twikit"}, {"instance", "exporter:9877"}}), kNow - k * 60'000, 1);
  }
}

/// A scrape target of alertd with the given outcome.
inline scrape::TargetStatus target(const std::string& health, const std::string& last_error = "") {
  scrape::TargetStatus t;
  t.target.job = "twikit";
  t.target.url = "http://exporter:9877/metrics";
  t.target.labels = make_labels({{"job", "twikit"}, {"instance", "exporter:9877"}});
  t.health.health = health;
  t.health.last_error = last_error;
  if (health != "unknown") {
    t.health.last_scrape_ms = kNow - 5'000;
    t.health.last_duration_seconds = 0.125;
  }
  return t;
}

/// An alert in `state` with alertname, severity and service labels.
inline rules::Alert alert(const std::string& name, const std::string& severity, rules::AlertState state,
                          const std::string& service = "session_manager") {
  rules::Alert a;
  a.labels = make_labels({{"alertname", name}, {"severity", severity}, {"service", service}});
  a.annotations = make_labels({{"summary", name + " on " + service}});
  a.state = state;
  a.value = 1;
  a.active_at = kNow - 120'000;
  if (state == rules::AlertState::firing) a.fired_at = kNow - 60'000;
  return a;
}

/// Inputs over `store` at kNow with one healthy target and no alerts or components.
inline SnapshotInputs inputs_for(const storage::SeriesStore& store) {
  SnapshotInputs in;
  in.store = &store;
  in.now = kNow;
  in.targets = {target("up")};
  return in;
}

}  // namespace twikit::dashboard::testing
