#pragma once
// The history benchmarks' data: series whose values move like twikit-sim's, their labels, and the same
// samples written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit::bench {

/// The scrape interval of the generated data.
inline constexpr std::int64_t kStepMs = 15'000;

/// Values that move like twikit-sim's, one kind per series (index % 5): counters with integer increments,
/// integer gauges that change now and then, two-decimal gauges on a random walk, percent/100 ratios, and
/// 0/1 flags that almost never change. Deterministic per index.
struct SeriesModel {
  int kind;            ///< index % 5.
  std::mt19937_64 rng; ///< Seeded from the index.
  double value;        ///< The current value.

  /// The model of series `index`.
  explicit SeriesModel(int index);
  /// The next sample's value.
  double next();
};

/// The labels of generated series `index`: one of five twikit metric names (index % 5), instance, job and service.
Labels labels_of(int index);

/// `v` as the exposition formats write it (shortest round-trip, NaN, +Inf, -Inf).
std::string format_double(double v);

/// One generated series: its labels, its model's index, its first timestamp and how many samples (kStepMs apart).
struct BenchSeries {
  Labels labels;             ///< Sorted, with __name__.
  int model = 0;             ///< SeriesModel index.
  TimestampMs first = 0;     ///< The first sample's time.
  std::int64_t samples = 0;  ///< Number of samples.
};

/// Writes the samples of `series` as one OpenMetrics file, series of one metric name together (a stable
/// sort by name), ending with `# EOF`.
void write_openmetrics(const std::string& path, std::vector<BenchSeries> series);

}  // namespace twikit::bench
