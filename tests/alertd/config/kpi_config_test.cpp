// The KPI table: the embedded default, lookups both ways, and the `kpis:` section of alertd.yaml.
#include <catch2/catch.hpp>

#include "alertd/config/config.h"
#include "common/yaml_errors.h"

using twikit::config::KpiAggregation;
using twikit::config::KpiKind;

namespace {

twikit::config::AlertdConfig load(const std::string& yaml) {
  twikit::config::LoadOptions options;
  options.allow_empty = true;
  return twikit::config::load_config_string(
      yaml, "alertd.yaml", "/nonexistent", [](const std::string&) -> std::optional<std::string> { return std::nullopt; },
      options);
}

std::string error_of(const std::string& yaml) {
  try {
    load(yaml);
  } catch (const twikit::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the default KPI table maps every seed key to its metric and back") {
  const auto& table = twikit::config::default_kpi_table();
  CHECK(table.rows().size() == 45);
  const auto* rate = table.by_key("sessions.successRate");
  REQUIRE(rate != nullptr);
  CHECK(rate->metric == "twikit_session_success_ratio");
  CHECK(rate->scale == 100);
  CHECK(rate->unit == "percent");
  CHECK(rate->platform == KpiAggregation::avg);
  CHECK(rate->group() == "sessions");
  CHECK(rate->field() == "successRate");
  CHECK(table.by_metric("twikit_proxy_response_time_seconds_average")->key == "proxies.averageResponseTime");
  CHECK(table.by_metric("twikit_proxy_response_time_seconds_average")->scale == 1000);
  CHECK(table.by_metric("twikit_rate_limit_utilization_ratio")->key == "rateLimiting.utilizationPercentage");
  CHECK(table.by_key("antiDetection.riskLevel")->kind == KpiKind::state_set);
  CHECK(table.by_key("antiDetection.riskLevel")->state_label == "level");
  CHECK(table.by_key("retry.attemptsTotal")->kind == KpiKind::counter);
  CHECK(table.by_key("sessions.nothing") == nullptr);
  CHECK(table.by_metric("twikit_up") == nullptr);
  CHECK(table.groups() == std::vector<std::string>{"sessions", "proxies", "rateLimiting", "antiDetection",
                                                   "accountHealth", "emergency", "contentSafety", "connectionPool",
                                                   "retry", "campaigns"});
}

TEST_CASE("a config without a kpis section uses the embedded table") {
  const auto cfg = load("web: {listen_address: '127.0.0.1:0'}\n");
  CHECK(cfg.kpis.rows().size() == twikit::config::default_kpi_table().rows().size());
  CHECK(cfg.kpis.by_key("proxies.averageHealthScore")->metric == "twikit_proxy_health_score_average");
}

TEST_CASE("the kpis section overrides fields of a default row, appends new rows and removes null ones") {
  const auto cfg = load(
      "kpis:\n"
      "  sessions.successRate: {metric: my_session_success_ratio}\n"
      "  queue.depth: {metric: twikit_queue_depth, unit: count, platform: max}\n"
      "  queue.processedTotal: {metric: twikit_queue_processed_total}\n"
      "  sessions.failedTotal: null\n");
  const auto& t = cfg.kpis;
  CHECK(t.by_key("sessions.successRate")->metric == "my_session_success_ratio");
  CHECK(t.by_key("sessions.successRate")->scale == 100);  // other fields kept
  CHECK(t.by_metric("twikit_session_success_ratio") == nullptr);
  CHECK(t.by_metric("my_session_success_ratio")->key == "sessions.successRate");
  CHECK(t.by_key("queue.depth")->kind == KpiKind::gauge);
  CHECK(t.by_key("queue.depth")->platform == KpiAggregation::max);
  CHECK(t.by_key("queue.processedTotal")->kind == KpiKind::counter);
  CHECK(t.by_key("queue.processedTotal")->platform == KpiAggregation::sum);
  CHECK(t.by_key("sessions.failedTotal") == nullptr);
  REQUIRE(t.rows().size() == 46);
  CHECK(t.rows().back().key == "queue.processedTotal");
  REQUIRE_FALSE(t.groups().empty());
  CHECK(t.groups().back() == "queue");
}

TEST_CASE("errors in the kpis section carry file:line:col") {
  CHECK(error_of("kpis: [a]\n") == "alertd.yaml:1:7: expected a mapping of KPI keys for kpis");
  CHECK(error_of("kpis:\n  sessions: {metric: x}\n") ==
        "alertd.yaml:2:3: invalid KPI key \"sessions\": expected <group>.<field>, e.g. sessions.total");
  CHECK(error_of("kpis:\n  queue.depth: {unit: count}\n") ==
        "alertd.yaml:2:16: KPI \"queue.depth\" is not in the default table: metric is required");
  CHECK(error_of("kpis:\n  sessions.total: {metric: 'bad name'}\n") ==
        "alertd.yaml:2:28: invalid metric name \"bad name\"");
  CHECK(error_of("kpis:\n  sessions.total: {kind: histogram}\n") ==
        "alertd.yaml:2:26: unknown KPI kind \"histogram\": expected gauge, counter or state_set");
  CHECK(error_of("kpis:\n  sessions.total: {platform: median}\n") ==
        "alertd.yaml:2:30: unknown platform aggregation \"median\": expected sum, avg, max or none");
  CHECK(error_of("kpis:\n  sessions.total: {scale: 0}\n") ==
        "alertd.yaml:2:27: scale must be a finite number other than 0");
  CHECK(error_of("kpis:\n  sessions.total: {scale: lots}\n") == "alertd.yaml:2:27: expected a number, got 'lots'");
  CHECK(error_of("kpis:\n  sessions.total: {colour: red}\n") == "alertd.yaml:2:20: field colour not found in type");
  CHECK(error_of("kpis:\n  queue.state: {metric: twikit_queue_state, kind: state_set}\n") ==
        "alertd.yaml:2:16: KPI \"queue.state\" is a state_set: state_label is required");
  CHECK(error_of("kpis:\n  sessions.total: {state_label: level}\n") ==
        "alertd.yaml:2:33: KPI \"sessions.total\": state_label is only for kind state_set");
  CHECK(error_of("kpis:\n  queue.size: {metric: twikit_sessions}\n") ==
        "alertd.yaml:2:24: metric \"twikit_sessions\" is already read by KPI \"sessions.total\"; each metric maps to "
        "one KPI");
  CHECK(error_of("kpis:\n  queue.size: null\n") ==
        "alertd.yaml:2:3: KPI \"queue.size\" cannot be removed: it is not in the table");
  CHECK(error_of("kpis:\n  queue.size: 3\n") == "alertd.yaml:2:15: expected a mapping for KPI \"queue.size\"");
}
