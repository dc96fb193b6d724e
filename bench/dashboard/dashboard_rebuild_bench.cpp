// Measures one rebuild of the monitoring documents (dashboard::build_snapshot, what App::update_live does
// after every evaluation cycle) over a store shaped like bench/scale/series_gen.py's targets: 10 services
// x 20 workers x 50 series per target, `instance` telling targets apart, five minutes of 15 s samples.
// Prints the median and minimum time of a rebuild and a hash of the three documents, so that a change
// can show the same answers for less time.
//
// Usage: bench_dashboard_rebuild [series=100000] [rounds=10]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "alertd/dashboard/dashboard_snapshots.h"

using namespace twikit;

namespace {

struct Family {
  const char* name;
  std::vector<Labels> extra;  // one series per entry
  double base;
  bool counter;
};

std::vector<Family> families() {
  const std::vector<Labels> one(1);  // one series without extra labels
  std::vector<Labels> deps, proxies, risk, circuit;
  for (const char* d : {"postgres", "redis", "kafka"}) deps.push_back({{"dependency", d}});
  proxies = {{{"proxy", "p1"}, {"region", "eu-west"}}, {{"proxy", "p2"}, {"region", "us-east"}}};
  for (const char* l : {"critical", "high", "low", "medium"}) risk.push_back({{"level", l}});
  circuit = {{{"circuit", "api"}, {"state", "closed"}}, {{"circuit", "api"}, {"state", "open"}}};
  return {{"twikit_up", one, 1, false},
          {"twikit_scrape_duration_seconds", one, 0.05, false},
          {"twikit_last_success_timestamp_seconds", one, 1.7e9, false},
          {"twikit_service_healthy", one, 1, false},
          {"twikit_service_info", {{{"version", "1.4.2"}}}, 1, false},
          {"twikit_service_uptime_seconds", one, 8000, false},
          {"twikit_requests_total", one, 120000, true},
          {"twikit_errors_total", one, 200, true},
          {"twikit_response_time_seconds", one, 0.05, false},
          {"twikit_dependency_up", deps, 1, false},
          {"twikit_dependency_latency_seconds", deps, 0.005, false},
          {"twikit_sessions", one, 1000, false},
          {"twikit_sessions_active", one, 600, false},
          {"twikit_sessions_healthy", one, 580, false},
          {"twikit_session_success_ratio", one, 0.97, false},
          {"twikit_proxies", one, 200, false},
          {"twikit_proxies_healthy", one, 180, false},
          {"twikit_proxy_health_score_average", one, 90, false},
          {"twikit_proxy_response_time_seconds_average", one, 0.2, false},
          {"twikit_proxy_health_score", proxies, 85, false},
          {"twikit_proxy_failures_total", proxies, 40, true},
          {"twikit_rate_limit_requests_total", one, 50000, true},
          {"twikit_rate_limit_allowed_requests_total", one, 49000, true},
          {"twikit_rate_limit_blocked_requests_total", one, 1000, true},
          {"twikit_rate_limit_utilization_ratio", one, 0.5, false},
          {"twikit_anti_detection_score", one, 85, false},
          {"twikit_anti_detection_risk_level", risk, 0, false},
          {"twikit_accounts", one, 1000, false},
          {"twikit_accounts_healthy", one, 970, false},
          {"twikit_accounts_suspended", one, 10, false},
          {"twikit_emergency_stop_active", one, 0, false},
          {"twikit_content_checked_total", one, 80000, true},
          {"twikit_content_blocked_total", one, 300, true},
          {"twikit_connection_pool_size", one, 50, false},
          {"twikit_connection_pool_utilization_ratio", one, 0.5, false},
          {"twikit_connection_pool_waiting", one, 0, false},
          {"twikit_retry_attempts_total", one, 3000, true},
          {"twikit_retry_exhausted_total", one, 10, true},
          {"twikit_circuit_breaker_state", circuit, 1, false},
          {"twikit_campaign_success_ratio", one, 0.95, false}};
}

// Fills `store` with `targets` targets' series; each target scrapes 7 ms after the one before.
std::size_t fill(storage::SeriesStore& store, int targets, TimestampMs now) {
  const char* const services[] = {"session_manager", "proxy_rotation", "rate_limit",      "anti_detection",
                                  "account_health",  "emergency_stop", "content_safety",  "connection_pool",
                                  "retry_engine",    "campaign_orchestrator"};
  std::size_t series = 0;
  const auto all = families();
  for (int t = 0; t < targets; ++t) {
    const std::string instance = "127.0.0.1:" + std::to_string(20000 + t);
    for (const char* service : services) {
      for (int w = 0; w < 20; ++w) {
        char worker[8];
        std::snprintf(worker, sizeof worker, "w%02d", w);
        for (const auto& f : all) {
          for (const auto& extra : f.extra) {
            std::vector<Label> l(extra.begin(), extra.end());
            l.emplace_back("__name__", f.name);
            l.emplace_back("instance", instance);
            l.emplace_back("job", "twikit");
            l.emplace_back("service", service);
            l.emplace_back("worker", worker);
            const Labels labels = make_labels(std::move(l));
            for (int i = 19; i >= 0; --i) {
              const double step = f.counter ? (19 - i) * 3.0 : (i % 3) * 0.01 * f.base;
              store.append(labels, now - 7 * t - i * 15'000, f.base + step);
            }
            ++series;
          }
        }
      }
    }
  }
  return series;
}

}  // namespace

int main(int argc, char** argv) {
  const long wanted = argc > 1 ? std::atol(argv[1]) : 100000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 10;
  const TimestampMs now = 1'700'000'000'000;
  storage::SeriesStore store;
  const std::size_t series = fill(store, static_cast<int>(std::max(1L, wanted / 10000)), now);

  dashboard::SnapshotInputs in;
  in.store = &store;
  in.now = now;
  std::vector<double> ms;
  std::size_t digest = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const dashboard::Snapshot s = dashboard::build_snapshot(in);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    digest = std::hash<std::string>{}(s.dashboard + s.metrics + s.health);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("series=%zu rounds=%d rebuild_ms_median=%.1f rebuild_ms_min=%.1f documents_hash=%016zx\n", series,
              rounds, ms[ms.size() / 2], ms.front(), digest);
  return 0;
}
