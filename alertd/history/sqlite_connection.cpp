#include "alertd/history/sqlite_connection.h"

#include <sqlite3.h>

namespace twikit::history {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  throw SqliteError("sqlite " + what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)),
                    rc & 0xFF);
}

}  // namespace

bool SqliteError::damaged_file() const { return code_ == SQLITE_CORRUPT || code_ == SQLITE_NOTADB; }

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, std::string("prepare (") + sql + ")");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void SqliteStatement::bind(int index, std::span<const std::uint8_t> value) {
  sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(db_, rc, "step");
}

void SqliteStatement::run() {
  while (step()) {
  }
  reset();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::integer(int i) const { return sqlite3_column_int64(stmt_, i); }

std::span<const std::uint8_t> SqliteStatement::blob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  const int n = sqlite3_column_bytes(stmt_, i);
  if (p == nullptr || n <= 0) return {};
  return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
}

SqliteConnection::SqliteConnection(const std::string& path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = std::string("sqlite open ") + path + ": " + sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(message, rc & 0xFF);
  }
  sqlite3_busy_timeout(db_, 5000);
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

void SqliteConnection::exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string message = "sqlite exec: " + std::string(err != nullptr ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    throw SqliteError(message, sqlite3_errcode(db_) & 0xFF);
  }
}

std::int64_t SqliteConnection::query_integer(const std::string& sql) {
  SqliteStatement stmt(db_, sql.c_str());
  return stmt.step() ? stmt.integer(0) : 0;
}

}  // namespace twikit::history
