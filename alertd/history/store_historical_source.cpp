#include "alertd/history/store_historical_source.h"

#include <limits>

#include "alertd/history/fanout_queryable.h"

#include "common/rfc3339.h"

namespace twikit::history {
namespace {

std::string duration_text(std::int64_t ms) {
  constexpr std::int64_t kHour = 3'600'000;
  if (ms % (24 * kHour) == 0) return std::to_string(ms / (24 * kHour)) + "d";
  if (ms % kHour == 0) return std::to_string(ms / kHour) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  return std::to_string(ms / 1000) + "s";
}

}  // namespace

double aggregate_value(const Aggregate& a, Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::min: return a.min;
    case Aggregation::max: return a.max;
    case Aggregation::sum: return a.sum;
    case Aggregation::count: return a.count;
    case Aggregation::last: return a.last;
    case Aggregation::avg: break;
  }
  return a.sum / a.count;
}

bool StoreHistoricalSource::has_metric(const std::string& metric) const {
  return !store_.series({storage::LabelMatcher(storage::MatchType::eq, "__name__", metric)}).empty();
}

std::vector<storage::SeriesSamples> StoreHistoricalSource::raw(const std::vector<storage::LabelMatcher>& matchers,
                                                              TimestampMs from, TimestampMs to,
                                                              std::size_t max_per_series) const {
  // Raw samples only: no aggregates stand in for deleted raw data.
  TierBounds raw_only;
  raw_only.memory_start = memory_start_();
  raw_only.raw_start = std::numeric_limits<TimestampMs>::min();
  raw_only.aggregate_interval_ms = store_.options().aggregation_interval_ms;
  // At most max_per_series per series is read from disk (one more tells that a series has too many).
  const std::size_t series_count = store_.series(matchers).size();
  const FanoutQueryable queryable(memory_, store_, raw_only, series_count * max_per_series + 1);
  try {
    return queryable.select(matchers, from, to);
  } catch (const std::runtime_error& e) {
    throw TooManySamplesError(e.what());
  }
}

std::vector<SeriesPoints> StoreHistoricalSource::buckets(const std::vector<storage::LabelMatcher>& matchers,
                                                        TimestampMs from, TimestampMs to, std::int64_t step_ms,
                                                        Aggregation aggregation) const {
  std::vector<SeriesPoints> out;
  for (auto& s : store_.select_aggregated(matchers, from, to, step_ms)) {
    SeriesPoints series{std::move(s.labels), {}};
    for (const Aggregate& a : s.buckets) {
      if (a.count > 0) series.points.push_back({a.start, aggregate_value(a, aggregation)});
    }
    if (!series.points.empty()) out.push_back(std::move(series));
  }
  return out;
}

std::vector<std::string> StoreHistoricalSource::warnings(TimestampMs from, bool raw) const {
  const HistoryOptions& o = store_.options();
  const TimestampMs now = this->now();
  std::vector<std::string> out;
  if (raw && from < now - o.raw_retention_ms) {
    out.push_back("raw samples are kept for " + duration_text(o.raw_retention_ms) + ": none before " +
                  format_rfc3339(now - o.raw_retention_ms) + "; ask for resolution=" +
                  duration_text(o.aggregation_interval_ms) + " to see older data");
  } else if (!raw && from < now - o.aggregated_retention_ms) {
    out.push_back("aggregates are kept for " + duration_text(o.aggregated_retention_ms) + ": none before " +
                  format_rfc3339(now - o.aggregated_retention_ms));
  }
  return out;
}

}  // namespace twikit::history
