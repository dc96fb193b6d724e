#include "alertd/history/history_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "alertd/history/chunk.h"
#include "alertd/history/history_db.h"
#include "alertd/history/series_key.h"
#include "common/logging.h"

namespace twikit::history {

/// The buffered state of one series. Guarded by HistoryStore::mu_.
struct SeriesState {
  std::int64_t id = 0;
  std::uint64_t hash = 0;
  Labels labels;
  bool persisted = false;  // its row is in the series table
  bool dirty = false;      // listed in dirty_
  TimestampMs last_t = std::numeric_limits<TimestampMs>::min();
  std::optional<ChunkEncoder> raw;  // the raw chunk being filled
  bool raw_head_on_disk = false;
  std::optional<ChunkEncoder> agg;  // closed buckets of the aggregate chunk being filled
  TimestampMs agg_key_t = 0;        // the first sample behind `agg`
  bool bucket_open = false;
  Aggregate bucket;                 // the bucket being filled
  TimestampMs bucket_first_t = 0;
  bool agg_head_on_disk = false;
};

/// A sealed chunk waiting for the next flush.
struct PendingChunk {
  ChunkKind kind;
  ChunkRow row;
  std::uint64_t samples;  // raw samples it holds (0 for aggregates)
};

namespace {

constexpr TimestampMs kNoTime = std::numeric_limits<TimestampMs>::min();

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

bool matches_all(const std::vector<storage::LabelMatcher>& matchers, const Labels& labels) {
  return std::all_of(matchers.begin(), matchers.end(), [&labels](const storage::LabelMatcher& m) {
    return m.matches(label_value(labels, m.name()));
  });
}

// The aggregate chunk row for `encoder`: keyed by the first sample behind it, covering up to the end of
// its last bucket.
ChunkRow aggregate_row(std::int64_t id, TimestampMs key_t, const ChunkEncoder& encoder, std::int64_t interval) {
  return ChunkRow{id, key_t, encoder.first_t(), encoder.last_t() + interval - 1, encoder.bytes()};
}

void append_bucket(ChunkEncoder& encoder, const Aggregate& a) {
  const double values[5] = {a.min, a.max, a.sum, a.count, a.last};
  encoder.append(a.start, values);
}

}  // namespace

HistoryStore::HistoryStore(HistoryOptions options) : options_(std::move(options)) {
  if (options_.aggregation_interval_ms <= 0 || options_.samples_per_chunk == 0 ||
      options_.buckets_per_aggregate_chunk == 0 || options_.max_chunk_span_ms <= 0) {
    throw std::invalid_argument("history: intervals and chunk sizes must be positive");
  }
  open();
}

HistoryStore::~HistoryStore() {
  {
    std::lock_guard lock(flusher_mu_);
    stopping_ = true;
  }
  flusher_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  flush();
}

void HistoryStore::open() {
  const auto open_file = [this] {
    write_db_ = std::make_unique<HistoryDb>(options_.path);
    write_db_->seal_heads();
    write_db_->note_chunk_span(options_.max_chunk_span_ms);
    raw_span_ = write_db_->max_chunk_span();
    std::vector<std::int64_t> ids;
    write_db_->for_each_series([&](std::int64_t id, std::int64_t, std::span<const std::uint8_t> bytes) {
      auto labels = decode_labels(bytes);
      next_id_ = std::max(next_id_, id + 1);
      if (!labels) {
        ++stats_.corrupted_reads;
        return;
      }
      auto s = std::make_unique<SeriesState>();
      s->id = id;
      s->hash = series_hash(*labels);
      s->labels = std::move(*labels);
      s->persisted = true;
      series_[s->hash].push_back(std::move(s));
      ++series_count_;
    });
  };
  try {
    open_file();
  } catch (const SqliteError& e) {
    if (!e.damaged_file()) throw;
    // A file SQLite cannot read as a database: keep it for inspection, start a new one.
    logger("history")->error("history file damaged, moved aside path={} err={}", options_.path, logfmt_value(e.what()));
    write_db_.reset();
    series_.clear();
    series_count_ = 0;
    next_id_ = 1;
    const std::string aside = options_.path + ".damaged";
    std::rename(options_.path.c_str(), aside.c_str());
    for (const char* suffix : {"-wal", "-shm"}) std::rename((options_.path + suffix).c_str(), (aside + suffix).c_str());
    ++stats_.files_reset;
    open_file();
  }
  // Samples must keep increasing across restarts: learn each series' last stored timestamp.
  for (auto& [hash, bucket] : series_) {
    for (auto& s : bucket) {
      try {
        s->last_t = write_db_->last_raw_t(s->id, kNoTime);
      } catch (const SqliteError& e) {
        if (!e.damaged_file()) throw;
        ++stats_.corrupted_reads;
      }
    }
  }
  read_db_ = std::make_unique<HistoryDb>(options_.path);
}

SeriesState* HistoryStore::series_for(const Labels& labels) {
  const std::uint64_t hash = series_hash(labels);
  const auto found = series_.find(hash);
  if (found != series_.end()) {
    for (auto& s : found->second) {
      if (s->labels == labels) return s.get();
    }
  }
  if (options_.max_series != 0 && series_count_ >= options_.max_series) return nullptr;
  auto s = std::make_unique<SeriesState>();
  s->id = next_id_++;
  s->hash = hash;
  s->labels = labels;
  auto& bucket = series_[hash];
  bucket.push_back(std::move(s));
  ++series_count_;
  return bucket.back().get();
}

void HistoryStore::trim_pending_locked() {
  // A disk slower than the scrapes (or failing) must not grow memory without bound: past the cap the
  // oldest sealed chunks waiting for a flush are dropped and counted.
  std::size_t drop = 0;
  while (drop < pending_.size() && pending_bytes_ > options_.max_pending_bytes) {
    pending_bytes_ -= pending_[drop].row.data.size();
    stats_.samples_dropped += pending_[drop].samples;
    unflushed_ -= std::min<std::uint64_t>(unflushed_, pending_[drop].samples);
    ++drop;
  }
  if (drop > 0) pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(drop));
}

