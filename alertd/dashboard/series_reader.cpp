#include "alertd/dashboard/series_reader.h"

#include <algorithm>

namespace twikit::dashboard {
namespace {

using storage::LabelMatcher;
using storage::MatchType;
using storage::SeriesSamples;

// The series whose newest non-marker sample is newest (ties: the smaller label set), or nullptr.
const SeriesSamples* newest_series(const std::vector<SeriesSamples>& all) {
  const SeriesSamples* best = nullptr;
  TimestampMs best_t = 0;
  for (const auto& s : all) {
    TimestampMs t = 0;
    bool found = false;
    for (auto it = s.samples.rbegin(); it != s.samples.rend(); ++it) {
      if (!storage::is_stale_marker(it->v)) {
        t = it->t;
        found = true;
        break;
      }
    }
    if (!found) continue;
    if (best == nullptr || t > best_t || (t == best_t && *s.labels < *best->labels)) {
      best = &s;
      best_t = t;
    }
  }
  return best;
}

}  // namespace

std::vector<LabelMatcher> service_matchers(const std::string& metric, const std::string& service) {
  return {LabelMatcher(MatchType::eq, "__name__", metric), LabelMatcher(MatchType::eq, "service", service)};
}

std::map<std::string, std::vector<LatestValue>> latest_by_service(const storage::Queryable& store,
                                                                   const std::string& metric, TimestampMs now,
                                                                   std::int64_t lookback_ms) {
  // Selected by name alone through the store's index; the service label is looked up once, here, to
  // leave out series without one and to group the rest. The label sets are shared with the store.
  const std::vector<LabelMatcher> matchers{LabelMatcher(MatchType::eq, "__name__", metric)};
  std::map<std::string, std::vector<LatestValue>> out;
  for (auto& s : store.select_latest(matchers, now - lookback_ms + 1, now)) {
    if (s.samples.empty() || storage::is_stale_marker(s.samples.back().v)) continue;
    const std::string& service = label_value(*s.labels, "service");
    if (service.empty()) continue;
    out[service].push_back({std::move(s.labels), s.samples.back().t, s.samples.back().v});
  }
  for (auto& [service, values] : out) {
    std::sort(values.begin(), values.end(), [](const LatestValue& a, const LatestValue& b) {
      return a.t != b.t ? a.t > b.t : *a.labels < *b.labels;
    });
  }
  return out;
}

std::optional<double> latest_value(const storage::Queryable& store, const std::string& metric,
                                   const std::string& service, TimestampMs now, std::int64_t lookback_ms) {
  const auto all = store.select_latest(service_matchers(metric, service), now - lookback_ms + 1, now);
  std::optional<LatestValue> best;
  for (const auto& s : all) {
    if (s.samples.empty() || storage::is_stale_marker(s.samples.back().v)) continue;
    const LatestValue v{s.labels, s.samples.back().t, s.samples.back().v};
    if (!best || v.t > best->t || (v.t == best->t && *v.labels < *best->labels)) best = v;
  }
  if (!best) return std::nullopt;
  return best->value;
}

std::optional<CounterIncrease> counter_increase(const std::vector<storage::Sample>& samples) {
  CounterIncrease out;
  const storage::Sample* first = nullptr;
  const storage::Sample* prev = nullptr;
  for (const auto& s : samples) {
    if (storage::is_stale_marker(s.v)) continue;
    if (prev != nullptr) out.increase += s.v >= prev->v ? s.v - prev->v : s.v;
    if (first == nullptr) first = &s;
    prev = &s;
    ++out.samples;
  }
  if (out.samples < 2) return std::nullopt;
  out.span_seconds = static_cast<double>(prev->t - first->t) / 1000.0;
  return out;
}

std::optional<CounterIncrease> service_increase(const storage::Queryable& store, const std::string& metric,
                                                const std::string& service, TimestampMs now, std::int64_t window_ms) {
  const auto all = store.select(service_matchers(metric, service), now - window_ms + 1, now);
  const SeriesSamples* s = newest_series(all);
  if (s == nullptr) return std::nullopt;
  return counter_increase(s->samples);
}

std::optional<std::uint64_t> trailing_zeros(const storage::Queryable& store, const std::vector<LabelMatcher>& matchers,
                                            TimestampMs since, TimestampMs now) {
  const auto all = store.select(matchers, since, now);
  const SeriesSamples* s = newest_series(all);
  if (s == nullptr) return std::nullopt;
  std::uint64_t zeros = 0;
  for (auto it = s->samples.rbegin(); it != s->samples.rend(); ++it) {
    if (storage::is_stale_marker(it->v)) continue;
    if (it->v != 0) break;
    ++zeros;
  }
  return zeros;
}

}  // namespace twikit::dashboard
