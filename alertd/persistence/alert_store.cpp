#include "alertd/persistence/alert_store.h"

#include <algorithm>

#include "alertd/notify/notification_json.h"
#include "common/json_text.h"
#include "common/logging.h"

namespace twikit::persistence {

namespace {
const char* kColumns =
    "fingerprint, labels, annotations, generator_url, state, active_at, fired_at, resolved_at, updated_at, "
    "rule_active_at";
}

AlertStore::AlertStore(Database& db) : db_(db) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("SELECT fingerprint, acked_by, comment, at FROM acknowledgements WHERE active=1");
  while (s.step()) {
    notify::Fingerprint fp = 0;
    if (notify::parse_fingerprint_hex(s.text(0), fp)) acks_[fp] = {s.text(1), s.text(2), s.integer(3)};
  }
}

void AlertStore::add_history(const std::string& fp_hex, const std::string& event, TimestampMs at,
                             const std::string& detail) {
  auto s = db_.prepare("INSERT INTO alert_history(fingerprint, event, at, detail) VALUES (?,?,?,?)");
  s.bind(1, fp_hex).bind(2, event).bind(3, at).bind(4, detail).run();
}

void AlertStore::record(const std::vector<notify::Alert>& alerts, TimestampMs now) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  // Statements are prepared once per call: a burst of a thousand alerts is one transaction.
  auto select = db_.prepare("SELECT state, active_at FROM alerts WHERE fingerprint=?");
  auto touch = db_.prepare(
      "UPDATE alerts SET annotations=?, generator_url=?, "
      "rule_active_at=CASE WHEN ?<>0 THEN ? ELSE rule_active_at END WHERE fingerprint=?");
  auto upsert = db_.prepare(
      "INSERT INTO alerts(fingerprint, alertname, severity, labels, annotations, generator_url, state, active_at, "
      "fired_at, resolved_at, updated_at, rule_active_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(fingerprint) "
      "DO UPDATE SET annotations=excluded.annotations, generator_url=excluded.generator_url, state=excluded.state, "
      "active_at=excluded.active_at, fired_at=CASE WHEN ? THEN excluded.fired_at ELSE alerts.fired_at END, "
      "resolved_at=excluded.resolved_at, updated_at=excluded.updated_at, "
      "rule_active_at=CASE WHEN excluded.rule_active_at<>0 THEN excluded.rule_active_at ELSE alerts.rule_active_at END");
  auto history = db_.prepare("INSERT INTO alert_history(fingerprint, event, at, detail) VALUES (?,?,?,'')");
  auto end_acks = db_.prepare("UPDATE acknowledgements SET active=0 WHERE fingerprint=? AND active=1");
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const auto& a : alerts) {
      try {
        const notify::Fingerprint fp = notify::fingerprint(a);
        const std::string hex = notify::fingerprint_hex(fp);
        const std::string state = a.resolved_at(now) ? "resolved" : "firing";
        select.reset();
        select.bind(1, hex);
        const bool exists = select.step();
        const std::string old_state = exists ? select.text(0) : "";
        const TimestampMs old_active = exists ? select.integer(1) : 0;
        const bool new_episode = !exists || (old_state == "resolved" && state == "firing");
        if (exists && old_state == state && old_active == a.starts_at) {
          touch.reset();
          touch.bind(1, safe_dump(notify::labels_to_json(a.annotations)))
              .bind(2, a.generator_url)
              .bind(3, a.active_at)
              .bind(4, a.active_at)
              .bind(5, hex)
              .run();
          continue;
        }
        if (!exists && state == "resolved") continue;  // never seen firing: nothing to record
        upsert.reset();
        upsert.bind(1, hex)
            .bind(2, label_value(a.labels, "alertname"))
            .bind(3, label_value(a.labels, "severity"))
            .bind(4, safe_dump(notify::labels_to_json(a.labels)))
            .bind(5, safe_dump(notify::labels_to_json(a.annotations)))
            .bind(6, a.generator_url)
            .bind(7, state)
            .bind(8, a.starts_at)
            .bind(9, now);
        if (state == "resolved") upsert.bind(10, a.ends_at);
        else upsert.bind_null(10);
        upsert.bind(11, now).bind(12, a.active_at).bind(13, std::int64_t{new_episode ? 1 : 0}).run();
        if (old_state != state) {
          history.reset();
          history.bind(1, hex).bind(2, state).bind(3, state == "resolved" ? a.ends_at : now).run();
        }
        if (state == "resolved") {
          end_acks.reset();
          end_acks.bind(1, hex).run();
          std::lock_guard<std::mutex> ack_lock(ack_mu_);
          acks_.erase(fp);
        }
      } catch (const std::exception& e) {
        // One alert that cannot be written does not lose the others of the cycle.
        logger("persistence")->error("msg=\"cannot record alert\" table=alerts alertname={} err={}",
                                     logfmt_value(label_value(a.labels, "alertname")), logfmt_value(e.what()));
      }
    }
    db_.exec("COMMIT");
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
}

