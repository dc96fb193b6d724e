// The three monitoring documents over a store with every case the readers choose between — two
// exporters per service (ties in time broken by labels), staleness markers, counter resets, duplicated
// dependencies, state sets the exporters disagree on, an hour of points for the trends — compared byte
// for byte with the files in golden/, so a faster reader must give exactly the same documents.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "alertd/dashboard/dashboard_snapshots.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

namespace {

constexpr std::int64_t kMin = 60'000;

// Appends `metric{service, instance, job="twikit", extra...}` = v at t.
void put_at(storage::SeriesStore& store, const std::string& metric, const std::string& service,
            const std::string& instance, TimestampMs t, double v, std::vector<Label> extra = {}) {
  extra.emplace_back("__name__", metric);
  extra.emplace_back("service", service);
  extra.emplace_back("job", "twikit");
  extra.emplace_back("instance", instance);
  store.append(make_labels(std::move(extra)), t, v);
}

// 70 minutes of one-minute samples ending at `last` for every metric of the default table's rows and the
// system figures, for `service` as exporter `instance` sees it; `shift` moves the values.
void fill_service(storage::SeriesStore& store, const std::string& service, const std::string& instance,
                  TimestampMs last, double shift) {
  for (int k = 70; k >= 0; --k) {
    const TimestampMs t = last - k * kMin;
    const double i = 70 - k;
    put_at(store, "twikit_up", service, instance, t, k == 3 || k == 1 || k == 0 ? shift : 1);
    put_at(store, "twikit_service_healthy", service, instance, t, k % 7 == 0 ? 0.5 : 1);
    put_at(store, "twikit_response_time_seconds", service, instance, t, 0.04 + 0.001 * i + shift);
    put_at(store, "twikit_last_success_timestamp_seconds", service, instance, t, static_cast<double>(t) / 1000.0);
    // Requests reset at k == 30; errors grow by a third of a request.
    put_at(store, "twikit_requests_total", service, instance, t, k > 30 ? 1000 + 7 * i : 3 * i + shift);
    put_at(store, "twikit_errors_total", service, instance, t, k > 30 ? 10 + i / 3 : i / 3);
    put_at(store, "twikit_dependency_up", service, instance, t, k % 11 == 0 ? 0 : 1, {{"dependency", "postgres"}});
    put_at(store, "twikit_dependency_up", service, instance, t, shift > 0 ? 0 : 1, {{"dependency", "redis"}});
    put_at(store, "twikit_dependency_latency_seconds", service, instance, t, 0.0021 + 0.0001 * i,
           {{"dependency", "postgres"}});
    for (const auto& row : config::default_kpi_table().rows()) {
      if (row.kind == config::KpiKind::state_set) continue;
      const double v = row.kind == config::KpiKind::counter ? (k == 20 ? 2 : 100 + 3 * i) : 0.5 + 0.01 * i + shift;
      put_at(store, row.metric, service, instance, t, v);
    }
    const char* level = k > 10 ? "low" : (shift > 0 ? "high" : "medium");
    for (const char* l : {"critical", "high", "low", "medium"}) {
      put_at(store, "twikit_anti_detection_risk_level", service, instance, t, std::string(l) == level ? 1 : 0,
             {{"level", l}});
    }
  }
}

storage::SeriesStore& tricky_store() {
  static storage::SeriesStore store;
  static const bool filled = [] {
    // session_manager: two exporters with samples at the same instants (ties broken by labels).
    fill_service(store, "session_manager", "exporter-a:9877", kNow, 0);
    fill_service(store, "session_manager", "exporter-b:9877", kNow, 0.25);
    // proxy_rotation: exporter b is newer by 7 ms, exporter a ends with staleness markers.
    fill_service(store, "proxy_rotation", "exporter-a:9877", kNow - 15'000, 0);
    fill_service(store, "proxy_rotation", "exporter-b:9877", kNow - 14'993, 0.5);
    for (const char* m : {"twikit_up", "twikit_sessions", "twikit_requests_total", "twikit_service_healthy"}) {
      put_at(store, m, "proxy_rotation", "exporter-b:9877", kNow - 5'000, storage::stale_marker());
    }
    // rate_limit: one exporter, its data stopped 4 minutes ago (inside the lookback) and older gaps.
    fill_service(store, "rate_limit", "exporter-a:9877", kNow - 4 * kMin, 1);
    // A service whose only series are stale, and a series without a service label.
    put_at(store, "twikit_up", "stale_only", "exporter-a:9877", kNow - kMin, 1);
    put_at(store, "twikit_up", "stale_only", "exporter-a:9877", kNow - 30'000, storage::stale_marker());
    store.append(make_labels({{"__name__", "twikit_up"}, {"job", "twikit"}}), kNow, 1);
    // alertd's own `up` for two targets: one healthy, one failing three times in a row.
    for (int k = 10; k >= 0; --k) {
      store.append(make_labels({{"__name__", "up"}, {"job", "twikit"}, {"instance", "exporter-a:9877"}}),
                   kNow - k * 15'000, 1);
      store.append(make_labels({{"__name__", "up"}, {"job", "twikit"}, {"instance", "exporter-b:9877"}}),
                   kNow - k * 15'000, k < 3 ? 0 : 1);
    }
    return true;
  }();
  (void)filled;
  return store;
}

SnapshotInputs tricky_inputs() {
  SnapshotInputs in;
  in.store = &tricky_store();
  in.now = kNow;
  scrape::TargetStatus b = target("down", "connection refused");
  b.target.labels = make_labels({{"job", "twikit"}, {"instance", "exporter-b:9877"}});
  scrape::TargetStatus a = target("up");
  a.target.labels = make_labels({{"job", "twikit"}, {"instance", "exporter-a:9877"}});
  in.targets = {a, b};
  in.alerts = {alert("SessionsLow", "warning", rules::AlertState::firing),
               alert("ProxyDown", "critical", rules::AlertState::pending, "proxy_rotation")};
  in.components = {{"rule_evaluation", Health::healthy, ""}};
  return in;
}

std::string golden(const std::string& name) {
  std::ifstream f(std::string(TWIKIT_SOURCE_DIR) + "/tests/alertd/dashboard/golden/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the documents over duplicated exporters, ties, markers and resets are exactly the golden ones") {
  const Snapshot s = build_snapshot(tricky_inputs());
  CHECK(s.dashboard + "\n" == golden("tricky_dashboard.json"));
  CHECK(s.metrics + "\n" == golden("tricky_metrics.json"));
  CHECK(s.health + "\n" == golden("tricky_health.json"));
  CHECK(s.health_http_status == 503);
  if (const char* out = std::getenv("TWIKIT_WRITE_GOLDEN")) {
    for (const auto& [name, body] : {std::pair{"tricky_dashboard.json", &s.dashboard},
                                     std::pair{"tricky_metrics.json", &s.metrics},
                                     std::pair{"tricky_health.json", &s.health}}) {
      std::ofstream(std::string(out) + "/" + name) << *body << "\n";
    }
  }
}
