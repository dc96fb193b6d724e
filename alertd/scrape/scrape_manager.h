#pragma once
// Runs one scrape loop thread per target and swaps the target set on reload.

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alertd/scrape/target_scraper.h"
#include "common/exposition.h"

namespace twikit::scrape {

/// A target and how its last scrape went, for /api/v1/targets.
struct TargetStatus {
  ScrapeTarget target;
  TargetHealth health;
};

/// Told, on the target's loop thread, that a scrape of `target` ended at `finished_at` (samples appended).
using ScrapeObserver = std::function<void(const ScrapeTarget& target, TimestampMs finished_at)>;

/// Owns the scrape loops. apply() may be called at any time (reload); every member is thread-safe.
/// Copy and move are deleted: loop threads refer to this object.
class ScrapeManager {
 public:
  /// Scrapes with `client` into `store`; `clock` stamps the samples; `observer` (may be empty) hears of
  /// every finished scrape; `sink` (may be null; must outlive the manager) receives every committed sample.
  ScrapeManager(HttpClient& client, storage::SeriesStore& store, const Clock& clock, ScrapeObserver observer = {},
                SampleSink* sink = nullptr);
  ~ScrapeManager();
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;

  /// Makes `targets` the running set: a target whose key, interval and timeout are unchanged keeps its
  /// loop and state; new ones start scraping at once; removed ones stop and their series go stale.
  void apply(const std::vector<ScrapeTarget>& targets);
  /// Stops every loop (waiting for an in-flight scrape, at most its timeout) and stales their series.
  void stop();

  /// Whether every running target has finished at least one scrape (successful or not).
  bool scraped_all_once() const;
  /// The longest scrape timeout among the running targets (0 when there are none).
  std::int64_t longest_timeout_ms() const;
  /// The shortest scrape interval of the running targets; 0 without targets.
  std::int64_t shortest_interval_ms() const;
  /// The running targets with their last scrape outcome, sorted by job then URL.
  std::vector<TargetStatus> targets() const;
  /// Appends alertd's own scrape metrics (per job: scrapes, failures, last durations) to `out`.
  void collect(std::vector<MetricFamily>& out) const;

 private:
  struct Loop;
  void run(Loop& loop);
  void stop_loop(std::unique_ptr<Loop> loop);

  HttpClient& client_;
  storage::SeriesStore& store_;
  const Clock& clock_;
  ScrapeObserver observer_;
  SampleSink* sink_;
  std::mutex apply_mu_;  // serialises apply() and stop()
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Loop>> loops_;  // by ScrapeTarget::key()
};

}  // namespace twikit::scrape
