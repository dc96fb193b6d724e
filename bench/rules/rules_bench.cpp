// Measures alertd's rule layer: (1) evaluating the shipped Twikit rules over many instances, and
// (2) `alertd test rules` on the shipped unit tests against `promtool test rules` in the same run.
//
// Usage: bench_rules [instances-per-service=200] [rounds=20]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "alertd/promql/engine.h"
#include "alertd/rules/commands.h"
#include "alertd/rules/manager.h"

using namespace twikit;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> yml_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Fills the store with one hour of 15 s samples for every KPI series of `instances` instances.
std::size_t fill(storage::SeriesStore& store, int instances, TimestampMs end) {
  const std::vector<std::pair<std::string, std::string>> gauges = {
      {"twikit_up", "proxy_rotation"},
      {"twikit_service_healthy", "session_manager"},
      {"twikit_session_success_ratio", "session_manager"},
      {"twikit_proxy_health_score_average", "proxy_rotation"},
      {"twikit_rate_limit_utilization_ratio", "rate_limit"},
      {"twikit_anti_detection_score", "anti_detection"},
      {"twikit_accounts", "account_health"},
      {"twikit_accounts_suspended", "account_health"},
      {"twikit_accounts_at_risk", "account_health"},
      {"twikit_emergency_stop_active", "emergency_stop"},
      {"twikit_connection_pool_utilization_ratio", "connection_pool"},
      {"twikit_connection_pool_waiting", "connection_pool"},
      {"twikit_campaign_success_ratio", "campaign_orchestrator"}};
  const std::vector<std::pair<std::string, std::string>> counters = {
      {"twikit_requests_total", "session_manager"},       {"twikit_errors_total", "session_manager"},
      {"twikit_content_checked_total", "content_safety"}, {"twikit_content_blocked_total", "content_safety"},
      {"twikit_rate_limit_requests_total", "rate_limit"}, {"twikit_rate_limit_blocked_requests_total", "rate_limit"},
      {"twikit_retry_exhausted_total", "retry_engine"},   {"twikit_campaigns_failed_total", "campaign_orchestrator"}};
  std::size_t series = 0;
  for (int i = 0; i < instances; ++i) {
    const std::string instance = "exporter-" + std::to_string(i) + ":9877";
    auto add = [&](const std::string& name, const std::string& service, bool counter, double base) {
      const Labels l =
          make_labels({{"__name__", name}, {"service", service}, {"instance", instance}, {"job", "twikit"}});
      const auto ref = store.get_or_create(l);
      for (int k = 240; k >= 0; --k) {
        const double v = counter ? base * (240 - k) : base;
        store.append(ref, end - k * 15'000, v);
      }
      ++series;
    };
    // Every tenth instance is unhealthy so that alerts fire.
    const bool bad = i % 10 == 0;
    for (const auto& [name, service] : gauges) add(name, service, false, bad ? 0.0 : 0.97);
    for (const auto& [name, service] : counters) add(name, service, true, bad ? 7 : 3);
  }
  return series;
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 200;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 20;
  const std::string source = TWIKIT_SOURCE_DIR;

  storage::SeriesStore store;
  const promql::Engine engine;
  rules::RuleManager manager(store, engine);
  const TimestampMs end = 1'700'000'000'000;
  const std::size_t series = fill(store, instances, end);
  const auto errors = manager.load({source + "/rules/*.yml"}, end);
  if (!errors.empty()) {
    std::cerr << errors[0].to_string() << "\n";
    return 1;
  }
  std::size_t rules = 0;
  for (const auto& g : manager.snapshot()) rules += g.rules.size();

  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) manager.evaluate_all(end + r * 15'000);
  const double per_round = seconds_since(start) / rounds;
  std::printf("shipped rules: %zu rules over %zu input series (%d instances/service)\n", rules, series, instances);
  std::printf("  evaluation of all groups: %.2f ms per round (mean of %d), %zu active alerts\n", per_round * 1e3,
              rounds, manager.active_alerts().size());

  const auto tests = yml_files(source + "/rules/tests");
  std::ostringstream out;
  std::ostringstream err;
  const auto t0 = std::chrono::steady_clock::now();
  const int code = rules::test_rules_command(tests, out, err);
  const double ours = seconds_since(t0);
  std::string cmd = "promtool test rules";
  for (const auto& t : tests) cmd += " '" + t + "'";
  cmd += " > /dev/null 2>&1";
  const auto t1 = std::chrono::steady_clock::now();
  const int peer_code = std::system(cmd.c_str());
  const double peer = seconds_since(t1);
  std::printf(
      "test rules on rules/tests/*.yml: alertd (in-process) %.1f ms exit %d, promtool %.1f ms exit %d, "
      "ratio promtool/alertd %.1fx\n",
      ours * 1e3, code, peer * 1e3, peer_code, peer / ours);
  return 0;
}
