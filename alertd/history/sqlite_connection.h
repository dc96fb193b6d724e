#pragma once
// A minimal SQLite connection and statement for the history file (blobs, integers, error codes kept).

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace twikit::history {

/// An SQLite failure with its primary result code (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FULL, …).
class SqliteError : public std::runtime_error {
 public:
  /// Wraps `message` and the primary result `code`.
  SqliteError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  /// The primary result code.
  int code() const { return code_; }
  /// Whether the code says the file itself is damaged (SQLITE_CORRUPT or SQLITE_NOTADB).
  bool damaged_file() const;

 private:
  int code_;
};

/// A prepared statement; reset between uses. Not thread-safe: used under its connection's lock.
class SqliteStatement {
 public:
  /// Prepares `sql` on `db`; throws SqliteError.
  SqliteStatement(sqlite3* db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Binds an integer (1-based).
  void bind(int index, std::int64_t value);
  /// Binds a blob (1-based); the bytes are copied.
  void bind(int index, std::span<const std::uint8_t> value);
  /// Steps once; true while a row is available; throws SqliteError on failure.
  bool step();
  /// Runs a statement without results to completion and resets it.
  void run();
  /// Resets the statement (bindings are replaced by the next binds).
  void reset();
  /// Column `i` of the current row as an integer.
  std::int64_t integer(int i) const;
  /// Column `i` of the current row as bytes, valid until the next step or reset.
  std::span<const std::uint8_t> blob(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// One connection to an SQLite file. Copy/move deleted; not thread-safe (the owner locks).
class SqliteConnection {
 public:
  /// Opens (creating) `path`; throws SqliteError.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  /// Runs SQL without results (several statements allowed); throws SqliteError.
  void exec(const std::string& sql);
  /// Runs a query returning one integer (0 when it returns no row).
  std::int64_t query_integer(const std::string& sql);
  /// The raw handle, for preparing statements.
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace twikit::history
