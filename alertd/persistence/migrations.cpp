#include "alertd/persistence/database.h"

namespace twikit::persistence {

// Never edit an applied migration: add a new one with the next version.
const std::vector<Migration>& alertd_migrations() {
  static const std::vector<Migration> migrations = {
      {1, R"(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  integration_id TEXT NOT NULL,
  group_key TEXT NOT NULL,
  notification TEXT NOT NULL,
  firing TEXT NOT NULL,
  resolved TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  finished_at INTEGER,
  error TEXT
);
CREATE INDEX outbox_state ON outbox(state, id);
CREATE TABLE nflog (
  group_key TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  firing TEXT NOT NULL,
  resolved TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (group_key, integration_id)
);
CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE alerts (
  fingerprint TEXT PRIMARY KEY,
  alertname TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  generator_url TEXT NOT NULL,
  state TEXT NOT NULL,
  active_at INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  resolved_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX alerts_state ON alerts(state);
CREATE TABLE acknowledgements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  acked_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  at INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX acknowledgements_fp ON acknowledgements(fingerprint, active);
CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  event TEXT NOT NULL,
  at INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX alert_history_fp ON alert_history(fingerprint, at);
CREATE INDEX alert_history_at ON alert_history(at);
)"},
      {2, R"(
CREATE TABLE rule_alerts (
  labels TEXT NOT NULL,
  firing INTEGER NOT NULL,
  active_at INTEGER NOT NULL,
  fired_at INTEGER NOT NULL
);
CREATE TABLE rule_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  saved_at INTEGER NOT NULL
);
)"},
      // Prometheus' activeAt (the pending start) beside startsAt, so /api/monitoring/alerts means by activeAt
      // what /api/v1/alerts does.
      {3, R"(
ALTER TABLE alerts ADD COLUMN rule_active_at INTEGER NOT NULL DEFAULT 0;
)"},
  };
  return migrations;
}

}  // namespace twikit::persistence