void HistoryStore::seal_raw(SeriesState& s) {
  const std::uint64_t samples = s.raw->count();
  ChunkRow row{s.id, s.raw->first_t(), s.raw->first_t(), s.raw->last_t(), s.raw->bytes()};
  pending_bytes_ += row.data.size();
  pending_.push_back(PendingChunk{ChunkKind::raw, std::move(row), samples});
  s.raw.reset();
  ++stats_.chunks_sealed;
  if (pending_bytes_ > options_.max_pending_bytes) trim_pending_locked();
}

void HistoryStore::close_bucket(SeriesState& s) {
  if (s.agg && s.agg->count() >= options_.buckets_per_aggregate_chunk) {
    ChunkRow row = aggregate_row(s.id, s.agg_key_t, *s.agg, options_.aggregation_interval_ms);
    pending_bytes_ += row.data.size();
    pending_.push_back(PendingChunk{ChunkKind::aggregate, std::move(row), 0});
    s.agg.reset();
    ++stats_.chunks_sealed;
    if (pending_bytes_ > options_.max_pending_bytes) trim_pending_locked();
  }
  if (!s.agg) {
    s.agg.emplace(ChunkEncoding::aggregate);
    s.agg_key_t = s.bucket_first_t;
  }
  append_bucket(*s.agg, s.bucket);
  s.bucket_open = false;
}

void HistoryStore::append(const Labels& labels, std::span<const storage::Sample> samples) {
  std::lock_guard lock(mu_);
  SeriesState* s = series_for(labels);
  if (s == nullptr) {
    ++stats_.series_rejected;
    stats_.samples_series_limit += samples.size();
    return;
  }
  append_locked(*s, samples);
}

