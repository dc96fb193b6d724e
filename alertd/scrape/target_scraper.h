#pragma once
// One target's scrape loop body: fetch, parse, append to the store, staleness, report series.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alertd/scrape/sample_sink.h"
#include "alertd/scrape/target.h"
#include "alertd/storage/series_store.h"
#include "common/exposition_parser.h"
#include "common/http_client.h"

namespace twikit::scrape {

/// The outcome of the last scrape of a target, for /api/v1/targets and self metrics.
struct TargetHealth {
  /// "up", "down" or "unknown" (not scraped yet).
  std::string health = "unknown";
  /// Why the last scrape failed; empty when it succeeded.
  std::string last_error;
  /// When the last scrape started (ms since epoch); 0 before the first.
  TimestampMs last_scrape_ms = 0;
  /// How long the last scrape took, in seconds.
  double last_duration_seconds = 0;
  /// Samples in the last successful body.
  std::size_t last_samples = 0;
  /// Scrapes attempted and failed since the target appeared.
  std::uint64_t scrapes_total = 0;
  std::uint64_t failures_total = 0;
};

/// Scrapes one target into a SeriesStore, as Prometheus' scrape loop does: every successful scrape
/// appends all samples at the scrape time (or their own timestamps), a series missing from a scrape
/// gets a staleness marker, a failed scrape (transport, HTTP status, malformed body) stales every
/// series of the previous scrape; each scrape also writes `up`, `scrape_duration_seconds`,
/// `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling` and `scrape_series_added`.
/// Every sample written to the store (markers included) also goes to the optional SampleSink, one call per
/// scrape. scrape_once() must not run concurrently with itself; health() is thread-safe.
class TargetScraper {
 public:
  /// Scrapes `target` with `client` into `store` (and `sink`, when not null); `clock` measures durations.
  TargetScraper(ScrapeTarget target, HttpClient& client, storage::SeriesStore& store, const Clock& clock,
                SampleSink* sink = nullptr);
  TargetScraper(const TargetScraper&) = delete;
  TargetScraper& operator=(const TargetScraper&) = delete;

  /// Runs one scrape whose timestamp is `now_ms`; returns true when the target was up.
  bool scrape_once(TimestampMs now_ms);
  /// Writes staleness markers at `now_ms` for every series of the last scrape (target removed or stopping).
  void stale_all(TimestampMs now_ms);

  /// The target being scraped.
  const ScrapeTarget& target() const { return target_; }
  /// A snapshot of the last scrape's outcome.
  TargetHealth health() const;

 private:
  struct Series {
    // Built at the first sight of the series, then the store's own copy once it holds the series.
    std::shared_ptr<const Labels> labels;
    storage::SeriesRef ref = 0;  // the store's handle, valid while the store's generation is ref_generation
    std::uint64_t ref_generation = ~std::uint64_t{0};
    std::uint64_t last_seen = 0;  // scrape iteration that last committed this series
    std::uint64_t marked = 0;     // iteration in which the parser last reported it (duplicate check)
    bool explicit_timestamp = false;
  };
  struct Pending {
    Series* series;
    double value;
    TimestampMs t;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  class Collector;

  /// Fetches and parses the body into pending_; returns an error message or empty on success.
  std::string fetch_and_parse(TimestampMs now_ms, std::size_t& samples_scraped, std::size_t& series_added);
  void write_report(TimestampMs t, bool up, double duration_seconds, std::size_t scraped, std::size_t added);
  // Appends pending_ to the store by handle under one lock (no label lookup per sample).
  void append_pending();
  // Writes to the store and notes the sample for the sink; `labels` must live until flush_sink().
  void commit(const Labels& labels, TimestampMs t, double v);
  void commit_stale(const Labels& labels, TimestampMs t);
  void flush_sink();

  ScrapeTarget target_;
  HttpClient& client_;
  storage::SeriesStore& store_;
  const Clock& clock_;
  SampleSink* sink_;
  std::vector<SinkSample> sink_batch_;
  std::vector<Labels> report_labels_;  // the synthetic series' labels, built once (the sink points at them)
  std::vector<std::shared_ptr<const Labels>> stale_labels_;  // of series erased from cache_ during this scrape
  ExpositionParser parser_;
  std::unordered_map<std::string, Series, StringHash, std::equal_to<>> cache_;
  std::vector<Pending> pending_;
  std::vector<storage::RefSample> batch_;
  std::uint64_t iteration_ = 0;
  mutable std::mutex health_mu_;
  TargetHealth health_;
};

}  // namespace twikit::scrape
