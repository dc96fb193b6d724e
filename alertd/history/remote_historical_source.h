#pragma once
// The historical source of storage.history.backend: prometheus — a Prometheus-compatible HTTP API, with
// alertd's in-memory window for the newest raw samples.

#include <functional>

#include "alertd/history/historical_source.h"
#include "alertd/history/prometheus_queryable.h"

namespace twikit::history {

/// A HistoricalSource over a Prometheus-compatible API. Raw samples: the remote before the in-memory window,
/// alertd's memory from it on (TwoTierQueryable, as /api/v1/query_range reads them). Buckets: all from the
/// remote, one `<aggregation>_over_time` range query per request (see PrometheusQueryable::over_time): the
/// remote aggregates next to its data and sends one value per bucket, never the raw samples, and its scrapes
/// of the same targets cover the in-memory window too. Holds references: `remote`, `memory` and `clock` must
/// outlive it. Thread-safe as far as the remote's HttpClient is.
class RemoteHistoricalSource final : public HistoricalSource {
 public:
  /// `memory_start` says where the in-memory window begins at the time of a call; buckets are multiples
  /// of `aggregation_interval_ms` (storage.history.aggregate_interval).
  RemoteHistoricalSource(const PrometheusQueryable& remote, const storage::Queryable& memory, const Clock& clock,
                         std::function<TimestampMs()> memory_start, std::int64_t aggregation_interval_ms)
      : remote_(remote), memory_(memory), clock_(clock), memory_start_(std::move(memory_start)),
        interval_ms_(aggregation_interval_ms) {}

  TimestampMs now() const override { return clock_.now_ms(); }
  std::int64_t aggregation_interval_ms() const override { return interval_ms_; }
  /// In the in-memory window, or known to the remote.
  bool has_metric(const std::string& metric) const override;
  std::vector<storage::SeriesSamples> raw(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from,
                                          TimestampMs to, std::size_t max_per_series) const override;
  std::vector<SeriesPoints> buckets(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from, TimestampMs to,
                                    std::int64_t step_ms, Aggregation aggregation) const override;
  /// None: the remote's retention is its own and unknown here.
  std::vector<std::string> warnings(TimestampMs, bool) const override { return {}; }

 private:
  const PrometheusQueryable& remote_;
  const storage::Queryable& memory_;
  const Clock& clock_;
  std::function<TimestampMs()> memory_start_;
  std::int64_t interval_ms_;
};

/// PromQL's name for `aggregation` over a range ("avg_over_time", …).
const char* over_time_function(Aggregation aggregation);

}  // namespace twikit::history
