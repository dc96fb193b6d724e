#include "exporter/self_metrics.h"

#include "common/process_metrics.h"

namespace twikit::exporter {
namespace {

MetricFamily one(const char* name, const char* help, MetricType type, double value, Labels labels = {}) {
  return MetricFamily{name, help, type, {MetricSample{std::move(labels), value, {}, {}}}};
}

}  // namespace

std::vector<MetricFamily> self_metrics(const Snapshot* snapshot, const SelfCounters& counters) {
  std::vector<MetricFamily> out;
  out.push_back(one("twikit_exporter_build_info",
                    "A metric with a constant '1' value labeled by version from which twikit-exporter was built.",
                    MetricType::gauge, 1, {{"version", TWIKIT_VERSION}}));
  out.push_back(one("twikit_exporter_config_last_reload_successful",
                    "Whether the last configuration reload attempt was successful.", MetricType::gauge,
                    counters.last_reload_successful ? 1 : 0));
  out.push_back(one("twikit_exporter_config_last_reload_success_timestamp_seconds",
                    "Timestamp of the last successful configuration reload.", MetricType::gauge,
                    counters.last_reload_success_timestamp));
  out.push_back(one("twikit_exporter_scrapes_total", "Requests served on /metrics.", MetricType::counter,
                    static_cast<double>(counters.scrapes_served)));
  if (snapshot != nullptr) {
    out.push_back(one("twikit_exporter_collection_duration_seconds",
                      "How long the last collection of all targets took.", MetricType::gauge,
                      snapshot->duration_seconds));
    out.push_back(one("twikit_exporter_last_collection_timestamp_seconds",
                      "Unix time at which the served values were collected.", MetricType::gauge,
                      static_cast<double>(snapshot->collected_at_ms) / 1000.0));
    out.push_back(one("twikit_exporter_series", "Service series in the last collection.", MetricType::gauge,
                      static_cast<double>(snapshot->series)));
    out.push_back(one("twikit_exporter_duplicate_series_dropped_total",
                      "Series dropped because service data repeated a label set.", MetricType::counter,
                      static_cast<double>(snapshot->duplicates_dropped)));
  }
  for (auto& f : process_metrics()) out.push_back(std::move(f));
  return out;
}

}  // namespace twikit::exporter
