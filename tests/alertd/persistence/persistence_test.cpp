// SQLite state: migrations and WAL, an outbox that survives the pipeline being dropped mid-delivery,
// silences across restarts, alerts with acknowledgements, history and retention.
#include <catch2/catch.hpp>

#include <chrono>

#include "alertd/persistence/alert_store.h"
#include "alertd/persistence/notify_store.h"
#include "alertd/persistence/rule_state_store.h"
#include "alertd/persistence/silence_store.h"
#include "support/notify/harness.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;
using namespace twikit::persistence;

namespace {
std::string fresh_db() { return twikit::testing::make_temp_dir("notify-db") + "/alertd.db"; }
}  // namespace

TEST_CASE("the database runs in WAL mode and records applied migrations once") {
  const std::string path = fresh_db();
  {
    Database db(path, alertd_migrations());
    CHECK(db.journal_mode() == "wal");
    CHECK(db.schema_version() == 3);
  }
  Database again(path, alertd_migrations());
  CHECK(again.schema_version() == 3);
}

TEST_CASE("the rule engine's active alerts and the time they were last current survive a reopen") {
  const std::string path = fresh_db();
  const RememberedAlert pending{make_labels({{"alertname", "Slow"}}), false, 1'000, 0};
  const RememberedAlert firing{make_labels({{"alertname", "Down"}, {"service", "x"}}), true, 2'000, 3'000};
  {
    Database db(path, alertd_migrations());
    RuleStateStore store(db);
    TimestampMs saved_at = -1;
    CHECK(store.load(&saved_at).empty());
    CHECK(saved_at == 0);
    store.save({firing, pending}, 10'000);
    store.save({firing, pending}, 11'000);  // unchanged alerts: only the time moves
    store.save({firing, pending, firing}, 12'000);  // two rules may hold identical alerts
    store.save({firing, pending}, 13'000);
  }
  Database db(path, alertd_migrations());
  RuleStateStore store(db);
  TimestampMs saved_at = 0;
  const auto loaded = store.load(&saved_at);
  CHECK(saved_at == 13'000);
  CHECK(loaded == std::vector<RememberedAlert>{firing, pending});
  store.save({}, 14'000);
  CHECK(store.load(&saved_at).empty());
  CHECK(saved_at == 14'000);
}

TEST_CASE("pending outbox entries of a dropped pipeline are delivered exactly once by the next one") {
  const std::string path = fresh_db();
  FakeClock clock(1'700'000'000'000);
  const Alert a = firing({{"alertname", "Down"}, {"service", "x"}}, clock.now_ms() - 60'000);
  const Alert b = firing({{"alertname", "Lag"}, {"service", "y"}}, clock.now_ms() - 60'000);
  const FlushTiming hourly{30'000, 300'000, 3'600'000};
  GroupFlush ga{"ops", "{}:{alertname=\"Down\"}", make_labels({{"alertname", "Down"}}), clock.now_ms(), hourly, {}, {}};
  GroupFlush gb{"ops", "{}:{alertname=\"Lag\"}", make_labels({{"alertname", "Lag"}}), clock.now_ms(), hourly, {}, {}};
  {
    Database db(path, alertd_migrations());
    SqliteOutbox outbox(db);
    SqliteNotificationLog nflog(db);
    auto down = std::make_shared<RecordingNotifier>();
    for (int i = 0; i < 100; ++i) down->push_result(DeliveryResult::failure(true, "connect", "refused"));
    PipelineOptions opts;
    opts.retry.initial_backoff_ms = 50;
    opts.retry.max_backoff_ms = 50;
    Pipeline p({{"ops", {{"ops/webhook/0", "ops", down}}}}, nullptr, nullptr, nflog, outbox, clock, nullptr, opts);
    p.flush(ga, {a});
    p.flush(gb, {b});
    REQUIRE(twikit::testing::eventually([&] { return down->attempts() >= 1; }, std::chrono::seconds(2)));
    CHECK(outbox.depth() == 2);
    // Simulate "delivered, then killed before the outbox row was marked" for the second group.
    std::set<Fingerprint> fb{fingerprint(b)};
    nflog.record({gb.group_key, "ops/webhook/0", fb, {}, clock.now_ms()});
  }  // the pipeline is dropped with both entries pending
  Database db(path, alertd_migrations());
  SqliteOutbox outbox(db);
  SqliteNotificationLog nflog(db);
  REQUIRE(outbox.depth() == 2);
  auto up = std::make_shared<RecordingNotifier>();
  Pipeline p({{"ops", {{"ops/webhook/0", "ops", up}}}}, nullptr, nullptr, nflog, outbox, clock, nullptr, {});
  CHECK(p.recover() == 2);
  REQUIRE(p.wait_idle(std::chrono::seconds(5)));
  REQUIRE(up->delivered().size() == 1);
  CHECK(up->delivered()[0].group_key == ga.group_key);
  CHECK(up->delivered()[0].alerts.at(0).labels == a.labels);
  CHECK(outbox.depth() == 0);
  // The dedup stage now knows both groups were sent: flushing them again sends nothing.
  p.flush(ga, {a});
  p.flush(gb, {b});
  REQUIRE(p.wait_idle(std::chrono::seconds(5)));
  CHECK(up->delivered().size() == 1);
}

TEST_CASE("silences survive a restart and expiring one is persisted") {
  const std::string path = fresh_db();
  FakeClock clock(1'700'000'000'000);
  std::string id;
  {
    Database db(path, alertd_migrations());
    SqliteSilenceStore store(db);
    silence::Silences silences(clock, &store);
    silence::Silence s;
    s.matchers = parse_matchers("service=~\"proxy.*\",severity=warning");
    s.ends_at = clock.now_ms() + 3'600'000;
    s.created_by = "bob";
    s.comment = "deploy";
    id = silences.add(s);
    CHECK_THROWS_AS(silences.add(silence::Silence{}), std::invalid_argument);
  }
  Database db(path, alertd_migrations());
  SqliteSilenceStore store(db);
  silence::Silences silences(clock, &store);
  const auto s = silences.get(id);
  REQUIRE(s);
  CHECK(s->created_by == "bob");
  CHECK(s->matchers.size() == 2);
  const Labels l = make_labels({{"service", "proxy_rotation"}, {"severity", "warning"}});
  CHECK(silences.mutes(l, clock.now_ms()));
  clock.advance_ms(1000);
  CHECK(silences.expire(id));
  CHECK_FALSE(silences.mutes(l, clock.now_ms()));
  silence::Silences reloaded(clock, &store);
  CHECK(silence::silence_state(*reloaded.get(id), clock.now_ms()) == "expired");
}

TEST_CASE("alerts keep state, acknowledgement and history; retention drops old history") {
  Database db(fresh_db(), alertd_migrations());
  AlertStore store(db);
  const TimestampMs t0 = 1'700'000'000'000;
  const Alert a = firing({{"alertname", "Down"}, {"severity", "critical"}, {"service", "x"}}, t0, {{"summary", "s"}});
  const Alert w = firing({{"alertname", "Slow"}, {"severity", "warning"}, {"service", "y"}}, t0);
  store.record({a, w}, t0 + 1000);
  store.record({a, w}, t0 + 2000);
  CHECK(store.query({}).size() == 2);
  AlertQuery crit;
  crit.severity = "critical";
  CHECK(store.query(crit).size() == 1);
  CHECK_FALSE(store.acknowledged(fingerprint(a)));
  CHECK(store.acknowledge(fingerprint(a), "alice", "looking", t0 + 3000) == AckOutcome::acknowledged);
  CHECK(store.acknowledged(fingerprint(a)));
  // A second acknowledgement of the same episode does not replace the first.
  CHECK(store.acknowledge(fingerprint(a), "bob", "mine now", t0 + 3500) == AckOutcome::already_acknowledged);
  AlertQuery acked;
  acked.acknowledged = true;
  REQUIRE(store.query(acked).size() == 1);
  CHECK(store.query(acked)[0].ack->by == "alice");
  AlertQuery by_matcher;
  by_matcher.matchers = parse_matchers("service=y");
  CHECK(store.query(by_matcher).size() == 1);
  store.record({resolved(a, t0 + 4000)}, t0 + 5000);
  CHECK_FALSE(store.acknowledged(fingerprint(a)));
  const auto rec = store.get(fingerprint(a));
  REQUIRE(rec);
  CHECK(rec->state == "resolved");
  CHECK(rec->active_at == t0);
  CHECK(rec->resolved_at == t0 + 4000);
  const auto h = store.history(fingerprint(a));
  REQUIRE(h.size() == 3);
  CHECK(h[0].event == "firing");
  CHECK(h[1].event == "acknowledged");
  CHECK(h[1].detail == "by=alice comment=looking");
  CHECK(h[2].event == "resolved");
  CHECK(store.acknowledge(fingerprint(a), "alice", "", t0 + 6000) == AckOutcome::not_firing);
  const std::int64_t day = 86'400'000;
  CHECK(store.apply_retention(t0 + 31 * day, 30 * day) > 0);
  CHECK_FALSE(store.get(fingerprint(a)));
  CHECK(store.get(fingerprint(w)));  // still firing
  CHECK(store.history(fingerprint(a)).empty());
}

TEST_CASE("the alert filter's regex answers at once on a ReDoS pattern (matched outside the database lock)") {
  Database db(fresh_db(), alertd_migrations());
  AlertStore store(db);
  const TimestampMs t0 = 1'700'000'000'000;
  const Alert plain = firing({{"alertname", std::string(40, 'a')}, {"severity", "warning"}}, t0);
  const Alert with_z = firing({{"alertname", std::string(40, 'a') + "Z"}, {"severity", "warning"}}, t0);
  store.record({plain, with_z}, t0 + 1000);
  AlertQuery q;
  q.matchers = parse_matchers("alertname=~\"(.|.|.)*Z\"");
  const auto start = std::chrono::steady_clock::now();
  const auto found = store.query(q);
  // std::regex froze rule evaluation for 10 minutes on this filter (3^40 paths); RE2 is linear.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5 * twikit::testing::kTimeoutScale));
  REQUIRE(found.size() == 1);
  CHECK(label_value(found[0].labels, "alertname") == std::string(40, 'a') + "Z");
  q.limit = 1;
  q.matchers = parse_matchers("severity=~\"warn.*\"");
  CHECK(store.query(q).size() == 1);  // the limit applies after matching
}

namespace {

// Rows no version of alertd writes: bad JSON, a JSON text with the byte 0xFF (X'..' keeps it raw), the wrong
// JSON types. Written with SQL directly, as a damaged or hand-edited database would hold them.
void write_malformed_rows(Database& db) {
  std::lock_guard<std::recursive_mutex> lock(db.mutex());
  db.exec(R"(
INSERT INTO rule_alerts(labels, firing, active_at, fired_at) VALUES
  ('{"alertname":"Good"}', 1, 1000, 2000),
  ('{not json', 1, 1000, 2000),
  (CAST(X'7B22616C6572746E616D65223A22FF227D' AS TEXT), 1, 1000, 2000),
  ('["alertname","Array"]', 1, 1000, 2000),
  ('{"alertname":7}', 0, 'soon', 0);
INSERT INTO alerts(fingerprint, alertname, severity, labels, annotations, generator_url, state, active_at, fired_at,
                   resolved_at, updated_at) VALUES
  ('0000000000000001', 'Good', '', '{"alertname":"Good"}', '{}', '', 'firing', 1000, 1000, NULL, 5),
  ('0000000000000002', 'Bad', '', '{"alertname":', '{}', '', 'firing', 1000, 1000, NULL, 4),
  ('0000000000000003', 'Bad', '', CAST(X'7B22616C6572746E616D65223A22FF227D' AS TEXT), '{}', '', 'firing', 1000, 1000,
   NULL, 3),
  ('0000000000000004', 'Bad', '', '{"alertname":"Bad"}', '{"summary":["x"]}', '', 'firing', 1000, 1000, NULL, 2);
INSERT INTO silences(id, matchers, starts_at, ends_at, created_by, comment, updated_at) VALUES
  ('good', '["service=\"x\""]', 0, 9999999999999, 'bob', '', 0),
  ('bad-json', '["service=', 0, 9999999999999, 'bob', '', 0),
  ('bad-utf8', CAST(X'5B2273657276696365FF225D' AS TEXT), 0, 9999999999999, 'bob', '', 0),
  ('bad-type', '{"service":"x"}', 0, 9999999999999, 'bob', '', 0),
  ('bad-matcher', '["=~"]', 0, 9999999999999, 'bob', '', 0);
INSERT INTO outbox(integration_id, group_key, notification, firing, resolved, created_at) VALUES
  ('ops/webhook/0', 'g1', '{broken', '', '', 1000),
  ('ops/webhook/0', 'g2', CAST(X'7B227265636569766572223A22FF227D' AS TEXT), '', '', 1000),
  ('ops/webhook/0', 'g3', '{"receiver":"ops","groupKey":"g3","groupLabels":{},"alerts":[{"labels":{},"annotations":{},"startsAt":"x","endsAt":0,"generatorURL":""}],"now":0,"repeatIntervalMs":0,"externalURL":""}', '', '', 1000);
)");
}

}  // namespace

TEST_CASE("stored rows that do not read back are skipped, the others load") {
  const std::string path = fresh_db();
  {
    Database db(path, alertd_migrations());
    write_malformed_rows(db);
  }
  Database db(path, alertd_migrations());

  RuleStateStore rule_state(db);
  TimestampMs saved_at = 0;
  CHECK(rule_state.load(&saved_at) == std::vector<RememberedAlert>{{make_labels({{"alertname", "Good"}}), true, 1000, 2000}});

  AlertStore alerts(db);
  const auto records = alerts.query(AlertQuery{});
  REQUIRE(records.size() == 1);
  CHECK(records[0].labels == make_labels({{"alertname", "Good"}}));
  CHECK_FALSE(alerts.get(2));
  CHECK(alerts.get(1));

  SqliteSilenceStore silences(db);
  const auto loaded = silences.load_all();
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].id == "good");

  SqliteOutbox outbox(db);
  CHECK(outbox.depth() == 3);
  CHECK(outbox.pending().empty());
  CHECK(outbox.depth() == 0);  // marked failed: never replayed, never logged again
  std::lock_guard<std::recursive_mutex> lock(db.mutex());
  auto s = db.prepare("SELECT error FROM outbox WHERE id=1");
  REQUIRE(s.step());
  CHECK_THAT(s.text(0), Catch::StartsWith("unreadable outbox row: [json.exception.parse_error.101]"));
}

TEST_CASE("the rule engine's state is saved again without the rows that did not read back") {
  const std::string path = fresh_db();
  Database db(path, alertd_migrations());
  write_malformed_rows(db);
  RuleStateStore rule_state(db);
  const RememberedAlert good{make_labels({{"alertname", "Good"}}), true, 1000, 2000};
  rule_state.save({good}, 5'000);
  std::lock_guard<std::recursive_mutex> lock(db.mutex());
  auto s = db.prepare("SELECT COUNT(*) FROM rule_alerts");
  REQUIRE(s.step());
  CHECK(s.integer(0) == 1);
}

TEST_CASE("alerts whose labels are not UTF-8 are recorded with U+FFFD and read back") {
  const std::string path = fresh_db();
  Database db(path, alertd_migrations());
  AlertStore store(db);
  Alert a;
  a.labels = make_labels({{"alertname", "Cut"}, {"initial", "\xc3"}});
  a.annotations = make_labels({{"summary", "bad \xff byte"}});
  a.starts_at = 1'000;
  a.ends_at = 10'000'000;
  store.record({a}, 2'000);
  const auto records = store.query(AlertQuery{});
  REQUIRE(records.size() == 1);
  CHECK(label_value(records[0].labels, "initial") == "\xef\xbf\xbd");
  CHECK(label_value(records[0].annotations, "summary") == "bad \xef\xbf\xbd byte");
  CHECK(records[0].state == "firing");
}
