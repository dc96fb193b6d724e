#pragma once
// The outbox and the notification log in SQLite: what survives a kill -9 of alertd.

#include "alertd/notify/nflog.h"
#include "alertd/notify/outbox.h"
#include "alertd/persistence/database.h"

namespace twikit::persistence {

/// The outbox table. Thread-safe (serialised on the database mutex).
class SqliteOutbox final : public notify::Outbox {
 public:
  /// Uses `db`, which must outlive it.
  explicit SqliteOutbox(Database& db) : db_(db) {}
  std::int64_t add(const notify::OutboxEntry& entry) override;
  void mark_delivered(std::int64_t id, TimestampMs at) override;
  void mark_failed(std::int64_t id, TimestampMs at, const std::string& reason) override;
  std::vector<notify::OutboxEntry> pending() override;
  std::size_t depth() override;
  /// Deletes finished rows older than `before`; returns how many.
  std::size_t prune(TimestampMs before);

 private:
  Database& db_;
};

/// The nflog table. Thread-safe.
class SqliteNotificationLog final : public notify::NotificationLog {
 public:
  /// Uses `db`, which must outlive it.
  explicit SqliteNotificationLog(Database& db) : db_(db) {}
  std::optional<notify::NflogEntry> last(const std::string& group_key, const std::string& integration_id) override;
  void record(const notify::NflogEntry& entry) override;

 private:
  Database& db_;
};

/// A fingerprint set as comma-separated hex ("" for none).
std::string encode_fingerprints(const std::set<notify::Fingerprint>& fps);
/// The inverse of encode_fingerprints().
std::set<notify::Fingerprint> decode_fingerprints(const std::string& text);

}  // namespace twikit::persistence