AlertStore::RawRow AlertStore::read_raw(Statement& s) {
  return {s.text(0),    s.text(1),    s.text(2),    s.text(3),    s.text(4),
          s.integer(5), s.integer(6), s.integer(7), s.integer(8), s.integer(9)};
}

std::optional<AlertRecord> AlertStore::decode(const RawRow& raw) const {
  AlertRecord r;
  notify::parse_fingerprint_hex(raw.fingerprint, r.fingerprint);
  // A row that does not read back (bad JSON, invalid UTF-8, not an object of strings) is left out of every
  // answer, logged the first time it is met: one bad row must not fail a restart or an API call.
  try {
    r.labels = notify::labels_from_json(nlohmann::json::parse(raw.labels));
    r.annotations = notify::labels_from_json(nlohmann::json::parse(raw.annotations));
  } catch (const std::exception& e) {
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(ack_mu_);
      first = unreadable_logged_.insert(raw.fingerprint).second;
    }
    if (first) {
      logger("persistence")->warn("msg=\"skipping unreadable stored alert\" table=alerts fingerprint={} err={}",
                                  logfmt_value(raw.fingerprint), logfmt_value(e.what()));
    }
    return std::nullopt;
  }
  r.generator_url = raw.generator_url;
  r.state = raw.state;
  r.active_at = raw.active_at;
  r.fired_at = raw.fired_at;
  r.resolved_at = raw.resolved_at;
  r.updated_at = raw.updated_at;
  r.rule_active_at = raw.rule_active_at;
  std::lock_guard<std::mutex> lock(ack_mu_);
  if (auto it = acks_.find(r.fingerprint); it != acks_.end()) r.ack = it->second;
  return r;
}

std::vector<AlertRecord> AlertStore::query(const AlertQuery& q) {
  // Only the SQL runs under the database lock: the rows are copied out as text and decoded and matched
  // after it is released, so a costly filter never holds up rule evaluation's writes.
  const bool filtered_after = !q.matchers.empty() || q.acknowledged.has_value();
  std::string sql = std::string("SELECT ") + kColumns + " FROM alerts WHERE 1=1";
  if (q.state) sql += " AND state=?";
  if (q.severity) sql += " AND severity=?";
  if (q.from) sql += " AND (resolved_at IS NULL OR resolved_at >= ?)";
  if (q.to) sql += " AND active_at <= ?";
  sql += " ORDER BY updated_at DESC, fingerprint";
  if (!filtered_after) sql += " LIMIT ?";
  std::vector<RawRow> rows;
  {
    std::lock_guard<std::recursive_mutex> lock(db_.mutex());
    auto s = db_.prepare(sql);
    int i = 1;
    if (q.state) s.bind(i++, *q.state);
    if (q.severity) s.bind(i++, *q.severity);
    if (q.from) s.bind(i++, q.from);
    if (q.to) s.bind(i++, q.to);
    if (!filtered_after) s.bind(i++, static_cast<std::int64_t>(std::min<std::size_t>(q.limit, std::size_t{1} << 62)));
    while (s.step()) rows.push_back(read_raw(s));
  }
  std::vector<AlertRecord> out;
  for (const auto& raw : rows) {
    if (out.size() >= q.limit) break;
    std::optional<AlertRecord> r = decode(raw);
    if (!r) continue;
    if (!notify::matches_all(q.matchers, r->labels)) continue;
    if (q.acknowledged && r->ack.has_value() != *q.acknowledged) continue;
    out.push_back(std::move(*r));
  }
  return out;
}

