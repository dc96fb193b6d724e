#pragma once
// alertd's durable metric history: scraped samples buffered per series, flushed as compressed chunks into
// one SQLite file, with 5-minute (configurable) aggregates computed as data is flushed, and retention.
//
// Durability: append() only buffers. flush() — called by the background flusher every flush_interval,
// and at close — writes every buffered sample in one transaction, and the file is in WAL mode with
// synchronous=FULL, so a committed flush survives kill -9 and power loss alike. The loss window after a
// crash is therefore the samples appended since the last completed flush: at most one flush_interval.
//
// Ordering: per series, a sample whose timestamp is not after the last accepted one (out of order or a
// duplicate timestamp, including after a restart) is dropped and counted, as Prometheus' head rejects it.
//
// Damage: every chunk carries a CRC-32; a chunk that fails to decode is counted and skipped, and the
// rest of the series is served. A file SQLite cannot open as a database is moved aside and a new one
// started, so alertd never refuses to start over its history.
//
// Memory: per series, one open raw chunk (at most samples_per_chunk samples) and one open aggregate
// chunk (at most buckets_per_aggregate_chunk buckets), plus the labels — bounded by the series count,
// never by the retention.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "alertd/history/aggregate.h"
#include "alertd/history/options.h"
#include "alertd/storage/label_matcher.h"
#include "alertd/storage/sample.h"
#include "common/labels.h"

namespace twikit::history {

class HistoryDb;
struct SeriesState;
struct PendingChunk;

/// Raw samples of one series, in time order.
struct SeriesSamples {
  Labels labels;                        ///< The series' labels.
  std::vector<storage::Sample> samples; ///< Samples in [start, end], strictly increasing in time.
};

/// Aggregation buckets of one series, in time order.
struct SeriesAggregates {
  Labels labels;                   ///< The series' labels.
  std::vector<Aggregate> buckets;  ///< Buckets of the requested interval that hold at least one sample.
};

/// What the store has done since it was opened; exposed on alertd's /metrics by history_metrics.h.
struct HistoryStats {
  std::uint64_t series = 0;                ///< Series known (stored or buffered).
  std::uint64_t samples_appended = 0;      ///< Samples accepted by append().
  std::uint64_t samples_out_of_order = 0;  ///< Samples dropped: timestamp not after the series' last one.
  std::uint64_t samples_flushed = 0;       ///< Accepted samples made durable by a completed flush.
  std::uint64_t samples_dropped = 0;       ///< Samples lost because the write backlog passed max_pending_bytes.
  std::uint64_t samples_series_limit = 0;  ///< Samples dropped because their series was beyond max_series.
  std::uint64_t series_rejected = 0;       ///< Appends refused a new series because of max_series.
  std::uint64_t chunks_sealed = 0;         ///< Raw and aggregate chunks written as final.
  std::uint64_t flushes = 0;               ///< Completed flushes.
  std::uint64_t flush_failures = 0;        ///< Flushes that failed and were rolled back (retried later).
  double flush_seconds_total = 0;          ///< Time spent in flushes that wrote something.
  double last_flush_seconds = 0;           ///< Duration of the last flush that wrote something.
  std::uint64_t corrupted_chunks = 0;      ///< Chunks skipped on read because they failed to decode.
  std::uint64_t corrupted_reads = 0;       ///< Series reads cut short by SQLite reporting a damaged page.
  std::uint64_t files_reset = 0;           ///< Damaged files moved aside at open (0 or 1).
  std::uint64_t raw_chunks_deleted = 0;    ///< Raw chunks dropped by retention.
  std::uint64_t aggregate_chunks_deleted = 0;  ///< Aggregate chunks dropped by retention.
};

/// A read that would return more samples or buckets than its caller allowed.
class HistoryLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The durable history tier. Thread-safe: append() from any number of scrape threads; flush(), select(),
/// select_aggregated() and enforce_retention() from any thread (reads use their own connection, so a
/// flush does not block them for its duration). Copy/move deleted.
class HistoryStore {
 public:
  /// Opens (creating) options.path and seals the chunks a previous run left open. Throws std::runtime_error
  /// only when the file can neither be opened nor replaced (e.g. its directory is not writable).
  explicit HistoryStore(HistoryOptions options);
  /// Stops the flusher and flushes what is buffered.
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  /// Buffers `samples` (in time order) for the series `labels` (sorted, as make_labels() gives). Cheap:
  /// no I/O, one lock.
  void append(const Labels& labels, std::span<const storage::Sample> samples);
  /// Buffers one sample.
  void append(const Labels& labels, storage::Sample sample) { append(labels, std::span(&sample, 1)); }
  /// One sample of a batch: its series and the sample.
  struct BatchSample {
    const Labels* labels;    ///< Sorted labels of the series; must outlive the call.
    storage::Sample sample;  ///< The sample (may be a staleness marker).
  };
  /// Buffers samples of many series under one lock (a whole scrape); per series in time order.
  void append_batch(std::span<const BatchSample> samples);

