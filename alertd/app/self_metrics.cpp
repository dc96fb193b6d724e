#include "alertd/app/self_metrics.h"

#include <map>

#include "alertd/app/app.h"
#include "alertd/rules/alert_template.h"
#include "common/process_metrics.h"
#include "common/regex_metrics.h"
#include "common/web_server_metrics.h"

namespace twikit::app {
namespace {

using prometheus::MetricType;

// The process metrics come first, as Prometheus' own programs serve them; then `registry` is returned to
// declare alertd's families in it.
MetricsRegistry& after_process_metrics(MetricsRegistry& registry) {
  registry.add(process_metrics);
  return registry;
}

prometheus::Gauge& gauge(MetricsRegistry& registry, const char* name, const char* help) {
  return registry.gauge(name, help).Add({});
}

prometheus::Counter& counter(MetricsRegistry& registry, const char* name, const char* help) {
  return registry.counter(name, help).Add({});
}

}  // namespace

AppMetrics::AppMetrics(MetricsRegistry& registry)
    : last_reload_successful(gauge(after_process_metrics(registry), "alertd_config_last_reload_successful",
                                   "Whether the last configuration reload attempt was successful.")),
      last_reload_success_timestamp(gauge(registry, "alertd_config_last_reload_success_timestamp_seconds",
                                          "Timestamp of the last successful configuration reload.")),
      reloads(counter(registry, "alertd_config_reloads_total", "Configuration reloads attempted.")),
      reload_failures(counter(registry, "alertd_config_reload_failures_total",
                              "Configuration reloads that failed and kept the running configuration.")),
      evaluation_cycles(counter(registry, "alertd_rule_evaluation_cycles_total",
                                "Rule evaluation cycles that evaluated at least one group.")),
      evaluation_cycle_seconds(
          counter(registry, "alertd_rule_evaluation_cycle_seconds_total", "Time spent in rule evaluation cycles.")),
      evaluation_cycle_last_seconds(gauge(registry, "alertd_rule_evaluation_cycle_last_duration_seconds",
                                          "Duration of the last rule evaluation cycle.")),
      dashboard_rebuilds(counter(registry, "alertd_dashboard_rebuilds_total",
                                 "Rebuilds of the monitoring documents (after each evaluation cycle, and once per "
                                 "shortest scrape interval between cycles).")),
      dashboard_rebuild_seconds(counter(registry, "alertd_dashboard_rebuild_seconds_total",
                                        "Time spent rebuilding the monitoring documents.")),
      alerts_handed_over(counter(registry, "alertd_notifications_alerts_handed_over_total",
                                 "Firing and resolved alerts handed to the notification side.")),
      retention_series_dropped(
          counter(registry, "alertd_storage_retention_series_dropped_total", "Series removed by retention.")) {
  last_reload_successful.Set(1);
}

void App::add_metric_callbacks() {
  metrics_registry_.add([] {
    const rules::TemplateExpansionCounts expansions = rules::template_expansion_counts();
    return std::vector<prometheus::MetricFamily>{
        single_value("alertd_template_text_expansions_total", "Alert template expansions.", MetricType::Counter,
                     static_cast<double>(expansions.total)),
        single_value("alertd_template_text_expansion_failures_total",
                     "Alert template expansions that failed and gave \"<error expanding template: ...>\".",
                     MetricType::Counter, static_cast<double>(expansions.failures)),
    };
  });
  metrics_registry_.add([this] {
    return std::vector<prometheus::MetricFamily>{
        single_value("alertd_storage_series", "Series held in the in-memory store.", MetricType::Gauge,
                     static_cast<double>(store_.num_series())),
        single_value("alertd_storage_samples", "Samples held in the in-memory store (staleness markers included).",
                     MetricType::Gauge, static_cast<double>(store_.num_samples())),
    };
  });
  metrics_registry_.add([this] {
    std::vector<prometheus::MetricFamily> out;
    if (!rules_) return out;
    prometheus::MetricFamily group_duration = make_family(
        "alertd_rule_group_last_duration_seconds", "Duration of the last evaluation of the rule group.", MetricType::Gauge);
    prometheus::MetricFamily group_last = make_family("alertd_rule_group_last_evaluation_timestamp_seconds",
                                                      "When the rule group was last evaluated.", MetricType::Gauge);
    prometheus::MetricFamily group_rules = make_family("alertd_rule_group_rules", "Rules in the rule group.", MetricType::Gauge);
    prometheus::MetricFamily group_failures = make_family(
        "alertd_rule_evaluation_failures_total", "Rule evaluations that failed, by rule group.", MetricType::Counter);
    std::map<std::string, double> by_state{{"pending", 0}, {"firing", 0}};
    for (const auto& g : rules_->snapshot()) {
      const Labels labels = make_labels({{"rule_group", g.file + ";" + g.name}});
      add_value(group_duration, g.evaluation_seconds, labels);
      add_value(group_last, static_cast<double>(g.last_evaluation) / 1000.0, labels);
      add_value(group_rules, static_cast<double>(g.rules.size()), labels);
      add_value(group_failures, static_cast<double>(g.evaluation_failures), labels);
    }
    for (const auto& a : rules_->active_alerts()) by_state[rules::alert_state_name(a.state)] += 1;
    prometheus::MetricFamily alerts = make_family("alertd_rule_alerts", "Pending and firing alerts, by state.", MetricType::Gauge);
    for (const auto& [state, n] : by_state) add_value(alerts, n, {{"state", state}});
    out = {std::move(group_duration), std::move(group_last), std::move(group_rules), std::move(group_failures),
           std::move(alerts)};
    return out;
  });
  metrics_registry_.add([] { return regex_cache_families(regex_cache_stats(), "alertd"); });
  metrics_registry_.add([this] {
    return server_ ? web_server_families(server_->stats(), "alertd") : std::vector<prometheus::MetricFamily>{};
  });
}

std::string App::metrics_text(ExpositionFormat format) const {
  std::vector<MetricFamily> families = metrics_registry_.collect();
  // The parts that report their own families, in the writer's form.
  if (scrape_) scrape_->collect(families);
  if (history_) history_->collect(families);
  if (live_) live_->collect(families);
  if (hub_) hub_->collect(families);
  std::string out;
  write_exposition(out, families, format);
  return out;
}

}  // namespace twikit::app