std::optional<AlertRecord> AlertStore::get(notify::Fingerprint fp) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare(std::string("SELECT ") + kColumns + " FROM alerts WHERE fingerprint=?");
  s.bind(1, notify::fingerprint_hex(fp));
  if (!s.step()) return std::nullopt;
  return decode(read_raw(s));
}

AckOutcome AlertStore::acknowledge(notify::Fingerprint fp, const std::string& by, const std::string& comment,
                                   TimestampMs now) {
  const std::string hex = notify::fingerprint_hex(fp);
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto q = db_.prepare("SELECT state FROM alerts WHERE fingerprint=?");
  q.bind(1, hex);
  if (!q.step() || q.text(0) != "firing") return AckOutcome::not_firing;
  // record() and acknowledge() both hold the database lock, so the check and the insert see one state.
  if (acknowledged(fp)) return AckOutcome::already_acknowledged;
  db_.exec("BEGIN IMMEDIATE");
  try {
    db_.prepare("INSERT INTO acknowledgements(fingerprint, acked_by, comment, at) VALUES (?,?,?,?)")
        .bind(1, hex)
        .bind(2, by)
        .bind(3, comment)
        .bind(4, now)
        .run();
    add_history(hex, "acknowledged", now, "by=" + by + (comment.empty() ? "" : " comment=" + comment));
    db_.prepare("UPDATE alerts SET updated_at=? WHERE fingerprint=?").bind(1, now).bind(2, hex).run();
    db_.exec("COMMIT");
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
  std::lock_guard<std::mutex> ack_lock(ack_mu_);
  acks_[fp] = {by, comment, now};
  return AckOutcome::acknowledged;
}

bool AlertStore::record_escalation(notify::Fingerprint fp, std::size_t level, const std::string& policy,
                                   const std::vector<std::string>& receivers, TimestampMs now) {
  const std::string hex = notify::fingerprint_hex(fp);
  std::string detail = "level=" + std::to_string(level) + " policy=" + policy + " receivers=";
  for (std::size_t i = 0; i < receivers.size(); ++i) {
    if (i) detail += ',';
    detail += receivers[i];
  }
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto episode = db_.prepare("SELECT active_at FROM alerts WHERE fingerprint=?");
  episode.bind(1, hex);
  if (!episode.step()) return false;
  auto seen = db_.prepare("SELECT 1 FROM alert_history WHERE fingerprint=? AND event='escalated' AND detail=? AND at>=?");
  seen.bind(1, hex).bind(2, detail).bind(3, episode.integer(0));
  if (seen.step()) return false;
  add_history(hex, "escalated", now, detail);
  return true;
}

std::vector<HistoryEvent> AlertStore::history(notify::Fingerprint fp) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("SELECT event, at, detail FROM alert_history WHERE fingerprint=? ORDER BY at, id");
  s.bind(1, notify::fingerprint_hex(fp));
  std::vector<HistoryEvent> out;
  while (s.step()) out.push_back({fp, s.text(0), s.integer(1), s.text(2)});
  return out;
}

std::size_t AlertStore::apply_retention(TimestampMs now, std::int64_t retention_ms) {
  const TimestampMs cutoff = now - retention_ms;
  std::size_t n = 0;
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  for (const char* sql : {"DELETE FROM alert_history WHERE at < ? RETURNING id",
                          "DELETE FROM acknowledgements WHERE active=0 AND at < ? RETURNING id",
                          "DELETE FROM alerts WHERE state='resolved' AND resolved_at < ? RETURNING fingerprint"}) {
    auto s = db_.prepare(sql);
    s.bind(1, cutoff);
    while (s.step()) ++n;
  }
  return n;
}

bool AlertStore::acknowledged(notify::Fingerprint fp) const {
  std::lock_guard<std::mutex> lock(ack_mu_);
  return acks_.count(fp) > 0;
}

bool AlertStore::resolved(notify::Fingerprint fp) const {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto q = db_.prepare("SELECT state FROM alerts WHERE fingerprint=?");
  q.bind(1, notify::fingerprint_hex(fp));
  return q.step() && q.text(0) == "resolved";
}

}  // namespace twikit::persistence
