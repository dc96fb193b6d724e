#pragma once
// The scale-out history backend: raw samples read from a Prometheus-compatible HTTP API (Prometheus,
// Thanos, Mimir, VictoriaMetrics), for the part of a query older than alertd's in-memory window.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "alertd/storage/series_store.h"
#include "common/http_client.h"

namespace twikit::history {

/// A history read from the remote API failed (unreachable, an error answer, a body that is not Prometheus'
/// JSON); what() says which and names the URL without its query.
class RemoteHistoryError : public std::runtime_error {
 public:
  /// `unreachable`: no HTTP answer at all (refused, timed out), as opposed to a wrong one.
  RemoteHistoryError(const std::string& what, bool unreachable = false)
      : std::runtime_error(what), unreachable_(unreachable) {}
  /// Whether the backend gave no HTTP answer (an API says 503) rather than a wrong one (502).
  bool unreachable() const { return unreachable_; }

 private:
  bool unreachable_;
};

/// A Queryable over `GET <base_url>/api/v1/query` with a range selector (`{matchers}[<range>ms]` at the end
/// of the asked range), which Prometheus answers with the raw samples; staleness markers are not returned.
/// Thread-safe as far as the HttpClient is.
class PrometheusQueryable final : public storage::Queryable {
 public:
  /// Reads `base_url` (e.g. http://prometheus:9090) through `client` (which must outlive this object); each
  /// request must finish within `timeout`; a select() returning more than `max_samples` samples (0: no limit)
  /// throws std::runtime_error with Prometheus' too-many-samples message.
  PrometheusQueryable(std::string base_url, HttpClient& client, std::chrono::milliseconds timeout,
                      std::size_t max_samples = 0);

  /// See storage::Queryable::select(); throws RemoteHistoryError when the remote cannot answer.
  std::vector<storage::SeriesSamples> select(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint,
                                             TimestampMs maxt) const override;

  /// The query text and time select() sends for a range (for tests and the log).
  static std::string selector(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint, TimestampMs maxt);

  /// `<function>({matchers}[step - 1ms])` through `GET <base_url>/api/v1/query_range`, evaluated at the last
  /// millisecond of each bucket of `step_ms` whose start lies in [first_bucket, last_bucket] (both bucket
  /// starts): Prometheus 2's closed range [t - (step - 1ms), t] is then exactly the bucket. Each returned
  /// sample is stamped with its bucket's start. `function` is e.g. "avg_over_time". Throws
  /// RemoteHistoryError when the remote cannot answer.
  std::vector<storage::SeriesSamples> over_time(const std::string& function,
                                                const std::vector<storage::LabelMatcher>& matchers,
                                                TimestampMs first_bucket, TimestampMs last_bucket,
                                                std::int64_t step_ms) const;
  /// Whether the remote knows any series named `metric` at any time (`GET <base_url>/api/v1/label/__name__/values`
  /// with `match[]`). Throws RemoteHistoryError when the remote cannot answer.
  bool has_metric(const std::string& metric) const;
  /// The base URL, without a trailing slash.
  const std::string& base_url() const { return base_url_; }

 private:
  /// GET `path_and_query` on the remote; the parsed JSON of a success answer, else RemoteHistoryError.
  nlohmann::json get(const std::string& path, const std::string& query) const;

  std::string base_url_;
  HttpClient& client_;
  std::chrono::milliseconds timeout_;
  std::size_t max_samples_;
};

/// A Queryable for one query: `memory` from `memory_start` on, `older` before it, merged per label set in
/// time order. Both must outlive it.
class TwoTierQueryable final : public storage::Queryable {
 public:
  /// Reads `memory` for [memory_start, ∞) and `older` before.
  TwoTierQueryable(const storage::Queryable& memory, const storage::Queryable& older, TimestampMs memory_start)
      : memory_(memory), older_(older), memory_start_(memory_start) {}
  /// See storage::Queryable::select().
  std::vector<storage::SeriesSamples> select(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint,
                                             TimestampMs maxt) const override;

 private:
  const storage::Queryable& memory_;
  const storage::Queryable& older_;
  TimestampMs memory_start_;
};

}  // namespace twikit::history
