#pragma once
// The outbox: every notification is written here before it is sent and marked when delivered, so a crash
// loses nothing (pending entries go out after a restart; the notification log keeps duplicates out).

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// One notification waiting for (or past) delivery through one integration.
struct OutboxEntry {
  std::int64_t id = 0;                ///< Assigned by Outbox::add().
  std::string integration_id;         ///< "<receiver>/<kind>/<index>".
  Notification notification;          ///< What to send (alerts already filtered for the integration).
  std::set<Fingerprint> firing;       ///< Firing alerts, recorded in the notification log on delivery.
  std::set<Fingerprint> resolved;     ///< Resolved alerts, likewise.
  TimestampMs created_at = 0;         ///< When it was written.
};

/// Stores outbox entries. Implementations are thread-safe.
class Outbox {
 public:
  virtual ~Outbox() = default;
  /// Writes a pending entry and returns its id.
  virtual std::int64_t add(const OutboxEntry& entry) = 0;
  /// Marks entry `id` delivered at `at`.
  virtual void mark_delivered(std::int64_t id, TimestampMs at) = 0;
  /// Marks entry `id` as given up with `reason` (it will not be sent again).
  virtual void mark_failed(std::int64_t id, TimestampMs at, const std::string& reason) = 0;
  /// All pending entries, oldest first.
  virtual std::vector<OutboxEntry> pending() = 0;
  /// Number of pending entries.
  virtual std::size_t depth() = 0;
};

/// An in-memory outbox (tests, and a daemon without a database). Thread-safe.
class MemoryOutbox final : public Outbox {
 public:
  std::int64_t add(const OutboxEntry& entry) override;
  void mark_delivered(std::int64_t id, TimestampMs at) override;
  void mark_failed(std::int64_t id, TimestampMs at, const std::string& reason) override;
  std::vector<OutboxEntry> pending() override;
  std::size_t depth() override;

 private:
  std::mutex mu_;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, OutboxEntry> pending_;
};

}  // namespace twikit::notify