void HistoryStore::append_batch(std::span<const BatchSample> samples) {
  std::lock_guard lock(mu_);
  for (const BatchSample& b : samples) {
    SeriesState* s = series_for(*b.labels);
    if (s == nullptr) {
      ++stats_.series_rejected;
      ++stats_.samples_series_limit;
      continue;
    }
    append_locked(*s, std::span(&b.sample, 1));
  }
}

void HistoryStore::append_locked(SeriesState& s, std::span<const storage::Sample> samples) {
  for (const storage::Sample& sample : samples) {
    if (sample.t <= s.last_t) {
      ++stats_.samples_out_of_order;
      continue;
    }
    if (s.raw && (s.raw->count() >= options_.samples_per_chunk ||
                  sample.t - s.raw->first_t() > options_.max_chunk_span_ms)) {
      seal_raw(s);
    }
    if (!s.raw) s.raw.emplace(ChunkEncoding::raw);
    s.raw->append(sample.t, std::span(&sample.v, 1));
    s.last_t = sample.t;
    ++stats_.samples_appended;
    ++unflushed_;
    if (storage::is_stale_marker(sample.v)) continue;  // not a sample for aggregation
    const TimestampMs start = bucket_start(sample.t, options_.aggregation_interval_ms);
    if (s.bucket_open && start != s.bucket.start) close_bucket(s);
    if (!s.bucket_open) {
      s.bucket = Aggregate{};
      s.bucket.start = start;
      s.bucket_first_t = sample.t;
      s.bucket_open = true;
    }
    s.bucket.add(sample.t, sample.v);
  }
  if (!s.dirty) {
    s.dirty = true;
    dirty_.push_back(&s);
  }
}

