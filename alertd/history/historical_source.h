#pragma once
// What GET /api/monitoring/historical/:metric and the dashboard's trends read: raw samples and per-bucket
// aggregations of a metric's history, whichever backend keeps it (alertd's own history file, or a
// Prometheus-compatible HTTP API).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "alertd/storage/series_store.h"
#include "common/clock.h"
#include "common/labels.h"

namespace twikit::history {

/// One value per bucket: the aggregation of the samples a bucket holds.
enum class Aggregation { avg, min, max, sum, count, last };

/// One series' buckets: (bucket start, aggregated value) in time order, only buckets that hold a sample.
struct SeriesPoints {
  Labels labels;                       ///< The series' labels.
  std::vector<storage::Sample> points; ///< t = the bucket's start (a multiple of the bucket width).
};

/// A raw read that would return more samples than its caller allowed.
class TooManySamplesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A metric's history as the historical API and the trends read it. Implementations are thread-safe.
/// A backend that cannot answer throws RemoteHistoryError (prometheus_queryable.h).
class HistoricalSource {
 public:
  virtual ~HistoricalSource() = default;
  /// Now, by the clock retention is measured with.
  virtual TimestampMs now() const = 0;
  /// The width of one aggregation bucket: bucket widths asked for are positive multiples of it.
  virtual std::int64_t aggregation_interval_ms() const = 0;
  /// Whether the history holds (or held) a series named `metric`.
  virtual bool has_metric(const std::string& metric) const = 0;
  /// The raw samples in [from, to] (staleness markers included) of every series matching `matchers`, one
  /// SeriesSamples per label set; throws TooManySamplesError when a series would hold more than
  /// `max_per_series` samples (it may also do so when all series together would hold more than
  /// `max_per_series` times their number).
  virtual std::vector<storage::SeriesSamples> raw(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from,
                                                  TimestampMs to, std::size_t max_per_series) const = 0;
  /// Buckets of `step_ms` (a positive multiple of aggregation_interval_ms()) aligned to the epoch, whose
  /// start lies in [bucket_start(from), to], of every matching series, sorted by labels; a bucket covers
  /// [start, start + step_ms) and holds `aggregation` of its samples (staleness markers are not samples).
  virtual std::vector<SeriesPoints> buckets(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from,
                                            TimestampMs to, std::int64_t step_ms, Aggregation aggregation) const = 0;
  /// The warnings an answer over [from, …] carries when it reaches past what the backend keeps; `raw` says
  /// whether the answer is raw samples or buckets.
  virtual std::vector<std::string> warnings(TimestampMs from, bool raw) const = 0;
};

}  // namespace twikit::history
