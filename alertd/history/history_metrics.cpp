#include "alertd/history/history_metrics.h"

namespace twikit::history {
namespace {

using prometheus::MetricType;

prometheus::MetricFamily single(const char* name, const char* help, MetricType type, double value) {
  return single_value(name, help, type, value);
}

double as_double(std::uint64_t v) { return static_cast<double>(v); }

}  // namespace

std::vector<prometheus::MetricFamily> history_families(const HistoryStore& store) {
  std::vector<prometheus::MetricFamily> out;
  const HistoryStats s = store.stats();
  const HistoryOptions& o = store.options();
  out.push_back(single("alertd_history_disk_bytes", "Bytes the history tier occupies on disk (database and write-ahead log).",
                       MetricType::Gauge, as_double(store.disk_bytes())));
  out.push_back(single("alertd_history_series", "Series the history tier records.", MetricType::Gauge, as_double(s.series)));
  out.push_back(single("alertd_history_series_limit", "storage.history.max_series: series beyond it are not recorded (0: no limit).",
                       MetricType::Gauge, as_double(o.max_series)));
  out.push_back(single("alertd_history_samples_appended_total", "Samples accepted into the history tier.",
                       MetricType::Counter, as_double(s.samples_appended)));
  out.push_back(single("alertd_history_samples_flushed_total", "Accepted samples made durable by a completed flush.",
                       MetricType::Counter, as_double(s.samples_flushed)));
  prometheus::MetricFamily dropped = make_family("alertd_history_samples_dropped_total",
                       "Samples the history tier did not keep, by reason: out_of_order (not after the series' last "
                       "sample), series_limit (a new series beyond max_series), write_backlog (the disk fell behind "
                       "or failed and the backlog passed its cap).",
                       MetricType::Counter);
  const std::pair<const char*, std::uint64_t> reasons[] = {
      {"out_of_order", s.samples_out_of_order}, {"series_limit", s.samples_series_limit}, {"write_backlog", s.samples_dropped}};
  for (const auto& [reason, n] : reasons) add_value(dropped, as_double(n), {{"reason", reason}});
  out.push_back(std::move(dropped));
  out.push_back(single("alertd_history_flushes_total", "Completed flushes (one fsynced transaction each).", MetricType::Counter,
                       as_double(s.flushes)));
  out.push_back(single("alertd_history_flush_failures_total", "Flushes that failed and were rolled back (their data is retried).",
                       MetricType::Counter, as_double(s.flush_failures)));
  out.push_back(single("alertd_history_flush_seconds_total", "Time spent in flushes.", MetricType::Counter, s.flush_seconds_total));
  out.push_back(single("alertd_history_last_flush_duration_seconds", "Duration of the last flush.", MetricType::Gauge,
                       s.last_flush_seconds));
  prometheus::MetricFamily deleted =
      make_family("alertd_history_retention_chunks_deleted_total", "Chunks deleted by retention, by tier.", MetricType::Counter);
  add_value(deleted, as_double(s.raw_chunks_deleted), {{"tier", "raw"}});
  add_value(deleted, as_double(s.aggregate_chunks_deleted), {{"tier", "aggregate"}});
  out.push_back(std::move(deleted));
  out.push_back(single("alertd_history_corrupted_chunks_total", "Chunks skipped on read because they failed to decode.",
                       MetricType::Counter, as_double(s.corrupted_chunks + s.corrupted_reads)));
  return out;
}

void collect(const HistoryStore& store, std::vector<MetricFamily>& out) {
  for (const auto& f : history_families(store)) out.push_back(to_metric_family(f));
}

}  // namespace twikit::history
