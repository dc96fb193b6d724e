#pragma once
// What the dashboard documents read from the series store: per-service latest values, counter increases
// that survive resets, and runs of failures. Pure functions over a storage::Queryable.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alertd/storage/series_store.h"

namespace twikit::dashboard {

/// How far back a "current" value may be, as PromQL's instant selectors look back (5 minutes).
inline constexpr std::int64_t kLookbackMs = 5 * 60 * 1000;

/// The newest sample of one series.
struct LatestValue {
  std::shared_ptr<const Labels> labels;  ///< The series' labels (with __name__), shared with the store.
  TimestampMs t = 0;                     ///< The sample's time.
  double value = 0;                      ///< The sample's value (never a staleness marker).
};

/// Every series of `metric` with a `service` label whose newest sample in (now - lookback, now] is not a
/// staleness marker, grouped by service (sorted by name); within a service, newest first.
std::map<std::string, std::vector<LatestValue>> latest_by_service(const storage::Queryable& store,
                                                                   const std::string& metric, TimestampMs now,
                                                                   std::int64_t lookback_ms = kLookbackMs);

/// What the documents take of one metric for one service: the first series in latest_by_service()'s
/// order (newest sample first, then the smaller label set), and the first whose value is 1.
struct ServiceLatest {
  LatestValue newest;                     ///< The newest series: a gauge's or counter's current value.
  std::optional<LatestValue> newest_one;  ///< The newest series holding 1: a state set's current state.
};

/// Per service, what latest_by_service() lists first, read in one pass over the metric's series without
/// a copy or a sort of them.
std::map<std::string, ServiceLatest> newest_by_service(const storage::Queryable& store, const std::string& metric,
                                                       TimestampMs now, std::int64_t lookback_ms = kLookbackMs);

/// Per service and per value of label `key` (e.g. `dependency`, "" when absent), the first series in
/// latest_by_service()'s order, in one pass.
std::map<std::string, std::map<std::string, LatestValue>> newest_by_service_and(
    const storage::Queryable& store, const std::string& metric, const std::string& key, TimestampMs now,
    std::int64_t lookback_ms = kLookbackMs);

/// Replaces `out` with the samples in [mint, maxt] of the series selected by `matchers` whose newest
/// non-marker sample is newest (ties: the smaller label set), copying only the samples of series that
/// lead when met; false (and `out` unspecified) when no series has a non-marker sample.
bool newest_series_samples(const storage::Queryable& store, const std::vector<storage::LabelMatcher>& matchers,
                           TimestampMs mint, TimestampMs maxt, std::vector<storage::Sample>& out);

/// The value of `metric` for `service`, read as latest_by_service() does; when several series qualify
/// (two exporters scraping one service) the newest sample wins, since adding them would count the service
/// twice. nullopt when there is none.
std::optional<double> latest_value(const storage::Queryable& store, const std::string& metric,
                                   const std::string& service, TimestampMs now, std::int64_t lookback_ms = kLookbackMs);

/// How much a counter grew over a window, and over how long its samples spanned.
struct CounterIncrease {
  double increase = 0;         ///< Sum of the rises; a fall is a reset and counts the new value whole.
  double span_seconds = 0;     ///< From the first to the last sample used.
  std::size_t samples = 0;     ///< Samples used (staleness markers skipped).
};

/// The increase of a counter over `samples` (ascending, staleness markers skipped) with Prometheus'
/// reset rule: a value lower than the one before means the counter restarted from 0. nullopt with fewer
/// than two samples.
std::optional<CounterIncrease> counter_increase(const std::vector<storage::Sample>& samples);

/// The increase of counter `metric` for `service` over (now - window, now]; of several series the one
/// with the newest sample is used. nullopt when no series has two samples in the window.
std::optional<CounterIncrease> service_increase(const storage::Queryable& store, const std::string& metric,
                                                const std::string& service, TimestampMs now, std::int64_t window_ms);

/// How many of the newest samples of the series selected by `matchers` (the one with the newest sample
/// when several) are 0 in a row, looking back to `since`: the failures since the last success of an
/// `up`-like series. nullopt when no series matches.
std::optional<std::uint64_t> trailing_zeros(const storage::Queryable& store,
                                            const std::vector<storage::LabelMatcher>& matchers, TimestampMs since,
                                            TimestampMs now);

/// The matchers `__name__="<metric>", service="<service>"`.
std::vector<storage::LabelMatcher> service_matchers(const std::string& metric, const std::string& service);

}  // namespace twikit::dashboard
