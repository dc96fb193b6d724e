#pragma once
// alertd's SQLite database: one connection in WAL mode, versioned migrations, and a small statement helper.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace twikit::persistence {

/// A prepared statement bound and stepped by the caller (who holds Database::mutex()). Not thread-safe.
class Statement {
 public:
  /// Prepares `sql` on `db`; throws std::runtime_error on a syntax error.
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds a text parameter (1-based).
  Statement& bind(int index, const std::string& value);
  /// Binds an integer parameter (1-based).
  Statement& bind(int index, std::int64_t value);
  /// Binds NULL (1-based).
  Statement& bind_null(int index);
  /// Steps once; true while a row is available. Throws std::runtime_error on an error.
  bool step();
  /// Runs to completion (for statements without results).
  void run();
  /// Resets the statement and clears its bindings so it can be run again.
  void reset();
  /// Column `i` of the current row as text ("" for NULL).
  std::string text(int i) const;
  /// Column `i` of the current row as an integer (0 for NULL).
  std::int64_t integer(int i) const;
  /// Whether column `i` of the current row is NULL.
  bool is_null(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// One SQL migration: applied once, in version order, inside a transaction.
struct Migration {
  int version;       ///< Strictly increasing.
  std::string sql;   ///< Statements separated by ';'.
};

/// An open database. All access goes through one connection guarded by mutex(). Copy/move deleted.
class Database {
 public:
  /// Opens (creating) `path` in WAL mode with synchronous=NORMAL and a busy timeout, then applies the
  /// pending `migrations` (recorded in schema_migrations). Throws std::runtime_error on failure.
  Database(const std::string& path, const std::vector<Migration>& migrations);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs SQL without results; throws std::runtime_error on failure. Caller holds mutex().
  void exec(const std::string& sql);
  /// Prepares a statement. Caller holds mutex().
  Statement prepare(const std::string& sql) { return Statement(db_, sql); }
  /// The lock every user of the connection holds while using it.
  std::recursive_mutex& mutex() { return mu_; }
  /// The highest applied migration version.
  int schema_version();
  /// The journal mode in effect ("wal").
  std::string journal_mode();

 private:
  sqlite3* db_ = nullptr;
  std::recursive_mutex mu_;
};

/// alertd's schema: outbox, nflog, silences, alerts, acknowledgements, alert_history, and the rule
/// engine's active alerts (rule_alerts, rule_state).
const std::vector<Migration>& alertd_migrations();

}  // namespace twikit::persistence
