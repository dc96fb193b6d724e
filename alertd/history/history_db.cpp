#include "alertd/history/history_db.h"

#include <sqlite3.h>

namespace twikit::history {
namespace {

// Sealed chunks in write order with a (series, first sample) index; heads are one row per series. The page size
// (8 KiB) keeps a full raw chunk (up to ~1 KiB of random-walk floats) inside its b-tree page.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, labels BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS series_hash ON series(hash);
CREATE TABLE IF NOT EXISTS raw_chunks (series_id INTEGER NOT NULL, min_t INTEGER NOT NULL,
  max_t INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS raw_chunks_key ON raw_chunks(series_id, min_t);
CREATE TABLE IF NOT EXISTS raw_head (series_id INTEGER PRIMARY KEY, min_t INTEGER NOT NULL,
  max_t INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS agg_chunks (series_id INTEGER NOT NULL, min_t INTEGER NOT NULL,
  start_t INTEGER NOT NULL, max_t INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS agg_chunks_key ON agg_chunks(series_id, min_t);
CREATE TABLE IF NOT EXISTS agg_head (series_id INTEGER PRIMARY KEY, min_t INTEGER NOT NULL,
  start_t INTEGER NOT NULL, max_t INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('format', 1), ('max_chunk_span_ms', 0);
)sql";

}  // namespace

struct HistoryDb::Statements {
  explicit Statements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        insert_series(db, "INSERT OR REPLACE INTO series(id, hash, labels) VALUES (?1, ?2, ?3)"),
        insert_raw(db, "INSERT OR REPLACE INTO raw_chunks(series_id, min_t, max_t, data) VALUES (?1, ?2, ?4, ?5)"),
        insert_agg(db,
                   "INSERT OR REPLACE INTO agg_chunks(series_id, min_t, start_t, max_t, data) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)"),
        put_raw_head(db, "INSERT OR REPLACE INTO raw_head(series_id, min_t, max_t, data) VALUES (?1, ?2, ?4, ?5)"),
        put_agg_head(db,
                     "INSERT OR REPLACE INTO agg_head(series_id, min_t, start_t, max_t, data) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)"),
        delete_raw_head(db, "DELETE FROM raw_head WHERE series_id = ?1"),
        delete_agg_head(db, "DELETE FROM agg_head WHERE series_id = ?1"),
        read_raw(db,
                 "SELECT min_t, min_t, max_t, data FROM raw_chunks WHERE series_id = ?1 AND min_t >= ?2 "
                 "AND min_t <= ?3 AND max_t >= ?4 "
                 "UNION ALL SELECT min_t, min_t, max_t, data FROM raw_head WHERE series_id = ?1 "
                 "AND min_t <= ?3 AND max_t >= ?4 ORDER BY 1"),
        read_agg(db,
                 "SELECT min_t, start_t, max_t, data FROM agg_chunks WHERE series_id = ?1 AND min_t >= ?2 "
                 "AND min_t <= ?3 AND max_t >= ?4 "
                 "UNION ALL SELECT min_t, start_t, max_t, data FROM agg_head WHERE series_id = ?1 "
                 "AND start_t <= ?3 AND max_t >= ?4 ORDER BY 1"),
        delete_raw(db, "DELETE FROM raw_chunks WHERE series_id = ?1 AND min_t < ?2 AND max_t < ?2"),
        delete_raw_head_before(db, "DELETE FROM raw_head WHERE series_id = ?1 AND max_t < ?2"),
        delete_agg(db, "DELETE FROM agg_chunks WHERE series_id = ?1 AND min_t < ?2 AND max_t < ?2"),
        delete_agg_head_before(db, "DELETE FROM agg_head WHERE series_id = ?1 AND max_t < ?2"),
        count_raw(db,
                  "SELECT (SELECT count(*) FROM raw_chunks WHERE series_id = ?1 AND min_t >= ?2 AND min_t <= ?3 "
                  "AND max_t >= ?4) + (SELECT count(*) FROM raw_head WHERE series_id = ?1 AND min_t <= ?3 "
                  "AND max_t >= ?4)"),
        last_raw(db, "SELECT max_t FROM raw_chunks WHERE series_id = ?1 ORDER BY min_t DESC LIMIT 1"),
        series(db, "SELECT id, hash, labels FROM series") {}

  SqliteStatement begin, commit, insert_series, insert_raw, insert_agg, put_raw_head, put_agg_head,
      delete_raw_head, delete_agg_head, read_raw, read_agg, delete_raw, delete_raw_head_before, delete_agg,
      delete_agg_head_before, count_raw, last_raw, series;
};

HistoryDb::HistoryDb(const std::string& path) : conn_(path) {
  // The page size only takes effect on a new file, before WAL mode is set.
  conn_.exec("PRAGMA page_size = 8192");
  conn_.exec("PRAGMA journal_mode = WAL");
  conn_.exec("PRAGMA synchronous = FULL");
  conn_.exec(kSchema);
  stmts_ = std::make_unique<Statements>(conn_.handle());
}

HistoryDb::~HistoryDb() = default;

void HistoryDb::seal_heads() {
  conn_.exec(
      "BEGIN IMMEDIATE;"
      "INSERT OR REPLACE INTO raw_chunks(series_id, min_t, max_t, data) SELECT series_id, min_t, max_t, data "
      "FROM raw_head;"
      "DELETE FROM raw_head;"
      "INSERT OR REPLACE INTO agg_chunks(series_id, min_t, start_t, max_t, data) "
      "SELECT series_id, min_t, start_t, max_t, data FROM agg_head;"
      "DELETE FROM agg_head;"
      "COMMIT;");
}

void HistoryDb::for_each_series(
    const std::function<void(std::int64_t, std::int64_t, std::span<const std::uint8_t>)>& fn) {
  SqliteStatement& s = stmts_->series;
  while (s.step()) fn(s.integer(0), s.integer(1), s.blob(2));
  s.reset();
}

TimestampMs HistoryDb::last_raw_t(std::int64_t series_id, TimestampMs fallback) {
  SqliteStatement& s = stmts_->last_raw;
  s.bind(1, series_id);
  const TimestampMs t = s.step() ? s.integer(0) : fallback;
  s.reset();
  return t;
}

std::int64_t HistoryDb::max_chunk_span() {
  return conn_.query_integer("SELECT value FROM meta WHERE key = 'max_chunk_span_ms'");
}

void HistoryDb::note_chunk_span(std::int64_t span) {
  conn_.exec("UPDATE meta SET value = max(value, " + std::to_string(span) + ") WHERE key = 'max_chunk_span_ms'");
}

void HistoryDb::begin() { stmts_->begin.run(); }

void HistoryDb::commit() { stmts_->commit.run(); }

void HistoryDb::rollback() noexcept {
  if (sqlite3_get_autocommit(conn_.handle()) == 0) sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void HistoryDb::insert_series(std::int64_t id, std::uint64_t hash, std::span<const std::uint8_t> labels) {
  SqliteStatement& s = stmts_->insert_series;
  s.bind(1, id);
  s.bind(2, static_cast<std::int64_t>(hash));
  s.bind(3, labels);
  s.run();
}

namespace {

void bind_row(SqliteStatement& s, const ChunkRow& row) {
  s.bind(1, row.series_id);
  s.bind(2, row.min_t);
  s.bind(3, row.start_t);
  s.bind(4, row.max_t);
  s.bind(5, std::span<const std::uint8_t>(row.data));
}

}  // namespace

void HistoryDb::insert_chunk(ChunkKind kind, const ChunkRow& row) {
  SqliteStatement& s = kind == ChunkKind::raw ? stmts_->insert_raw : stmts_->insert_agg;
  bind_row(s, row);
  s.run();
}

void HistoryDb::put_head(ChunkKind kind, const ChunkRow& row) {
  SqliteStatement& s = kind == ChunkKind::raw ? stmts_->put_raw_head : stmts_->put_agg_head;
  bind_row(s, row);
  s.run();
}

void HistoryDb::delete_head(ChunkKind kind, std::int64_t series_id) {
  SqliteStatement& s = kind == ChunkKind::raw ? stmts_->delete_raw_head : stmts_->delete_agg_head;
  s.bind(1, series_id);
  s.run();
}

void HistoryDb::read_chunks(ChunkKind kind, std::int64_t series_id, TimestampMs start, TimestampMs end,
                            std::int64_t max_span, const std::function<void(const ChunkRow&)>& fn) {
  SqliteStatement& s = kind == ChunkKind::raw ? stmts_->read_raw : stmts_->read_agg;
  s.bind(1, series_id);
  s.bind(2, start - max_span);
  s.bind(3, end);
  s.bind(4, start);
  ChunkRow row;
  row.series_id = series_id;
  try {
    while (s.step()) {
      row.min_t = s.integer(0);
      row.start_t = s.integer(1);
      row.max_t = s.integer(2);
      const auto data = s.blob(3);
      row.data.assign(data.begin(), data.end());
      fn(row);
    }
  } catch (...) {
    s.reset();
    throw;
  }
  s.reset();
}

std::int64_t HistoryDb::count_raw_chunks(std::int64_t series_id, TimestampMs start, TimestampMs end,
                                        std::int64_t max_span) {
  SqliteStatement& s = stmts_->count_raw;
  s.bind(1, series_id);
  s.bind(2, start - max_span);
  s.bind(3, end);
  s.bind(4, start);
  const std::int64_t n = s.step() ? s.integer(0) : 0;
  s.reset();
  return n;
}

std::int64_t HistoryDb::delete_before(ChunkKind kind, std::int64_t series_id, TimestampMs cutoff) {
  SqliteStatement& sealed = kind == ChunkKind::raw ? stmts_->delete_raw : stmts_->delete_agg;
  SqliteStatement& head = kind == ChunkKind::raw ? stmts_->delete_raw_head_before : stmts_->delete_agg_head_before;
  std::int64_t deleted = 0;
  for (SqliteStatement* s : {&sealed, &head}) {
    s->bind(1, series_id);
    s->bind(2, cutoff);
    s->run();
    deleted += sqlite3_changes(conn_.handle());
  }
  return deleted;
}

void HistoryDb::checkpoint() { conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

}  // namespace twikit::history
