#include "exporter/self_metrics.h"

#include "common/process_metrics.h"

namespace twikit::exporter {

namespace {

// Declares twikit_exporter_build_info first in `registry`, as Prometheus' own exporters serve it: 1, labelled by version.
MetricsRegistry& with_build_info(MetricsRegistry& registry) {
  registry
      .gauge("twikit_exporter_build_info",
             "A metric with a constant '1' value labeled by version from which twikit-exporter was built.")
      .Add({{"version", TWIKIT_VERSION}})
      .Set(1);
  return registry;
}

}  // namespace

SelfMetrics::SelfMetrics()
    : last_reload_successful_(
          with_build_info(registry_)
              .gauge("twikit_exporter_config_last_reload_successful",
                     "Whether the last configuration reload attempt was successful.")
              .Add({})),
      last_reload_success_timestamp_(registry_
                                         .gauge("twikit_exporter_config_last_reload_success_timestamp_seconds",
                                                "Timestamp of the last successful configuration reload.")
                                         .Add({})),
      scrapes_served_(registry_.counter("twikit_exporter_scrapes_total", "Requests served on /metrics.").Add({})) {
  last_reload_successful_.Set(1);
  read_at_scrape_.add(process_metrics);
}

void SelfMetrics::reload_succeeded(double timestamp_seconds) {
  last_reload_successful_.Set(1);
  last_reload_success_timestamp_.Set(timestamp_seconds);
}

void SelfMetrics::reload_failed() { last_reload_successful_.Set(0); }

void SelfMetrics::scrape_served() { scrapes_served_.Increment(); }

void SelfMetrics::add(CallbackCollectable::Function function) { read_at_scrape_.add(std::move(function)); }

std::vector<MetricFamily> SelfMetrics::families(const Snapshot* snapshot) const {
  std::vector<MetricFamily> out = registry_.collect();
  if (snapshot != nullptr) {
    // The figures of the collection this response serves, which a concurrent request may not share.
    const prometheus::MetricType gauge = prometheus::MetricType::Gauge;
    const prometheus::MetricFamily collection[] = {
        single_value("twikit_exporter_collection_duration_seconds", "How long the last collection of all targets took.",
                     gauge, snapshot->duration_seconds),
        single_value("twikit_exporter_last_collection_timestamp_seconds",
                     "Unix time at which the served values were collected.", gauge,
                     static_cast<double>(snapshot->collected_at_ms) / 1000.0),
        single_value("twikit_exporter_series", "Service series in the last collection.", gauge,
                     static_cast<double>(snapshot->series)),
        single_value("twikit_exporter_duplicate_series_dropped_total",
                     "Series dropped because service data repeated a label set.", prometheus::MetricType::Counter,
                     static_cast<double>(snapshot->duplicates_dropped)),
    };
    for (const auto& f : collection) out.push_back(to_metric_family(f));
  }
  read_at_scrape_.collect_into(out);
  return out;
}

}  // namespace twikit::exporter
