#pragma once
// The historical source of the embedded backend (storage.history.backend: local): alertd's in-memory
// window and its history file.

#include <functional>

#include "alertd/history/historical_source.h"
#include "alertd/history/history_store.h"

namespace twikit::history {

/// The value of `aggregation` over the samples `a` summarises.
double aggregate_value(const Aggregate& a, Aggregation aggregation);

/// A HistoricalSource over alertd's own history file: raw samples from the in-memory window and the raw
/// chunks (never aggregates standing in for deleted raw data), buckets from the stored aggregates (as of the
/// last flush). Holds references: `store`, `memory` and `clock` must outlive it. Thread-safe.
class StoreHistoricalSource final : public HistoricalSource {
 public:
  /// Reads `memory` from `memory_start` (where the in-memory window begins at the time of a call) on and
  /// `store` before it; `clock` measures retention.
  StoreHistoricalSource(HistoryStore& store, const storage::Queryable& memory, const Clock& clock,
                        std::function<TimestampMs()> memory_start)
      : store_(store), memory_(memory), clock_(clock), memory_start_(std::move(memory_start)) {}

  TimestampMs now() const override { return clock_.now_ms(); }
  std::int64_t aggregation_interval_ms() const override { return store_.options().aggregation_interval_ms; }
  bool has_metric(const std::string& metric) const override;
  std::vector<storage::SeriesSamples> raw(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from,
                                          TimestampMs to, std::size_t max_per_series) const override;
  std::vector<SeriesPoints> buckets(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from, TimestampMs to,
                                    std::int64_t step_ms, Aggregation aggregation) const override;
  /// Raw samples before now - raw_retention, aggregates before now - aggregated_retention.
  std::vector<std::string> warnings(TimestampMs from, bool raw) const override;

 private:
  HistoryStore& store_;
  const storage::Queryable& memory_;
  const Clock& clock_;
  std::function<TimestampMs()> memory_start_;
};

}  // namespace twikit::history
