#pragma once
// Every change made through the rules API (who, when, the rule before and after), in its own SQLite file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alertd/persistence/database.h"
#include "common/clock.h"

namespace twikit::rules_api {

/// One recorded change.
struct RuleChange {
  std::int64_t seq = 0;  ///< Increasing in the order changes were made.
  std::string rule_id;   ///< The rule's id after the change (before it, for a deletion).
  std::string action;    ///< "create", "update" or "delete".
  std::string by;        ///< Who: the X-Alertd-User header or the body's `by`, else "api".
  TimestampMs at = 0;    ///< When.
  std::string before;    ///< The rule before the change as JSON text; empty for a creation.
  std::string after;     ///< The rule after the change as JSON text; empty for a deletion.
};

/// The change log. Thread-safe (the database's mutex).
class RuleHistory {
 public:
  /// Opens (creating) the SQLite file at `path`; `clock` (outliving this) stamps the changes.
  RuleHistory(const std::string& path, const Clock& clock);

  /// Records a change and returns its sequence number.
  std::int64_t record(const std::string& rule_id, const std::string& action, const std::string& by,
                      const std::string& before, const std::string& after);

  /// Moves the changes of `old_id` to `new_id` (a rule renamed, or moved to another group, changes id).
  void rename(const std::string& old_id, const std::string& new_id);

  /// The changes of `rule_id`, newest first.
  std::vector<RuleChange> list(const std::string& rule_id);

 private:
  persistence::Database db_;
  const Clock& clock_;
};

}  // namespace twikit::rules_api
