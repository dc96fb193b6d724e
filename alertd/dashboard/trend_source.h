#pragma once
// Where trends come from: the points of one metric of one service over a window. The in-memory store
// answers for the last hour or so; the history tier will answer for days.

#include <cstdint>
#include <string>
#include <vector>

#include "alertd/storage/series_store.h"
#include "common/clock.h"

namespace twikit::dashboard {

/// One point of a trend: a time and the metric's value then (in the metric's own unit).
struct TrendPoint {
  TimestampMs t = 0;  ///< Milliseconds since the epoch.
  double v = 0;       ///< The value.

  /// Points are equal when time and value are.
  bool operator==(const TrendPoint&) const = default;
};

/// The values of a metric for a service at regular steps. Implementations are read from the snapshot
/// builder only; they must be safe to call from that one thread while their data changes underneath.
class TrendSource {
 public:
  virtual ~TrendSource() = default;
  /// The value of `metric{service="<service>"}` at the steps `to`, `to - step`, `to - 2*step`, … not before
  /// `from`, in ascending time; a step where the series had no value (nothing within the lookback before
  /// it, or a staleness marker) is left out, never filled in.
  virtual std::vector<TrendPoint> points(const std::string& metric, const std::string& service, TimestampMs from,
                                         TimestampMs to, std::int64_t step_ms) const = 0;
};

/// A TrendSource over a storage::Queryable (the in-memory store): the value at a step is the newest
/// sample within PromQL's 5-minute lookback before it, as an instant query would see it; of several
/// series for one service, the one with the newest sample is used.
class StoreTrendSource final : public TrendSource {
 public:
  /// Reads `store`, which must outlive this object.
  explicit StoreTrendSource(const storage::Queryable& store) : store_(store) {}
  /// See TrendSource::points().
  std::vector<TrendPoint> points(const std::string& metric, const std::string& service, TimestampMs from,
                                 TimestampMs to, std::int64_t step_ms) const override;

 private:
  const storage::Queryable& store_;
};

}  // namespace twikit::dashboard