bool HistoryStore::flush() {
  struct HeadWrite {
    ChunkKind kind;
    std::int64_t series_id;
    std::optional<ChunkRow> row;  // nullopt: delete the head
  };
  std::vector<SeriesState*> new_series;
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> new_series_rows;
  std::vector<SeriesState*> touched;
  std::vector<HeadWrite> heads;
  std::vector<PendingChunk> sealed;
  std::uint64_t samples = 0;

  std::lock_guard write_lock(write_mu_);
  {
    // Snapshot what is buffered; the write itself happens without blocking appends.
    std::lock_guard lock(mu_);
    for (SeriesState* s : dirty_) {
      s->dirty = false;
      touched.push_back(s);
      if (!s->persisted) {
        new_series.push_back(s);
        new_series_rows.emplace_back(s->hash, encode_labels(s->labels));
        s->persisted = true;
      }
      if (s->raw) {
        heads.push_back({ChunkKind::raw, s->id,
                         ChunkRow{s->id, s->raw->first_t(), s->raw->first_t(), s->raw->last_t(), s->raw->bytes()}});
        s->raw_head_on_disk = true;
      } else if (s->raw_head_on_disk) {
        heads.push_back({ChunkKind::raw, s->id, std::nullopt});
        s->raw_head_on_disk = false;
      }
      if (s->agg || s->bucket_open) {
        // The open bucket is written as a provisional last entry; the next flush rewrites it.
        ChunkEncoder encoder = s->agg ? *s->agg : ChunkEncoder(ChunkEncoding::aggregate);
        if (s->bucket_open) append_bucket(encoder, s->bucket);
        const TimestampMs key = s->agg ? s->agg_key_t : s->bucket_first_t;
        heads.push_back({ChunkKind::aggregate, s->id, aggregate_row(s->id, key, encoder, options_.aggregation_interval_ms)});
        s->agg_head_on_disk = true;
      } else if (s->agg_head_on_disk) {
        heads.push_back({ChunkKind::aggregate, s->id, std::nullopt});
        s->agg_head_on_disk = false;
      }
    }
    dirty_.clear();
    sealed.swap(pending_);
    pending_bytes_ = 0;
    samples = unflushed_;
    unflushed_ = 0;
  }
  if (touched.empty() && sealed.empty()) return true;

  const auto started = std::chrono::steady_clock::now();
  try {
    write_db_->begin();
    for (std::size_t i = 0; i < new_series.size(); ++i) {
      write_db_->insert_series(new_series[i]->id, new_series_rows[i].first, new_series_rows[i].second);
    }
    for (const PendingChunk& chunk : sealed) write_db_->insert_chunk(chunk.kind, chunk.row);
    for (const HeadWrite& head : heads) {
      if (head.row) {
        write_db_->put_head(head.kind, *head.row);
      } else {
        write_db_->delete_head(head.kind, head.series_id);
      }
    }
    write_db_->commit();
  } catch (const std::exception& e) {
    write_db_->rollback();
    logger("history")->warn("history flush failed, kept for retry err={}", logfmt_value(e.what()));
    std::lock_guard lock(mu_);
    ++stats_.flush_failures;
    for (SeriesState* s : new_series) s->persisted = false;
    for (SeriesState* s : touched) {
      // What the rolled-back transaction left on disk is the previous state: deleting a head that is not
      // there is harmless, leaving one that is would duplicate a chunk.
      s->raw_head_on_disk = true;
      s->agg_head_on_disk = true;
      if (!s->dirty) {
        s->dirty = true;
        dirty_.push_back(s);
      }
    }
    unflushed_ += samples;
    // Put the sealed chunks back in front, dropping the oldest beyond the cap.
    sealed.insert(sealed.end(), std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    pending_.clear();
    std::size_t bytes = 0;
    for (const PendingChunk& c : sealed) bytes += c.row.data.size();
    std::size_t drop = 0;
    while (drop < sealed.size() && bytes > options_.max_pending_bytes) {
      bytes -= sealed[drop].row.data.size();
      stats_.samples_dropped += sealed[drop].samples;
      unflushed_ -= std::min<std::uint64_t>(unflushed_, sealed[drop].samples);
      ++drop;
    }
    pending_.assign(std::make_move_iterator(sealed.begin() + static_cast<std::ptrdiff_t>(drop)),
                    std::make_move_iterator(sealed.end()));
    pending_bytes_ = bytes;
    return false;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard lock(mu_);
  ++stats_.flushes;
  stats_.samples_flushed += samples;
  stats_.flush_seconds_total += seconds;
  stats_.last_flush_seconds = seconds;
  return true;
}

void HistoryStore::start_flusher() {
  if (flusher_.joinable()) return;
  flusher_ = std::thread([this] { flusher_loop(); });
}

void HistoryStore::stop_flusher() {
  {
    std::lock_guard lock(flusher_mu_);
    stopping_ = true;
  }
  flusher_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::lock_guard lock(flusher_mu_);
  stopping_ = false;
}

void HistoryStore::flusher_loop() {
  std::unique_lock lock(flusher_mu_);
  while (!stopping_) {
    flusher_cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

std::vector<std::pair<std::int64_t, Labels>> HistoryStore::matching(
    const std::vector<storage::LabelMatcher>& matchers) {
  std::vector<std::pair<std::int64_t, Labels>> out;
  std::lock_guard lock(mu_);
  for (const auto& [hash, bucket] : series_) {
    for (const auto& s : bucket) {
      if (matches_all(matchers, s->labels)) out.emplace_back(s->id, s->labels);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return out;
}

std::vector<Labels> HistoryStore::series(const std::vector<storage::LabelMatcher>& matchers) {
  std::vector<Labels> out;
  for (auto& [id, labels] : matching(matchers)) out.push_back(std::move(labels));
  return out;
}

std::vector<SeriesSamples> HistoryStore::select(const std::vector<storage::LabelMatcher>& matchers,
                                                TimestampMs start_ms, TimestampMs end_ms, std::size_t max_samples) {
  std::size_t total = 0;
  std::vector<SeriesSamples> result;
  if (end_ms < start_ms) return result;
  const auto series = matching(matchers);
  std::lock_guard lock(read_mu_);
  DecodedChunk decoded;
  std::string error;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : series) {
    const auto id = entry.first;
    const auto& labels = entry.second;
    SeriesSamples out{labels, {}};
    try {
      read_db_->read_chunks(ChunkKind::raw, id, start_ms, end_ms, raw_span_, [&](const ChunkRow& row) {
        if (!decode_chunk(row.data, row.start_t, ChunkEncoding::raw, decoded, error)) {
          ++corrupted_chunks_;
          logger("history")->warn("corrupted chunk skipped series_id={} min_t={} err={}", id, row.min_t,
                                  logfmt_value(error));
          return;
        }
        // The chunk's part in [start_ms, end_ms] after the last sample taken (overlapping chunks: first
        // wins), found by binary search on the decoded timestamps and copied in one loop.
        const auto& ts = decoded.timestamps;
        auto from = std::lower_bound(ts.begin(), ts.end(), start_ms);
        if (!out.samples.empty()) from = std::upper_bound(from, ts.end(), out.samples.back().t);
        const auto first = static_cast<std::size_t>(from - ts.begin());
        const auto last = static_cast<std::size_t>(std::upper_bound(ts.begin(), ts.end(), end_ms) - ts.begin());
        if (first >= last) return;
        total += last - first;
        if (max_samples != 0 && total > max_samples) {
          throw HistoryLimitError("the history read would return more than " + std::to_string(max_samples) +
                                  " samples");
        }
        if (out.samples.capacity() < out.samples.size() + (last - first)) {
          // Chunks of one series hold about as many samples each: room for as many again as read so far.
          out.samples.reserve(std::max(out.samples.size() * 2, out.samples.size() + (last - first)));
        }
        for (std::size_t i = first; i < last; ++i) out.samples.push_back({ts[i], decoded.values[i]});
      });
    } catch (const SqliteError& e) {
      if (!e.damaged_file()) throw;
      ++corrupted_reads_;
    }
    if (!out.samples.empty()) result.push_back(std::move(out));
  }
  return result;
}

std::size_t HistoryStore::estimate_samples(const std::vector<storage::LabelMatcher>& matchers,
                                          TimestampMs start_ms, TimestampMs end_ms) {
  if (end_ms < start_ms) return 0;
  const auto series = matching(matchers);
  std::lock_guard lock(read_mu_);
  std::size_t chunks = 0;
  for (const auto& entry : series) {
    try {
      chunks += static_cast<std::size_t>(read_db_->count_raw_chunks(entry.first, start_ms, end_ms, raw_span_));
    } catch (const SqliteError& e) {
      if (!e.damaged_file()) throw;
    }
  }
  return chunks * options_.samples_per_chunk;
}

std::size_t HistoryStore::count_series(const std::vector<storage::LabelMatcher>& matchers) {
  std::size_t n = 0;
  std::lock_guard lock(mu_);
  for (const auto& [hash, bucket] : series_) {
    for (const auto& s : bucket) n += matches_all(matchers, s->labels) ? 1 : 0;
  }
  return n;
}

std::vector<SeriesAggregates> HistoryStore::select_aggregated(const std::vector<storage::LabelMatcher>& matchers,
                                                              TimestampMs start_ms, TimestampMs end_ms,
                                                              std::int64_t interval_ms, std::size_t max_buckets) {
  std::size_t total = 0;
  const std::int64_t base = options_.aggregation_interval_ms;
  if (interval_ms <= 0 || interval_ms % base != 0) {
    throw std::invalid_argument("history: the interval must be a positive multiple of the aggregation interval");
  }
  std::vector<SeriesAggregates> result;
  const TimestampMs first = bucket_start(start_ms, interval_ms);
  if (end_ms < first) return result;
  // An aggregate chunk starts at most one chunk's worth of buckets before the first sample that keys it;
  // twice that allows for a configuration that changed between runs.
  const std::int64_t span = 2 * static_cast<std::int64_t>(options_.buckets_per_aggregate_chunk + 1) * base;
  const auto series = matching(matchers);
  std::lock_guard lock(read_mu_);
  DecodedChunk decoded;
  std::string error;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : series) {
    const auto id = entry.first;
    const auto& labels = entry.second;
    std::map<TimestampMs, Aggregate> buckets;
    TimestampMs order = 0;  // read order: a later chunk's `last` wins for the same bucket
    try {
      read_db_->read_chunks(ChunkKind::aggregate, id, first, end_ms + base, span, [&](const ChunkRow& row) {
        if (!decode_chunk(row.data, row.start_t, ChunkEncoding::aggregate, decoded, error)) {
          ++corrupted_chunks_;
          logger("history")->warn("corrupted chunk skipped series_id={} min_t={} err={}", id, row.min_t,
                                  logfmt_value(error));
          return;
        }
        for (std::size_t i = 0; i < decoded.timestamps.size(); ++i) {
          const TimestampMs target = bucket_start(decoded.timestamps[i], interval_ms);
          if (target < first || target > end_ms) continue;
          const double* v = &decoded.values[i * 5];
          Aggregate stored{decoded.timestamps[i], v[0], v[1], v[2], v[3], v[4], ++order};
          auto [it, inserted] = buckets.try_emplace(target);
          if (inserted) {
            it->second.start = target;
            if (max_buckets != 0 && ++total > max_buckets) {
              throw HistoryLimitError("the history read would return more than " + std::to_string(max_buckets) +
                                      " buckets");
            }
          }
          it->second.merge(stored);
        }
      });
    } catch (const SqliteError& e) {
      if (!e.damaged_file()) throw;
      ++corrupted_reads_;
    }
    if (buckets.empty()) continue;
    SeriesAggregates out{labels, {}};
    for (auto& [start, a] : buckets) {
      a.last_t = 0;
      out.buckets.push_back(a);
    }
    result.push_back(std::move(out));
  }
  return result;
}

void HistoryStore::enforce_retention(TimestampMs now_ms) {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(mu_);
    for (const auto& [hash, bucket] : series_) {
      for (const auto& s : bucket) ids.push_back(s->id);
    }
  }
  std::uint64_t raw_deleted = 0;
  std::uint64_t agg_deleted = 0;
  {
    std::lock_guard write_lock(write_mu_);
    try {
      write_db_->begin();
      for (const std::int64_t id : ids) {
        raw_deleted += static_cast<std::uint64_t>(
            write_db_->delete_before(ChunkKind::raw, id, now_ms - options_.raw_retention_ms));
        agg_deleted += static_cast<std::uint64_t>(
            write_db_->delete_before(ChunkKind::aggregate, id, now_ms - options_.aggregated_retention_ms));
      }
      write_db_->commit();
    } catch (const std::exception& e) {
      write_db_->rollback();
      logger("history")->warn("history retention failed err={}", logfmt_value(e.what()));
      return;
    }
  }
  std::lock_guard lock(mu_);
  stats_.raw_chunks_deleted += raw_deleted;
  stats_.aggregate_chunks_deleted += agg_deleted;
}

std::uint64_t HistoryStore::disk_bytes() const {
  return file_size(options_.path) + file_size(options_.path + "-wal");
}

void HistoryStore::checkpoint() {
  std::lock_guard write_lock(write_mu_);
  write_db_->checkpoint();
}

HistoryStats HistoryStore::stats() const {
  std::lock_guard lock(mu_);
  HistoryStats out = stats_;
  out.series = series_count_;
  out.corrupted_chunks = corrupted_chunks_.load();
  out.corrupted_reads += corrupted_reads_.load();
  return out;
}

}  // namespace twikit::history