  /// The label sets of every known series (stored or buffered) matching all `matchers`, sorted.
  std::vector<Labels> series(const std::vector<storage::LabelMatcher>& matchers);

  /// Writes everything buffered in one transaction. Returns false (and keeps the data for the next flush)
  /// when the write failed.
  bool flush();
  /// Starts a thread that calls flush() every options.flush_interval_ms until stop_flusher() or destruction.
  void start_flusher();
  /// Stops that thread (waiting for a flush in progress); start_flusher() may start it again.
  void stop_flusher();

  /// Raw samples in [start_ms, end_ms] of every series matching all `matchers`, as flushed. Throws
  /// HistoryLimitError as soon as more than `max_samples` (0: no limit) would be returned.
  std::vector<SeriesSamples> select(const std::vector<storage::LabelMatcher>& matchers, TimestampMs start_ms,
                                    TimestampMs end_ms, std::size_t max_samples = 0);
  /// At least what select() would return for the same arguments when every chunk holds at most
  /// samples_per_chunk samples (chunks written with a larger setting may hold more), counted from the chunk
  /// index without reading a chunk: for planning how much of a range to read at once.
  std::size_t estimate_samples(const std::vector<storage::LabelMatcher>& matchers, TimestampMs start_ms,
                               TimestampMs end_ms);
  /// How many series match `matchers` (stored or buffered).
  std::size_t count_series(const std::vector<storage::LabelMatcher>& matchers);
  /// Buckets of `interval_ms` (a positive multiple of the aggregation interval; std::invalid_argument
  /// otherwise) aligned to the epoch, whose start lies in [bucket_start(start_ms), end_ms], built from
  /// the stored aggregates of every matching series, as flushed.
  /// Throws HistoryLimitError when more than `max_buckets` (0: no limit) would be returned.
  std::vector<SeriesAggregates> select_aggregated(const std::vector<storage::LabelMatcher>& matchers,
                                                  TimestampMs start_ms, TimestampMs end_ms,
                                                  std::int64_t interval_ms, std::size_t max_buckets = 0);

  /// Drops raw chunks that end before now - raw_retention and aggregate chunks that end before
  /// now - aggregated_retention (whole chunks: data up to one chunk span older may stay). Call it on a
  /// tick with the injected clock's `now`.
  void enforce_retention(TimestampMs now_ms);

  /// The bytes the history occupies on disk (the database file and its write-ahead log).
  std::uint64_t disk_bytes() const;
  /// Copies the write-ahead log into the database file and truncates it.
  void checkpoint();
  /// A snapshot of the counters.
  HistoryStats stats() const;
  /// The options in effect.
  const HistoryOptions& options() const { return options_; }

 private:
  void open();
  SeriesState* series_for(const Labels& labels);
  void append_locked(SeriesState& s, std::span<const storage::Sample> samples);
  void trim_pending_locked();
  void seal_raw(SeriesState& s);
  void close_bucket(SeriesState& s);
  std::vector<std::pair<std::int64_t, Labels>> matching(const std::vector<storage::LabelMatcher>& matchers);
  void flusher_loop();

  HistoryOptions options_;

  // Buffered state: series by stable hash (collisions resolved by comparing labels), sealed chunks
  // waiting for the next flush. Guarded by mu_.
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, std::vector<std::unique_ptr<SeriesState>>> series_;
  std::vector<SeriesState*> dirty_;
  std::vector<PendingChunk> pending_;
  std::size_t pending_bytes_ = 0;
  std::uint64_t unflushed_ = 0;  // samples accepted since the last flush snapshot
  std::int64_t next_id_ = 1;
  std::size_t series_count_ = 0;
  HistoryStats stats_;

  // The write connection (flush, retention) and the read connection (queries), each with its lock.
  std::mutex write_mu_;
  std::unique_ptr<HistoryDb> write_db_;
  std::mutex read_mu_;
  std::unique_ptr<HistoryDb> read_db_;
  std::int64_t raw_span_ = 0;  // the longest raw chunk span ever written (see HistoryDb::max_chunk_span)

  std::atomic<std::uint64_t> corrupted_chunks_{0};
  std::atomic<std::uint64_t> corrupted_reads_{0};

  std::mutex flusher_mu_;
  std::condition_variable flusher_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace twikit::history
