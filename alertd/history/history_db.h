#pragma once
// The history file's schema and every statement on it: series, sealed chunks, open ("head") chunks.
//
// Sealed chunks are rows appended in write order (so pages fill completely) with a unique index on
// (series_id, min_t) for range reads and retention; a table clustered by series (WITHOUT ROWID) measured
// 15 % larger, its pages half-filled by inserts landing all over the tree. The chunk each series is still
// filling lives in a small head table, rewritten in place at every flush; at open, heads left by the
// previous run are sealed as they are.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "alertd/history/sqlite_connection.h"
#include "common/clock.h"

namespace twikit::history {

/// Raw samples or aggregate buckets.
enum class ChunkKind { raw, aggregate };

/// One chunk as stored: its series, the key timestamp (the first sample it holds), the first entry's
/// timestamp (equal to min_t for raw chunks; the first bucket's start for aggregates), the end of the
/// time it covers, and the encoded bytes.
struct ChunkRow {
  std::int64_t series_id = 0;  ///< The series' row id.
  TimestampMs min_t = 0;       ///< The first raw sample the chunk holds (unique per series).
  TimestampMs start_t = 0;     ///< The first entry's timestamp, needed to decode.
  TimestampMs max_t = 0;       ///< The last timestamp covered (a bucket's end for aggregates).
  std::vector<std::uint8_t> data;  ///< The encoded chunk.
};

/// One connection to the history file with its prepared statements. Not thread-safe: the owner locks.
class HistoryDb {
 public:
  /// Opens (creating) the file, in WAL mode with synchronous=FULL (every commit is fsynced), and creates
  /// the schema. Throws SqliteError; damaged_file() tells a damaged file from other failures.
  explicit HistoryDb(const std::string& path);
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  /// Seals the head chunks a previous run left (moves them to the sealed tables).
  void seal_heads();
  /// Calls `fn(id, hash, labels bytes)` for every stored series.
  void for_each_series(const std::function<void(std::int64_t, std::int64_t, std::span<const std::uint8_t>)>& fn);
  /// The latest raw timestamp stored for a series, or `fallback` when it has none.
  TimestampMs last_raw_t(std::int64_t series_id, TimestampMs fallback);
  /// The longest span a sealed chunk may have, as recorded (the maximum ever configured).
  std::int64_t max_chunk_span();
  /// Records `span` if it is longer than the recorded maximum.
  void note_chunk_span(std::int64_t span);

  /// Starts a write transaction.
  void begin();
  /// Commits the transaction.
  void commit();
  /// Rolls the transaction back (no-op when none is open).
  void rollback() noexcept;

  /// Stores a new series.
  void insert_series(std::int64_t id, std::uint64_t hash, std::span<const std::uint8_t> labels);
  /// Stores a sealed chunk.
  void insert_chunk(ChunkKind kind, const ChunkRow& row);
  /// Writes (or replaces) a series' head chunk.
  void put_head(ChunkKind kind, const ChunkRow& row);
  /// Removes a series' head chunk.
  void delete_head(ChunkKind kind, std::int64_t series_id);

  /// Calls `fn(row)` for each chunk (sealed, then head) of a series that may hold data in [start, end],
  /// in min_t order. `max_span` bounds how far before `start` a chunk may begin.
  void read_chunks(ChunkKind kind, std::int64_t series_id, TimestampMs start, TimestampMs end,
                   std::int64_t max_span, const std::function<void(const ChunkRow&)>& fn);
  /// How many raw chunks (sealed and head) read_chunks(ChunkKind::raw, …) would visit, from the index
  /// and the rows' times only (no chunk is read).
  std::int64_t count_raw_chunks(std::int64_t series_id, TimestampMs start, TimestampMs end, std::int64_t max_span);
  /// Deletes a series' chunks (sealed and head) that end before `cutoff`; returns how many.
  std::int64_t delete_before(ChunkKind kind, std::int64_t series_id, TimestampMs cutoff);
  /// Copies the WAL into the main file and truncates it (after large deletes, for an exact disk_bytes).
  void checkpoint();

 private:
  struct Statements;
  SqliteConnection conn_;
  std::unique_ptr<Statements> stmts_;
};

}  // namespace twikit::history
