#include "alertd/history/remote_historical_source.h"

#include <algorithm>
#include <optional>

#include "alertd/history/aggregate.h"

namespace twikit::history {

const char* over_time_function(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::min: return "min_over_time";
    case Aggregation::max: return "max_over_time";
    case Aggregation::sum: return "sum_over_time";
    case Aggregation::count: return "count_over_time";
    case Aggregation::last: return "last_over_time";
    case Aggregation::avg: break;
  }
  return "avg_over_time";
}

bool RemoteHistoricalSource::has_metric(const std::string& metric) const {
  const TimestampMs now = clock_.now_ms();
  const auto in_memory = memory_.select({storage::LabelMatcher(storage::MatchType::eq, "__name__", metric)},
                                        memory_start_(), now);
  return !in_memory.empty() || remote_.has_metric(metric);
}

std::vector<storage::SeriesSamples> RemoteHistoricalSource::raw(const std::vector<storage::LabelMatcher>& matchers,
                                                                TimestampMs from, TimestampMs to,
                                                                std::size_t max_per_series) const {
  const TwoTierQueryable tiers(memory_, remote_, memory_start_());
  std::vector<storage::SeriesSamples> out;
  try {
    out = tiers.select(matchers, from, to);
  } catch (const RemoteHistoryError&) {
    throw;
  } catch (const std::runtime_error& e) {  // the remote's answer passed the query sample limit
    throw TooManySamplesError(e.what());
  }
  for (const auto& s : out) {
    const auto samples = std::count_if(s.samples.begin(), s.samples.end(),
                                       [](const storage::Sample& x) { return !storage::is_stale_marker(x.v); });
    if (static_cast<std::size_t>(samples) > max_per_series) throw TooManySamplesError("too many samples in one series");
  }
  return out;
}

std::vector<SeriesPoints> RemoteHistoricalSource::buckets(const std::vector<storage::LabelMatcher>& matchers,
                                                          TimestampMs from, TimestampMs to, std::int64_t step_ms,
                                                          Aggregation aggregation) const {
  // *_over_time drops the metric name; the answer puts back the one asked for.
  std::optional<std::string> name;
  for (const auto& m : matchers) {
    if (m.name() == "__name__" && m.type() == storage::MatchType::eq) name = m.value();
  }
  std::vector<SeriesPoints> out;
  for (auto& s : remote_.over_time(over_time_function(aggregation), matchers, bucket_start(from, step_ms),
                                   bucket_start(to, step_ms), step_ms)) {
    Labels labels = *s.labels;
    if (name && std::none_of(labels.begin(), labels.end(), [](const Label& l) { return l.first == "__name__"; })) {
      labels.emplace_back("__name__", *name);
      labels = make_labels(std::move(labels));
    }
    out.push_back({std::move(labels), std::move(s.samples)});
  }
  std::sort(out.begin(), out.end(), [](const SeriesPoints& a, const SeriesPoints& b) { return a.labels < b.labels; });
  return out;
}

}  // namespace twikit::history
