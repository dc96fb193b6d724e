#pragma once
// The rule engine's pending and firing alerts in SQLite, so that `for` progress and firing alerts carry on
// across a restart (the part of Prometheus' ALERTS_FOR_STATE restore that alertd needs).

#include <string>
#include <vector>

#include "alertd/persistence/database.h"
#include "common/clock.h"
#include "common/labels.h"

namespace twikit::persistence {

/// One active alert of an alerting rule, as the rule engine holds it.
struct RememberedAlert {
  Labels labels;               ///< The alert's labels (alertname, rule labels, series labels).
  bool firing = false;         ///< Firing, else pending.
  TimestampMs active_at = 0;   ///< When the rule's expression first returned it.
  TimestampMs fired_at = 0;    ///< When it started firing (0 while pending).

  friend bool operator==(const RememberedAlert&, const RememberedAlert&) = default;
};

/// The rule_alerts table plus the time it was last known current. Thread-safe.
class RuleStateStore {
 public:
  /// Uses `db`, which must outlive it.
  explicit RuleStateStore(Database& db) : db_(db) {}

  /// Records that `alerts` (in a stable order) are the active alerts at `now`: the rows are rewritten only
  /// when they changed since the last call, the time always.
  void save(const std::vector<RememberedAlert>& alerts, TimestampMs now);
  /// The alerts last saved, in the order saved, and in `saved_at` the time of the last save (0 if never).
  /// Rows that do not read back are skipped (logged once); it throws only when SQLite itself fails.
  std::vector<RememberedAlert> load(TimestampMs* saved_at) const;

 private:
  Database& db_;
  std::vector<RememberedAlert> last_saved_;
  bool loaded_ = false;  // last_saved_ reflects the table
  mutable bool skips_logged_ = false;     // unreadable rows are logged by the first load only
  mutable bool unreadable_rows_ = false;  // the table holds rows load() skipped: the next save rewrites it
};

}  // namespace twikit::persistence
