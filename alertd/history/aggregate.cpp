#include "alertd/history/aggregate.h"

namespace twikit::history {
namespace {

// Prometheus' min_over_time: a NaN is replaced by any later value, a value by a smaller one.
double fold_min(double acc, double v) { return (v < acc || std::isnan(acc)) ? v : acc; }
double fold_max(double acc, double v) { return (v > acc || std::isnan(acc)) ? v : acc; }

}  // namespace

void Aggregate::add(TimestampMs t, double v) {
  if (count == 0) {
    min = v;
    max = v;
    sum = v;
  } else {
    min = fold_min(min, v);
    max = fold_max(max, v);
    sum += v;
  }
  count += 1;
  if (count == 1 || t >= last_t) {
    last = v;
    last_t = t;
  }
}

void Aggregate::merge(const Aggregate& other) {
  if (other.count == 0) return;
  if (count == 0) {
    const TimestampMs keep_start = start;
    *this = other;
    start = keep_start;
    return;
  }
  min = fold_min(min, other.min);
  max = fold_max(max, other.max);
  sum += other.sum;
  count += other.count;
  if (other.last_t >= last_t) {
    last = other.last;
    last_t = other.last_t;
  }
}

TimestampMs bucket_start(TimestampMs t, std::int64_t interval_ms) {
  TimestampMs r = t % interval_ms;
  if (r < 0) r += interval_ms;
  return t - r;
}

}  // namespace twikit::history
