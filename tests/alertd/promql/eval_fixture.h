#pragma once
// A tiny store builder and query helpers for evaluator tests.

#include <string>

#include "alertd/promql/engine.h"
#include "alertd/promql/parser.h"
#include "alertd/storage/series_store.h"

namespace twikit::promql::testing {

/// Appends `values[i]` at `start + i*step_ms` to the series `labels` (sorted by make_labels).
inline void add_series(storage::SeriesStore& store, std::vector<Label> labels, const std::vector<double>& values,
                       TimestampMs step_ms = 15000, TimestampMs start = 0) {
  const Labels l = make_labels(std::move(labels));
  for (std::size_t i = 0; i < values.size(); ++i) store.append(l, start + static_cast<TimestampMs>(i) * step_ms, values[i]);
}

/// Runs an instant query at `t` with default options.
inline Value query(const storage::SeriesStore& store, const std::string& q, TimestampMs t) {
  return Engine().instant_query(*parse(q), store, t);
}

/// The value of the sample with exactly `labels`, or NaN-free sentinel -12345 when absent.
inline double value_of(const Value& v, const Labels& labels) {
  for (const auto& s : v.vector) {
    if (s.labels == labels) return s.value;
  }
  return -12345;
}

}  // namespace twikit::promql::testing
