#pragma once
// One Queryable over the three tiers a range can touch: the in-memory window, the raw history on disk and,
// older than the raw retention, the aggregates. The choice is made per select() from the asked range.
//
// Downsampled answers (Thanos' semantics, simplified to one value per bucket since the engine asks for
// samples, not for aggregates): the part of a range older than the raw retention is answered with one
// sample per aggregation bucket, stamped at the bucket's last millisecond; its value is the bucket's
// `last` for counters (names ending in _total, _count, _sum or _bucket: rate() and increase() over
// several buckets stay right, a reset inside one bucket loses that bucket's increase before the reset) and
// the bucket's average (sum / count) for everything else. Range functions over downsampled data need a
// window of at least two buckets (rate(x[15m]) with 5-minute buckets).
//
// A range query whose step is at least five aggregation intervals (25 minutes with 5-minute buckets) reads
// aggregates for everything before the memory window, raw retention or not: Thanos' automatic choice of
// resolution (step / 5), so that a month at a 1-hour step reads 8,640 buckets per series instead of
// 172,800 samples; its range functions see one sample per bucket, which a window of 25 minutes or more holds.
//
// A range query's engine selects once per step (the lookback or the range before each step). Given the
// query's end, the first history read of a matcher set reads ahead to that end (or the memory window) and
// later steps are sliced from it, so each chunk is decoded once per query instead of once per step. What a
// read ahead would hold is estimated first from the chunk index (no chunk read): when it would pass
// kReadAheadSamples, the range is read in windows that fit, the next one when the steps pass the last, so
// memory stays bounded per query and no read is made only to be thrown away; only when not even one
// step's window fits does it read step by step.

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "alertd/history/history_store.h"
#include "alertd/storage/series_store.h"

namespace twikit::history {

/// Where the tiers meet at the time of one query.
struct TierBounds {
  /// The in-memory store holds every sample from here on (the later of its retention and alertd's start).
  TimestampMs memory_start = 0;
  /// Raw samples on disk are kept from here on (now - raw_retention); older data is aggregates only.
  TimestampMs raw_start = 0;
  /// The width of one aggregation bucket.
  std::int64_t aggregate_interval_ms = 300'000;
};

/// A step at least this many aggregation intervals wide reads aggregates before the memory window.
inline constexpr std::int64_t kDownsampleStepFactor = 5;

/// Samples a range query's history reads may hold ahead of its steps, over all its matcher sets (16 bytes
/// each: 128 MiB at most); past it the query reads step by step.
inline constexpr std::size_t kReadAheadSamples = 8'000'000;

/// A query whose read ahead held at least this many samples gives the freed memory back when it ends.
inline constexpr std::size_t kTrimAfterSamples = 100'000;

/// Whether `name` is a counter by Prometheus' naming conventions (_total, _count, _sum, _bucket).
bool counter_by_name(std::string_view name);

/// A Queryable for one query (it records which tiers answered). Thread-safe: the PromQL engine may call
/// select() from one thread at a time; the flags are atomics. Holds references: the memory store and the
/// history must outlive it.
class FanoutQueryable final : public storage::Queryable {
 public:
  /// Reads `memory` for [bounds.memory_start, ∞) and `history` before that. A select() that would read more
  /// than `max_samples` (0: no limit) from the history throws std::runtime_error with Prometheus' message
  /// (the API answers 422), before holding them all.
  /// `step_ms` is the range query's step (0 for an instant query); see kDownsampleStepFactor. `range_end` is
  /// the range query's end (0: none), which history reads may read ahead to, holding at most
  /// `read_ahead_samples` at a time.
  FanoutQueryable(const storage::Queryable& memory, HistoryStore& history, TierBounds bounds,
                  std::size_t max_samples = 0, std::int64_t step_ms = 0, TimestampMs range_end = 0,
                  std::size_t read_ahead_samples = kReadAheadSamples);
  /// Frees the read ahead; after a large one (kTrimAfterSamples) returns free heap pages to the system
  /// (malloc_trim): each of alertd's query threads allocates from its own malloc arena, which would otherwise
  /// keep the peak of the largest query it ran resident, once per thread.
  ~FanoutQueryable() override;
  FanoutQueryable(const FanoutQueryable&) = delete;
  FanoutQueryable& operator=(const FanoutQueryable&) = delete;

  /// See storage::Queryable::select(): series of every tier merged by label set, in time order.
  std::vector<storage::SeriesSamples> select(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint,
                                             TimestampMs maxt) const override;

  /// Whether any select() read the disk tier.
  bool used_history() const { return used_history_; }
  /// Whether any select() answered with aggregates (older than the raw retention, or a coarse step).
  bool used_aggregates() const { return used_aggregates_; }
  /// How many times the history tiers were read (a read ahead's window, or one step's select).
  std::size_t history_reads() const { return history_reads_; }
  /// The API `warnings` this query's answer should carry (downsampled data), empty when none.
  std::vector<std::string> warnings() const;

 private:
  const storage::Queryable& memory_;
  HistoryStore& history_;
  using Merged = std::map<Labels, std::vector<storage::Sample>>;
  /// The history tiers (aggregates, raw) in [mint, history_end], at most `limit` samples (0: none).
  Merged read_history(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint, TimestampMs history_end,
                      std::size_t limit) const;
  /// The end of a read ahead from `from` towards `to`: `to` when the estimate of what the tiers hold in
  /// [from, to] is at most `limit`, else the prefix of it that fits in proportion.
  TimestampMs window_end(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from, TimestampMs to,
                         std::size_t limit) const;
  /// read_history() through the read-ahead of a range query; false when it does not apply.
  bool read_ahead(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint, TimestampMs history_end,
                  std::vector<storage::SeriesSamples>& out) const;

  /// One matcher set's history read ahead: [from, to], a window of the query's range.
  struct ReadAhead {
    TimestampMs from = 0;
    TimestampMs to = 0;
    bool usable = false;  // false: too large, read step by step
    std::vector<storage::SeriesSamples> series;  // sorted by labels; each step shares their labels
    std::vector<std::size_t> cursor;             // per series: where the last slice began (steps move forward)
  };

  TierBounds bounds_;
  std::size_t max_samples_;
  TimestampMs aggregates_before_;  // raw_start, or memory_start for a coarse step
  mutable std::atomic<bool> used_history_{false};
  mutable std::atomic<bool> used_aggregates_{false};
  mutable std::atomic<bool> used_step_aggregates_{false};
  mutable std::atomic<std::size_t> history_reads_{0};
  std::size_t read_ahead_cap_;  // aggregates inside the raw retention (a coarse step)
  TimestampMs range_end_;
  mutable std::mutex read_ahead_mu_;
  mutable std::map<std::string, ReadAhead> read_ahead_;  // by the matchers' text
  mutable std::size_t read_ahead_samples_ = 0;
  mutable std::size_t read_ahead_peak_ = 0;  // the most read_ahead_samples_ has been
};

/// Appends `samples` to `out` keeping timestamps strictly increasing (an earlier tier wins a tie).
void append_after(std::vector<storage::Sample>& out, const std::vector<storage::Sample>& samples);

/// Tiers merged per label set as a select() answer: one SeriesSamples per label set that has samples.
std::vector<storage::SeriesSamples> merged_series(std::map<Labels, std::vector<storage::Sample>>& merged);

/// `json` (an API success body, a JSON object) with a top-level "warnings" array holding `warnings`; `json`
/// unchanged when `warnings` is empty.
std::string with_warnings(std::string json, const std::vector<std::string>& warnings);

}  // namespace twikit::history
