#pragma once
// The notification log: what was last sent for each (aggregation group, integration), for de-duplication.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "alertd/notify/alert.h"

namespace twikit::notify {

/// The last successful notification of one group through one integration.
struct NflogEntry {
  std::string group_key;              ///< Aggregation group.
  std::string integration_id;         ///< "<receiver>/<kind>/<index>".
  std::set<Fingerprint> firing;       ///< Alerts that were firing in it.
  std::set<Fingerprint> resolved;     ///< Alerts that were resolved in it.
  TimestampMs sent_at = 0;            ///< Flush time of the delivered notification (its group tick).
};

/// Stores NflogEntry values. Implementations are thread-safe.
class NotificationLog {
 public:
  virtual ~NotificationLog() = default;
  /// The last entry for (group_key, integration_id), if any.
  virtual std::optional<NflogEntry> last(const std::string& group_key, const std::string& integration_id) = 0;
  /// Replaces the entry for the entry's (group_key, integration_id).
  virtual void record(const NflogEntry& entry) = 0;
};

/// An in-memory notification log (tests, and a daemon without a database). Thread-safe.
class MemoryNotificationLog final : public NotificationLog {
 public:
  std::optional<NflogEntry> last(const std::string& group_key, const std::string& integration_id) override;
  void record(const NflogEntry& entry) override;

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, NflogEntry> entries_;
};

/// Alertmanager's rule for whether a group must be (re-)notified: new firing alerts; all resolved after
/// something fired; newly resolved alerts when `send_resolved`; or `repeat_interval_ms` passed since the
/// last send. `resolved_notice` lists resolved alerts that were silenced while firing: they are announced
/// (when send_resolved) even though no firing notification preceded them.
bool needs_update(const std::optional<NflogEntry>& previous, const std::set<Fingerprint>& firing,
                  const std::set<Fingerprint>& resolved, bool send_resolved, TimestampMs now,
                  std::int64_t repeat_interval_ms, const std::set<Fingerprint>& resolved_notice = {});

}  // namespace twikit::notify
