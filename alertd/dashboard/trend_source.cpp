#include "alertd/dashboard/trend_source.h"

#include <algorithm>

#include "alertd/dashboard/series_reader.h"

namespace twikit::dashboard {

std::vector<TrendPoint> StoreTrendSource::points(const std::string& metric, const std::string& service,
                                                 TimestampMs from, TimestampMs to, std::int64_t step_ms) const {
  if (step_ms <= 0 || to < from) return {};
  // The series with the newest sample: one exporter's view of the service, not a blend of two. Only the
  // samples of a series that leads when met are copied.
  std::shared_ptr<const Labels> best;
  TimestampMs best_t = 0;
  std::vector<storage::Sample> samples;
  store_.visit(service_matchers(metric, service), from - kLookbackMs + 1, to, [&](const storage::SeriesCursor& c) {
    const TimestampMs t = c.latest().t;
    if (best != nullptr && (t < best_t || (t == best_t && !(*c.labels() < *best)))) return;
    best = c.labels();
    best_t = t;
    c.samples(samples);
  });
  std::vector<TrendPoint> out;
  if (best == nullptr) return out;
  const std::int64_t steps = (to - from) / step_ms;
  for (std::int64_t k = steps; k >= 0; --k) {
    const TimestampMs t = to - k * step_ms;
    // The newest sample at or before t.
    const auto it = std::upper_bound(samples.begin(), samples.end(), t,
                                     [](TimestampMs x, const storage::Sample& s) { return x < s.t; });
    if (it == samples.begin()) continue;
    const storage::Sample& s = *(it - 1);
    if (s.t <= t - kLookbackMs || storage::is_stale_marker(s.v)) continue;
    out.push_back({t, s.v});
  }
  return out;
}

}  // namespace twikit::dashboard
