#include "alertd/persistence/rule_state_store.h"

#include <mutex>

#include "alertd/notify/notification_json.h"
#include "common/json_text.h"
#include "common/logging.h"

namespace twikit::persistence {

void RuleStateStore::save(const std::vector<RememberedAlert>& alerts, TimestampMs now) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  if (!loaded_) {
    last_saved_ = load(nullptr);
    loaded_ = true;
  }
  const bool changed = alerts != last_saved_ || unreadable_rows_;
  db_.exec("BEGIN IMMEDIATE");
  try {
    if (changed) {
      db_.exec("DELETE FROM rule_alerts");
      auto insert = db_.prepare("INSERT INTO rule_alerts(labels, firing, active_at, fired_at) VALUES (?,?,?,?)");
      for (const auto& a : alerts) {
        insert.reset();
        insert.bind(1, safe_dump(notify::labels_to_json(a.labels)))
            .bind(2, std::int64_t{a.firing ? 1 : 0})
            .bind(3, a.active_at)
            .bind(4, a.fired_at)
            .run();
      }
    }
    db_.prepare("INSERT INTO rule_state(id, saved_at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET saved_at=excluded.saved_at")
        .bind(1, now)
        .run();
    db_.exec("COMMIT");
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
  if (changed) {
    last_saved_ = alerts;
    unreadable_rows_ = false;
  }
}

std::vector<RememberedAlert> RuleStateStore::load(TimestampMs* saved_at) const {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  if (saved_at) {
    *saved_at = 0;
    auto s = db_.prepare("SELECT saved_at FROM rule_state WHERE id=1");
    if (s.step()) *saved_at = s.integer(0);
  }
  std::vector<RememberedAlert> out;
  auto s = db_.prepare("SELECT rowid, labels, firing, active_at, fired_at FROM rule_alerts ORDER BY rowid");
  while (s.step()) {
    // A row that does not read back (bad JSON, invalid UTF-8, not an object of strings) is skipped: a
    // restart must never fail on stored state. The next save rewrites the table without it.
    try {
      out.push_back({notify::labels_from_json(nlohmann::json::parse(s.text(1))), s.integer(2) != 0, s.integer(3),
                     s.integer(4)});
    } catch (const std::exception& e) {
      unreadable_rows_ = true;
      if (!skips_logged_) {
        logger("persistence")->warn("msg=\"skipping unreadable stored alert\" table=rule_alerts rowid={} err={}",
                                    s.integer(0), logfmt_value(e.what()));
      }
    }
  }
  skips_logged_ = true;
  return out;
}

}  // namespace twikit::persistence
