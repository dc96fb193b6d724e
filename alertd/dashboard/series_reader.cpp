#include "alertd/dashboard/series_reader.h"

#include <algorithm>

namespace twikit::dashboard {
namespace {

using storage::LabelMatcher;
using storage::MatchType;

using storage::Sample;
using storage::SeriesCursor;

// Whether a value at `t` with `labels` comes before `other` in latest_by_service()'s order.
bool before(TimestampMs t, const Labels& labels, const LatestValue& other) {
  return t != other.t ? t > other.t : labels < *other.labels;
}

// Groups by the `service` label without a map lookup per series: a metric's series mostly come grouped.
template <typename V>
class ServiceGroups {
 public:
  explicit ServiceGroups(std::map<std::string, V>& out) : out_(out) {}
  // The entry of `service`, created empty when new; `created` says whether it was.
  V& at(const std::string& service, bool& created) {
    created = false;
    if (last_ == out_.end() || last_->first != service) {
      auto [it, inserted] = out_.try_emplace(service);
      last_ = it;
      created = inserted;
    }
    return last_->second;
  }

 private:
  std::map<std::string, V>& out_;
  typename std::map<std::string, V>::iterator last_ = out_.end();
};

// Calls `fn(entry, created, cursor, newest)` for each series of `metric` that has a `service` label and whose
// newest sample in the lookback window is not a staleness marker; `entry` is that service's value in `out`
// (`created` says it was made empty for this series). Selected by name alone through the store's index; the
// label sets stay shared with the store.
template <typename V, typename Fn>
void visit_by_service(const storage::Queryable& store, const std::string& metric, TimestampMs now,
                      std::int64_t lookback_ms, std::map<std::string, V>& out, Fn&& fn) {
  const std::vector<LabelMatcher> matchers{LabelMatcher(MatchType::eq, "__name__", metric)};
  ServiceGroups<V> groups(out);
  store.visit(matchers, now - lookback_ms + 1, now, [&](const SeriesCursor& c) {
    const Sample newest = c.latest();
    if (storage::is_stale_marker(newest.v)) return;
    const std::string& service = label_value(*c.labels(), "service");
    if (service.empty()) return;
    bool created = false;
    V& entry = groups.at(service, created);
    fn(entry, created, c, newest);
  });
}

}  // namespace

std::vector<LabelMatcher> service_matchers(const std::string& metric, const std::string& service) {
  return {LabelMatcher(MatchType::eq, "__name__", metric), LabelMatcher(MatchType::eq, "service", service)};
}

std::map<std::string, std::vector<LatestValue>> latest_by_service(const storage::Queryable& store,
                                                                   const std::string& metric, TimestampMs now,
                                                                   std::int64_t lookback_ms) {
  std::map<std::string, std::vector<LatestValue>> out;
  visit_by_service(store, metric, now, lookback_ms, out,
                   [](std::vector<LatestValue>& values, bool, const SeriesCursor& c, const Sample& latest) {
                     values.push_back({c.labels(), latest.t, latest.v});
                   });
  for (auto& [service, values] : out) {
    std::sort(values.begin(), values.end(), [](const LatestValue& a, const LatestValue& b) {
      return a.t != b.t ? a.t > b.t : *a.labels < *b.labels;
    });
  }
  return out;
}

std::map<std::string, ServiceLatest> newest_by_service(const storage::Queryable& store, const std::string& metric,
                                                       TimestampMs now, std::int64_t lookback_ms) {
  std::map<std::string, ServiceLatest> out;
  visit_by_service(store, metric, now, lookback_ms, out,
                   [](ServiceLatest& e, bool created, const SeriesCursor& c, const Sample& latest) {
                     const Labels& labels = *c.labels();
                     if (created || before(latest.t, labels, e.newest)) e.newest = {c.labels(), latest.t, latest.v};
                     if (latest.v == 1 && (!e.newest_one || before(latest.t, labels, *e.newest_one))) {
                       e.newest_one = LatestValue{c.labels(), latest.t, latest.v};
                     }
                   });
  return out;
}

std::map<std::string, std::map<std::string, LatestValue>> newest_by_service_and(
    const storage::Queryable& store, const std::string& metric, const std::string& key, TimestampMs now,
    std::int64_t lookback_ms) {
  std::map<std::string, std::map<std::string, LatestValue>> out;
  visit_by_service(store, metric, now, lookback_ms, out,
                   [&key](std::map<std::string, LatestValue>& by_key, bool, const SeriesCursor& c,
                          const Sample& latest) {
                     const Labels& labels = *c.labels();
                     auto [it, inserted] = by_key.try_emplace(label_value(labels, key));
                     if (inserted || before(latest.t, labels, it->second)) {
                       it->second = {c.labels(), latest.t, latest.v};
                     }
                   });
  return out;
}

bool newest_series_samples(const storage::Queryable& store, const std::vector<LabelMatcher>& matchers,
                           TimestampMs mint, TimestampMs maxt, std::vector<Sample>& out) {
  std::optional<LatestValue> best;
  std::vector<Sample> scratch;
  store.visit(matchers, mint, maxt, [&](const SeriesCursor& c) {
    const Sample latest = c.latest();
    if (best && latest.t < best->t) return;  // its newest non-marker sample is older still
    TimestampMs t = latest.t;
    const bool marker = storage::is_stale_marker(latest.v);
    if (marker) {
      c.samples(scratch);
      const auto it = std::find_if(scratch.rbegin(), scratch.rend(),
                                   [](const Sample& s) { return !storage::is_stale_marker(s.v); });
      if (it == scratch.rend()) return;
      t = it->t;
    }
    if (best && !before(t, *c.labels(), *best)) return;
    best = LatestValue{c.labels(), t, 0};
    if (marker) out.swap(scratch);
    else c.samples(out);
  });
  return best.has_value();
}

std::optional<double> latest_value(const storage::Queryable& store, const std::string& metric,
                                   const std::string& service, TimestampMs now, std::int64_t lookback_ms) {
  std::optional<LatestValue> best;
  store.visit(service_matchers(metric, service), now - lookback_ms + 1, now, [&](const SeriesCursor& c) {
    const Sample latest = c.latest();
    if (storage::is_stale_marker(latest.v)) return;
    if (!best || before(latest.t, *c.labels(), *best)) best = LatestValue{c.labels(), latest.t, latest.v};
  });
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
  std::vector<Sample> samples;
  if (!newest_series_samples(store, service_matchers(metric, service), now - window_ms + 1, now, samples)) {
    return std::nullopt;
  }
  return counter_increase(samples);
}

std::optional<std::uint64_t> trailing_zeros(const storage::Queryable& store, const std::vector<LabelMatcher>& matchers,
                                            TimestampMs since, TimestampMs now) {
  std::vector<Sample> samples;
  if (!newest_series_samples(store, matchers, since, now, samples)) return std::nullopt;
  std::uint64_t zeros = 0;
  for (auto it = samples.rbegin(); it != samples.rend(); ++it) {
    if (storage::is_stale_marker(it->v)) continue;
    if (it->v != 0) break;
    ++zeros;
  }
  return zeros;
}

}  // namespace twikit::dashboard
