#pragma once
// One aggregation bucket (min, max, sum, count, last) and the arithmetic that builds and merges them.

#include <cmath>
#include <cstdint>

#include "common/clock.h"

namespace twikit::history {

/// The summary of a series' samples in [start, start + interval): enough to answer avg, min, max, sum,
/// count and last over any multiple of the interval. Staleness markers are not samples here (PromQL's
/// *_over_time functions skip them too); NaN values count, but min and max skip a NaN as Prometheus'
/// min_over_time/max_over_time do unless every value is NaN.
struct Aggregate {
  TimestampMs start = 0;  ///< The bucket's start, a multiple of the interval.
  double min = NAN;       ///< The smallest value.
  double max = NAN;       ///< The largest value.
  double sum = 0;         ///< The sum of the values.
  double count = 0;       ///< How many samples (a float so that it shares the chunk's XOR encoding).
  double last = NAN;      ///< The value of the latest sample.
  TimestampMs last_t = 0; ///< When `last` was observed (for merging; not stored).

  /// Adds one sample at `t` (not a staleness marker).
  void add(TimestampMs t, double v);
  /// Folds `other`, a summary of the same or an adjacent window, into this one.
  void merge(const Aggregate& other);
};

/// The start of the bucket of width `interval_ms` holding `t` (floor division, also for negative `t`).
TimestampMs bucket_start(TimestampMs t, std::int64_t interval_ms);

}  // namespace twikit::history
