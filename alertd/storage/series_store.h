#pragma once
// The in-memory series store: label sets interned once, samples in compact fixed-size chunks.
//
// Thread-safety: every public member of SeriesStore may be called concurrently (the scraper thread
// appends while the rule thread selects); a reader-writer lock serialises writers against readers.
// select() returns copies, so results stay valid after the lock is released.

#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "alertd/storage/label_matcher.h"
#include "alertd/storage/sample.h"
#include "common/clock.h"
#include "common/labels.h"

namespace twikit::storage {

/// A 64-bit hash of a label set (names and values, in order); equal sets hash equally.
std::uint64_t labels_hash(const Labels& labels);

/// One series as returned by a query: its interned label set and the samples in the asked range.
struct SeriesSamples {
  std::shared_ptr<const Labels> labels;  ///< Shared with the store; never mutated.
  std::uint64_t hash = 0;                ///< labels_hash(*labels).
  std::vector<Sample> samples;           ///< Ascending by timestamp; may contain staleness markers.
};

/// One series met by Queryable::visit(), valid only during the callback that receives it: a reader
/// looks at the newest sample first and copies the samples only of the series it keeps.
class SeriesCursor {
 public:
  virtual ~SeriesCursor() = default;
  /// The series' label set, shared with the store.
  virtual const std::shared_ptr<const Labels>& labels() const = 0;
  /// labels_hash(*labels()).
  virtual std::uint64_t hash() const = 0;
  /// The newest sample in the visited range (maybe a staleness marker).
  virtual Sample latest() const = 0;
  /// Replaces `out` with the series' samples in the visited range, ascending (markers included).
  virtual void samples(std::vector<Sample>& out) const = 0;
};

/// Read access to series, the only thing the PromQL engine needs from storage.
class Queryable {
 public:
  virtual ~Queryable() = default;
  /// Series matching every matcher, with their samples in [mint, maxt] (inclusive both ends);
  /// series without samples in range are omitted. Order is unspecified.
  virtual std::vector<SeriesSamples> select(const std::vector<LabelMatcher>& matchers,
                                            TimestampMs mint, TimestampMs maxt) const = 0;
  /// Like select() but each series carries only its newest sample in [mint, maxt] (instant selectors
  /// need nothing more); the default implementation trims select()'s result.
  virtual std::vector<SeriesSamples> select_latest(const std::vector<LabelMatcher>& matchers, TimestampMs mint,
                                                   TimestampMs maxt) const {
    auto out = select(matchers, mint, maxt);
    for (auto& s : out) s.samples.erase(s.samples.begin(), s.samples.end() - 1);
    return out;
  }
  /// Calls `fn` once for each series select() would return, in unspecified order, without building the
  /// result; `fn` must not call back into this Queryable. The default implementation walks select()'s result.
  virtual void visit(const std::vector<LabelMatcher>& matchers, TimestampMs mint, TimestampMs maxt,
                     const std::function<void(const SeriesCursor&)>& fn) const;
};

/// Opaque handle of a series inside one SeriesStore, for repeated appends without relabel lookups.
using SeriesRef = std::uint32_t;

/// One sample for a series obtained from SeriesStore::get_or_create(), for SeriesStore::append_batch().
struct RefSample {
  SeriesRef ref = 0;  ///< The series' handle.
  TimestampMs t = 0;  ///< Sample time.
  double v = 0;       ///< Sample value.
};

/// In-memory series store. Thread-safe (see the file comment); not copyable.
class SeriesStore final : public Queryable {
 public:
  SeriesStore();
  ~SeriesStore() override;
  SeriesStore(const SeriesStore&) = delete;
  SeriesStore& operator=(const SeriesStore&) = delete;

  /// Appends one sample to the series `labels` (must be sorted, include `__name__`), creating it when
  /// new. A sample at the last timestamp replaces it; an older timestamp is inserted in place (slow path).
  void append(const Labels& labels, TimestampMs t, double v);
  /// Returns the handle of series `labels`, creating the series (without samples) when new.
  SeriesRef get_or_create(const Labels& labels);
  /// The label set of series `ref` as the store holds it (shared, never mutated), so that a holder of the
  /// handle need not keep a copy; null for a handle that names no series.
  std::shared_ptr<const Labels> labels(SeriesRef ref) const;
  /// Appends one sample to a series obtained from get_or_create(); same ordering rules as append().
  /// A handle becomes invalid after drop_before() or clear().
  void append(SeriesRef ref, TimestampMs t, double v);
  /// Appends `samples` under one lock, each as append(SeriesRef, …), when generation() is still
  /// `generation`; otherwise appends nothing and returns false (the handles may name other series now).
  bool append_batch(const std::vector<RefSample>& samples, std::uint64_t generation);
  /// Counts the calls that invalidated handles (a drop_before() that removed series, clear()); a holder
  /// of handles resolves them again with get_or_create() when it changes.
  std::uint64_t generation() const;
  /// Writes a staleness marker at `t` for series `labels` (no-op when the series does not exist).
  void mark_stale(const Labels& labels, TimestampMs t);

  /// See Queryable::select().
  std::vector<SeriesSamples> select(const std::vector<LabelMatcher>& matchers, TimestampMs mint,
                                    TimestampMs maxt) const override;
  /// See Queryable::select_latest(); copies one sample per series.
  std::vector<SeriesSamples> select_latest(const std::vector<LabelMatcher>& matchers, TimestampMs mint,
                                           TimestampMs maxt) const override;

  /// See Queryable::visit(): the store's read lock is held during the visit and nothing is allocated
  /// per series (the callback runs under the lock, so it must be short and must not call the store).
  void visit(const std::vector<LabelMatcher>& matchers, TimestampMs mint, TimestampMs maxt,
             const std::function<void(const SeriesCursor&)>& fn) const override;

  /// Retention: drops every sample older than `t`, and series left without samples; returns the
  /// number of series removed.
  std::size_t drop_before(TimestampMs t);
  /// Removes everything.
  void clear();

  /// Number of series held.
  std::size_t num_series() const;
  /// Number of samples held (including staleness markers).
  std::size_t num_samples() const;

 private:
  struct Series;
  SeriesRef get_or_create_locked(const Labels& labels);
  void append_locked(Series& s, TimestampMs t, double v);
  void rebuild_index_locked();
  std::vector<std::uint32_t> candidates_locked(const std::vector<LabelMatcher>& matchers) const;
  bool matches_locked(const Series& s, const std::vector<LabelMatcher>& matchers) const;

  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<Series>> series_;  // index = SeriesRef
  std::unordered_multimap<std::uint64_t, std::uint32_t> by_hash_;
  // label name -> label value -> ascending series ids (the postings of an inverted index)
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<std::uint32_t>>> postings_;
  std::size_t num_samples_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace twikit::storage
