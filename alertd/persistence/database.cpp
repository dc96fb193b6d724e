#include "alertd/persistence/database.h"

#include <stdexcept>

#include <sqlite3.h>

namespace twikit::persistence {

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db_));
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int i) const {
  const unsigned char* t = sqlite3_column_text(stmt_, i);
  if (!t) return {};
  return std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::int64_t Statement::integer(int i) const { return sqlite3_column_int64(stmt_, i); }

bool Statement::is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

Database::Database(const std::string& path, const std::vector<Migration>& migrations) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const int current = schema_version();
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    exec("BEGIN IMMEDIATE");
    try {
      exec(m.sql);
      exec("INSERT INTO schema_migrations(version, applied_at) VALUES (" + std::to_string(m.version) +
           ", CAST(strftime('%s','now') AS INTEGER) * 1000)");
      exec("COMMIT");
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  }
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg);
  }
}

int Database::schema_version() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  Statement s(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

std::string Database::journal_mode() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  Statement s(db_, "PRAGMA journal_mode");
  return s.step() ? s.text(0) : "";
}

}  // namespace twikit::persistence
