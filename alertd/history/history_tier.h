#pragma once
// The history tier as alertd runs it: a HistoryStore opened from storage.history, fed by the scrape loops
// (as their SampleSink), flushed and trimmed in the background, read through FanoutQueryable, measured on
// /metrics. The App constructs, starts and stops it; nothing else in alertd knows the store.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "alertd/config/config.h"
#include "alertd/history/fanout_queryable.h"
#include "alertd/history/history_store.h"
#include "alertd/scrape/sample_sink.h"
#include "common/clock.h"
#include "common/exposition.h"

namespace twikit::history {

/// The HistoryOptions storage.history asks for (path resolved as config::history_path does).
HistoryOptions history_options(const config::StorageConfig& storage);

/// alertd's history tier. consume(), collect() and queryable() are thread-safe; start() and stop() are
/// called from one thread. Copy and move are deleted (scrape loops point at it).
class HistoryTier final : public scrape::SampleSink {
 public:
  /// Opens the history file storage.history names; `clock` stamps retention and the tier boundaries.
  /// The in-memory window starts now (nothing older is in memory after a start).
  HistoryTier(const config::StorageConfig& storage, const Clock& clock);
  /// Stops the background threads and flushes.
  ~HistoryTier() override;
  HistoryTier(const HistoryTier&) = delete;
  HistoryTier& operator=(const HistoryTier&) = delete;

  /// Starts the flusher (every flush_interval) and retention (every 10 minutes of real time).
  void start();
  /// Stops both and flushes what is buffered; safe to call twice.
  void stop();

  /// Buffers one scrape's samples (no I/O: a slow disk never holds a scrape up).
  void consume(std::span<const scrape::SinkSample> samples) override;

  /// Deletes raw and aggregate chunks past their retention at the clock's now.
  void enforce_retention();
  /// Where the tiers meet now.
  TierBounds bounds() const;
  /// A Queryable for one query over `memory` and the history, reading at most `max_samples` from disk (0: no
  /// limit); `step_ms` is a range query's step (0: instant), which may choose aggregates, and `range_end` its
  /// end (0: instant), which history reads may read ahead to (see FanoutQueryable).
  std::unique_ptr<FanoutQueryable> queryable(const storage::Queryable& memory, std::size_t max_samples = 0,
                                             std::int64_t step_ms = 0, TimestampMs range_end = 0);
  /// Appends alertd_history_* to `out`.
  void collect(std::vector<MetricFamily>& out) const;
  /// The store (for the historical API and tests).
  HistoryStore& store() { return *store_; }
  /// The clock the tier reads.
  const Clock& clock() const { return clock_; }

 private:
  void retention_loop();

  const Clock& clock_;
  std::int64_t memory_retention_ms_;
  TimestampMs started_ms_;
  std::unique_ptr<HistoryStore> store_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread retention_;
};

}  // namespace twikit::history
