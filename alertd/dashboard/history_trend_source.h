#pragma once
// Trends that reach past the in-memory window: the days before it come from the history's aggregates
// (alertd's history file, or the Prometheus backend), the rest from the in-memory store, so the 24-hour
// change and the sparkline survive a restart.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "alertd/dashboard/trend_source.h"
#include "alertd/history/historical_source.h"

namespace twikit::dashboard {

/// A TrendSource over the in-memory store from `memory_start` on and the history's aggregation buckets
/// (their `last` values) before it. A step before `memory_start` takes the value of the newest bucket that ended at or
/// before the step and ended within PromQL's 5-minute lookback of it (a bucket is the finest granularity
/// the history keeps for days, and reading it costs one bucket per step instead of every raw sample).
/// The buckets read for a metric and service are kept and read again only once an aggregation interval
/// has passed (they lie before the memory window, so only the newest can still change): a dashboard
/// rebuild every few seconds costs no disk reads. Thread-safe.
class HistoryTrendSource final : public TrendSource {
 public:
  /// Reads `memory` and `history` (both must outlive this object); `memory_start` says where the memory
  /// window begins at the time of a call; `aggregate_interval_ms` is the history's bucket width.
  HistoryTrendSource(const storage::Queryable& memory, const history::HistoricalSource& history,
                     std::function<TimestampMs()> memory_start, std::int64_t aggregate_interval_ms)
      : memory_(memory), history_(history), memory_start_(std::move(memory_start)), interval_ms_(aggregate_interval_ms) {}

  /// See TrendSource::points(). A history read that fails is logged and leaves those steps out.
  std::vector<TrendPoint> points(const std::string& metric, const std::string& service, TimestampMs from,
                                 TimestampMs to, std::int64_t step_ms) const override;
  /// How many times the history was read (for tests of the cache).
  std::size_t history_reads() const;

 private:
  struct Cached {
    TimestampMs read_at = 0;                   // `to` of the call that read them
    TimestampMs start = 0;                     // the range read
    TimestampMs end = 0;
    std::vector<storage::Sample> buckets;      // (start, last) of the series with the newest bucket
  };
  std::vector<storage::Sample> buckets(const std::string& metric, const std::string& service, TimestampMs start,
                                          TimestampMs end, TimestampMs now) const;

  const storage::Queryable& memory_;
  const history::HistoricalSource& history_;
  std::function<TimestampMs()> memory_start_;
  std::int64_t interval_ms_;
  mutable std::mutex mu_;
  mutable std::map<std::pair<std::string, std::string>, Cached> cache_;
  mutable std::size_t reads_ = 0;
};

}  // namespace twikit::dashboard
