#include "alertd/persistence/notify_store.h"

#include <sstream>

#include "alertd/notify/notification_json.h"
#include "common/json_text.h"
#include "common/logging.h"

namespace twikit::persistence {

std::string encode_fingerprints(const std::set<notify::Fingerprint>& fps) {
  std::string out;
  for (const auto fp : fps) {
    if (!out.empty()) out += ',';
    out += notify::fingerprint_hex(fp);
  }
  return out;
}

std::set<notify::Fingerprint> decode_fingerprints(const std::string& text) {
  std::set<notify::Fingerprint> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    notify::Fingerprint fp = 0;
    if (notify::parse_fingerprint_hex(item, fp)) out.insert(fp);
  }
  return out;
}

std::int64_t SqliteOutbox::add(const notify::OutboxEntry& e) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare(
      "INSERT INTO outbox(integration_id, group_key, notification, firing, resolved, created_at) VALUES (?,?,?,?,?,?) "
      "RETURNING id");
  s.bind(1, e.integration_id)
      .bind(2, e.notification.group_key)
      .bind(3, safe_dump(notify::notification_to_json(e.notification)))
      .bind(4, encode_fingerprints(e.firing))
      .bind(5, encode_fingerprints(e.resolved))
      .bind(6, e.created_at);
  s.step();
  const std::int64_t id = s.integer(0);
  s.run();
  return id;
}

void SqliteOutbox::mark_delivered(std::int64_t id, TimestampMs at) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("UPDATE outbox SET state='delivered', finished_at=? WHERE id=?");
  s.bind(1, at).bind(2, id).run();
}

void SqliteOutbox::mark_failed(std::int64_t id, TimestampMs at, const std::string& reason) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("UPDATE outbox SET state='failed', finished_at=?, error=? WHERE id=?");
  s.bind(1, at).bind(2, reason).bind(3, id).run();
}

std::vector<notify::OutboxEntry> SqliteOutbox::pending() {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare(
      "SELECT id, integration_id, notification, firing, resolved, created_at FROM outbox WHERE state='pending' ORDER BY id");
  std::vector<notify::OutboxEntry> out;
  struct Unreadable {
    std::int64_t id;
    TimestampMs created_at;
    std::string err;
  };
  std::vector<Unreadable> unreadable;
  while (s.step()) {
    notify::OutboxEntry e;
    e.id = s.integer(0);
    e.integration_id = s.text(1);
    try {
      e.notification = notify::notification_from_json(nlohmann::json::parse(s.text(2)));
    } catch (const std::exception& err) {
      unreadable.push_back({e.id, s.integer(5), err.what()});
      continue;
    }
    e.firing = decode_fingerprints(s.text(3));
    e.resolved = decode_fingerprints(s.text(4));
    e.created_at = s.integer(5);
    out.push_back(std::move(e));
  }
  // An entry that does not read back (bad JSON, invalid UTF-8, wrong types) cannot be delivered: it is
  // marked failed (finished when it was created, for retention), so it is logged once and never blocks a
  // restart.
  for (const auto& u : unreadable) {
    logger("persistence")->warn("msg=\"skipping unreadable outbox entry\" table=outbox id={} err={}", u.id,
                                logfmt_value(u.err));
    mark_failed(u.id, u.created_at, "unreadable outbox row: " + u.err);
  }
  return out;
}

std::size_t SqliteOutbox::depth() {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("SELECT COUNT(*) FROM outbox WHERE state='pending'");
  return s.step() ? static_cast<std::size_t>(s.integer(0)) : 0;
}

std::size_t SqliteOutbox::prune(TimestampMs before) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("DELETE FROM outbox WHERE state!='pending' AND finished_at < ? RETURNING id");
  s.bind(1, before);
  std::size_t n = 0;
  while (s.step()) ++n;
  return n;
}

std::optional<notify::NflogEntry> SqliteNotificationLog::last(const std::string& group_key,
                                                              const std::string& integration_id) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare("SELECT firing, resolved, sent_at FROM nflog WHERE group_key=? AND integration_id=?");
  s.bind(1, group_key).bind(2, integration_id);
  if (!s.step()) return std::nullopt;
  return notify::NflogEntry{group_key, integration_id, decode_fingerprints(s.text(0)), decode_fingerprints(s.text(1)),
                            s.integer(2)};
}

void SqliteNotificationLog::record(const notify::NflogEntry& e) {
  std::lock_guard<std::recursive_mutex> lock(db_.mutex());
  auto s = db_.prepare(
      "INSERT INTO nflog(group_key, integration_id, firing, resolved, sent_at) VALUES (?,?,?,?,?) "
      "ON CONFLICT(group_key, integration_id) DO UPDATE SET firing=excluded.firing, resolved=excluded.resolved, "
      "sent_at=excluded.sent_at");
  s.bind(1, e.group_key)
      .bind(2, e.integration_id)
      .bind(3, encode_fingerprints(e.firing))
      .bind(4, encode_fingerprints(e.resolved))
      .bind(5, e.sent_at)
      .run();
}

}  // namespace twikit::persistence
