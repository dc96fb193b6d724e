// Grouping, routing, inhibition, silences, retries, escalation and acknowledgement, driven by a fake clock.
#include <catch2/catch.hpp>

#include "alertd/notify/template_data.h"
#include "support/notify/harness.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;

namespace {
const char* kConfig = R"(
receivers: [{name: ops}, {name: db}, {name: pager}, {name: boss}]
escalation_policies:
  - name: oncall
    steps:
      - {after: 15m, receivers: [pager]}
      - {after: 1h, receivers: [boss]}
route:
  receiver: ops
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: [team=db]
      receiver: db
      continue: true
    - matchers: [team=db]
      receiver: ops
      group_by: [alertname, instance]
    - matchers: [escalate=yes]
      receiver: ops
      escalation_policy: oncall
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [service]
)";

Alert alert(const std::string& name, const std::string& service, const std::string& severity, TimestampMs t) {
  return firing({{"alertname", name}, {"service", service}, {"severity", severity}}, t);
}
}  // namespace

TEST_CASE("alerts of one group wait group_wait, then go out together in one notification") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  h.put({alert("Down", "a", "critical", t0)});
  h.advance(10'000);
  h.put({alert("Down", "a", "critical", t0), alert("Down", "b", "critical", t0 + 10'000)});
  CHECK(h.sent("ops").empty());
  h.advance(19'999);
  CHECK(h.sent("ops").empty());
  h.advance(1);
  REQUIRE(h.sent("ops").size() == 1);
  const Notification n = h.sent("ops")[0];
  CHECK(n.alerts.size() == 2);
  CHECK(n.group_labels == make_labels({{"alertname", "Down"}}));
  CHECK(n.group_key == "{}:{alertname=\"Down\"}");
  CHECK(h.dispatcher->group_count() == 1);
}

TEST_CASE("a new alert in a flushed group waits for group_interval; unchanged groups repeat after repeat_interval") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  h.put({alert("Down", "a", "critical", t0)});
  h.advance(30'000);
  REQUIRE(h.sent("ops").size() == 1);
  h.advance(60'000);
  h.put({alert("Down", "a", "critical", t0), alert("Down", "b", "critical", h.clock.now_ms())});
  CHECK(h.sent("ops").size() == 1);
  h.advance(240'000);  // 5m after the first flush
  REQUIRE(h.sent("ops").size() == 2);
  CHECK(h.sent("ops")[1].alerts.size() == 2);
  for (int i = 0; i < 47; ++i) h.advance(300'000);  // nothing changes for almost 4h
  CHECK(h.sent("ops").size() == 2);
  h.advance(300'000);
  CHECK(h.sent("ops").size() == 3);
}

TEST_CASE("repeat_interval is rounded up to a multiple of group_interval, however long delivery takes") {
  // Alertmanager checks repeat_interval only when a group is flushed, every group_interval. alertd logs the
  // flush time, not the delivery time, so a slow receiver never pushes a repeat one more tick late.
  for (const auto& [repeat_ms, expected_ms] : {std::pair<std::int64_t, std::int64_t>{300'000, 300'000},
                                               {540'000, 600'000}, {60'000, 300'000}}) {
    CAPTURE(repeat_ms);
    auto config = config_from(kConfig);
    config.route.timing.repeat_interval_ms = repeat_ms;
    Harness h(config);
    h.notifiers.at("ops")->set_during_notify([&h] { h.clock.advance_ms(2'000); });  // a slow receiver
    h.put({alert("Down", "a", "critical", h.clock.now_ms())});
    for (int flush = 0; flush < 7; ++flush) {  // run from one group flush to the next
      h.clock.set_ms(*h.dispatcher->next_due());
      h.dispatcher->tick();
      h.settle();
    }
    const auto sent = h.sent("ops");
    REQUIRE(sent.size() >= 3);
    for (std::size_t i = 1; i < sent.size(); ++i) CHECK(sent[i].now - sent[i - 1].now == expected_ms);
  }
}

TEST_CASE("a resolved alert is announced once at the next group_interval and leaves the group") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  const Alert a = alert("Down", "a", "critical", t0);
  h.put({a});
  h.advance(30'000);
  h.advance(60'000);
  h.put({resolved(a, h.clock.now_ms())});
  h.advance(240'000);
  REQUIRE(h.sent("ops").size() == 2);
  CHECK(h.sent("ops")[1].alerts.at(0).resolved_at(h.sent("ops")[1].now));
  CHECK(h.dispatcher->group_count() == 0);
  h.advance(300'000);
  CHECK(h.sent("ops").size() == 2);
}

TEST_CASE("a resolution while the firing notice is still undelivered is announced after it, not dropped") {
  Harness h(config_from(kConfig));
  std::mutex gate;
  h.notifiers.at("ops")->set_during_notify([&gate] { std::lock_guard<std::mutex> wait(gate); });  // receiver hangs
  std::unique_lock<std::mutex> hold(gate);
  const Alert a = alert("Down", "a", "critical", h.clock.now_ms());
  h.dispatcher->put({a});
  h.clock.advance_ms(30'000);
  h.dispatcher->tick();  // the firing notice is handed to the (hung) receiver
  h.dispatcher->put({resolved(a, h.clock.now_ms())});
  h.clock.advance_ms(300'000);
  h.dispatcher->tick();  // nothing was logged as sent yet, but the queued firing notice counts
  hold.unlock();
  h.settle();
  const auto sent = h.sent("ops");
  REQUIRE(sent.size() == 2);
  CHECK_FALSE(sent[0].alerts.at(0).resolved_at(sent[0].now));
  CHECK(sent[1].alerts.at(0).resolved_at(sent[1].now));
}

TEST_CASE("routes match in order; continue lets an alert reach several receivers") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  h.put({firing({{"alertname", "Slow"}, {"team", "db"}, {"instance", "pg1"}}, t0)});
  h.advance(30'000);
  REQUIRE(h.sent("db").size() == 1);
  REQUIRE(h.sent("ops").size() == 1);
  CHECK(h.sent("ops")[0].group_labels == make_labels({{"alertname", "Slow"}, {"instance", "pg1"}}));
  CHECK(h.sent("ops")[0].group_key == "{}/{team=\"db\"}:{alertname=\"Slow\", instance=\"pg1\"}");
}

TEST_CASE("a firing critical alert inhibits warnings of the same service only") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  h.put({alert("Down", "a", "critical", t0), alert("Slow", "a", "warning", t0), alert("Slow2", "b", "warning", t0)});
  h.advance(30'000);
  std::set<std::string> names;
  for (const auto& n : h.sent("ops")) names.insert(label_value(n.alerts.at(0).labels, "alertname"));
  CHECK(names == std::set<std::string>{"Down", "Slow2"});
}

TEST_CASE("silenced alerts are not notified, but their resolution is announced (configurable)") {
  for (const bool announce : {true, false}) {
    auto cfg = config_from(kConfig);
    cfg.notify_resolved_silenced = announce;
    Harness h(cfg);
    const TimestampMs t0 = h.clock.now_ms();
    silence::Silence s;
    s.matchers = parse_matchers("alertname=Down");
    s.ends_at = t0 + 3'600'000;
    s.created_by = "alice";
    s.comment = "maintenance";
    h.silences.add(s);
    const Alert a = alert("Down", "a", "critical", t0);
    h.put({a});
    h.advance(30'000);
    CHECK(h.sent("ops").empty());
    h.advance(60'000);
    h.put({resolved(a, h.clock.now_ms())});
    h.advance(300'000);
    if (announce) {
      REQUIRE(h.sent("ops").size() == 1);
      CHECK(template_data(h.sent("ops")[0]).status == "resolved");
    } else {
      CHECK(h.sent("ops").empty());
    }
  }
}

TEST_CASE("retryable failures are retried until delivered, exactly once; 4xx is not retried") {
  Harness h(config_from(kConfig));
  auto& n = *h.notifiers.at("ops");
  for (int i = 0; i < 3; ++i) n.push_result(DeliveryResult::failure(true, "serverError", "500"));
  h.put({alert("Down", "a", "critical", h.clock.now_ms())});
  h.advance(30'000);
  CHECK(n.attempts() == 4);
  CHECK(n.delivered().size() == 1);
  CHECK(h.metrics.failed("webhook", "serverError") == 3);
  CHECK(h.metrics.sent("webhook") == 1);
  CHECK(h.outbox.depth() == 0);

  n.push_result(DeliveryResult::failure(false, "clientError", "400"));
  h.put({alert("Other", "a", "critical", h.clock.now_ms())});
  h.advance(30'000);
  CHECK(n.attempts() == 5);
  CHECK(n.delivered().size() == 1);
}

TEST_CASE("an alert that stays firing and unacknowledged escalates step by step; acknowledging stops it") {
  Harness h(config_from(kConfig));
  const TimestampMs t0 = h.clock.now_ms();
  const Alert a = firing({{"alertname", "Stuck"}, {"escalate", "yes"}}, t0);
  const Alert b = firing({{"alertname", "Stuck2"}, {"escalate", "yes"}}, t0);
  h.put({a, b});
  h.advance(30'000);
  CHECK(h.sent("ops").size() == 2);
  h.advance(14 * 60'000);
  CHECK(h.sent("pager").empty());
  h.advance(30'000);  // 15m since start
  REQUIRE(h.sent("pager").size() == 2);
  h.acks.ack(fingerprint(b));
  h.advance(45 * 60'000);  // 1h since start
  REQUIRE(h.sent("boss").size() == 1);
  Labels level2 = a.labels;
  set_label(level2, "escalation_level", "2");
  CHECK(h.sent("boss")[0].alerts.at(0).labels == level2);
  h.put({resolved(a, h.clock.now_ms()), b});
  h.advance(3 * 3'600'000);
  CHECK(h.sent("boss").size() == 1);
  CHECK(h.escalator->tracked() == 1);  // b: acknowledged, still firing
}

TEST_CASE("a hung integration does not delay another receiver's delivery") {
  Harness h(config_from(kConfig));
  std::mutex gate;
  std::unique_lock<std::mutex> hold(gate);
  struct Hung final : Notifier {
    std::mutex& m;
    explicit Hung(std::mutex& mm) : m(mm) {}
    DeliveryResult notify(const Notification&) override {
      std::lock_guard<std::mutex> l(m);
      return DeliveryResult::ok();
    }
    std::string integration() const override { return "webhook"; }
    bool send_resolved() const override { return true; }
  };
  std::map<std::string, std::vector<Integration>> receivers;
  auto fast = std::make_shared<RecordingNotifier>();
  receivers["db"].push_back({"db/webhook/0", "db", std::make_shared<Hung>(gate)});
  receivers["ops"].push_back({"ops/webhook/0", "ops", fast});
  Pipeline p(std::move(receivers), nullptr, nullptr, h.nflog, h.outbox, h.clock, nullptr, PipelineOptions{});
  dispatch::Dispatcher d(h.config.route, p, h.clock);
  d.put({firing({{"alertname", "X"}, {"team", "db"}, {"instance", "i"}}, h.clock.now_ms() - 60'000)});
  REQUIRE(twikit::testing::eventually([&] { return fast->delivered().size() == 1; }, std::chrono::seconds(2)));
  CHECK_FALSE(p.wait_idle(std::chrono::milliseconds(20)));
  hold.unlock();
  CHECK(p.wait_idle(std::chrono::seconds(2)));
}

TEST_CASE("a route inside its mute time interval sends nothing, and sends at the first flush after it") {
  // The harness' clock starts at 2023-11-14T22:13:20Z, a Tuesday.
  Harness h(config_from(R"(
receivers: [{name: ops}, {name: night}]
time_intervals:
  - name: late
    time_intervals: [{times: [{start_time: "22:00", end_time: "22:30"}]}]
route:
  receiver: ops
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: [team=db]
      mute_time_intervals: [late]
    - matchers: [team=web]
      receiver: night
      active_time_intervals: [late]
)"));
  const TimestampMs t0 = h.clock.now_ms();
  h.put({firing({{"alertname", "Down"}, {"team", "db"}}, t0), firing({{"alertname", "Slow"}, {"team", "web"}}, t0)});
  h.advance(30'000);  // 22:13:50: muted for db, active for web
  CHECK(h.sent("ops").empty());
  REQUIRE(h.sent("night").size() == 1);
  h.advance(300'000);  // 22:18:50
  h.advance(300'000);  // 22:23:50
  CHECK(h.sent("ops").empty());
  h.advance(300'000);  // 22:28:50, still muted
  CHECK(h.sent("ops").empty());
  h.advance(300'000);  // 22:33:50: the mute is over; nothing was logged, so this flush notifies
  REQUIRE(h.sent("ops").size() == 1);
  CHECK(h.sent("ops")[0].alerts.size() == 1);
  h.put({firing({{"alertname", "Down"}, {"team", "db"}}, t0), firing({{"alertname", "Slow"}, {"team", "web"}}, t0),
         firing({{"alertname", "Slow"}, {"team", "web"}, {"instance", "b"}}, h.clock.now_ms())});
  h.advance(300'000);  // 22:38:50: web's group changed, but its route is no longer active
  CHECK(h.sent("night").size() == 1);
  const auto families = h.metrics.collect();
  double muted = 0;
  double inactive = 0;
  for (const auto& f : families) {
    if (f.name != "alertd_notifications_suppressed_total") continue;
    for (const auto& s : f.samples) {
      if (label_value(s.labels, "reason") == "mute_time_interval") muted = s.value;
      if (label_value(s.labels, "reason") == "active_time_interval") inactive = s.value;
    }
  }
  CHECK(muted == 4);
  CHECK(inactive == 2);  // 22:33:50 and 22:38:50
}

TEST_CASE("each escalation step sent is reported to the escalator's subscribers: policy, step, alert, receivers") {
  Harness h(config_from(kConfig));
  struct Step {
    std::string policy;
    std::size_t step;
    Labels labels;
    std::vector<std::string> receivers;
    TimestampMs at;
  };
  std::vector<Step> heard;
  h.escalator->subscribe([&heard](const dispatch::Escalation& e) {
    heard.push_back({e.policy, e.level - 1, e.labels, e.receivers, e.at});
  });
  const TimestampMs t0 = h.clock.now_ms();
  const Alert a = firing({{"alertname", "Stuck"}, {"escalate", "yes"}}, t0);
  h.put({a});
  h.advance(15 * 60'000 - 1);
  CHECK(heard.empty());
  h.advance(1);
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].policy == "oncall");
  CHECK(heard[0].step == 0);
  CHECK(heard[0].labels == a.labels);
  CHECK(heard[0].receivers == std::vector<std::string>{"pager"});
  CHECK(heard[0].at == t0 + 15 * 60'000);
  h.acks.ack(fingerprint(a));
  h.advance(2 * 3'600'000);
  CHECK(heard.size() == 1);  // acknowledged: no further step, nothing heard
}

TEST_CASE("a silence listener hears each silence created and expired, after the change is in force") {
  FakeClock clock(1'700'000'000'000);
  std::vector<std::pair<std::string, silence::SilenceChange>> heard;
  std::vector<bool> muted_when_heard;
  const Labels labels = make_labels({{"alertname", "Down"}});
  std::unique_ptr<silence::Silences> silences;
  silences = std::make_unique<silence::Silences>(
      clock, nullptr, [&](const silence::Silence& s, silence::SilenceChange change) {
        heard.emplace_back(s.id, change);
        muted_when_heard.push_back(silences->mutes(labels, clock.now_ms()));
      });
  silence::Silence s;
  s.matchers = parse_matchers("alertname=Down");
  s.ends_at = clock.now_ms() + 3'600'000;
  s.created_by = "alice";
  const std::string id = silences->add(s);
  REQUIRE(heard.size() == 1);
  CHECK(heard[0] == std::make_pair(id, silence::SilenceChange::created));
  CHECK(muted_when_heard[0]);
  CHECK(silences->expire(id));
  CHECK_FALSE(silences->expire(id));  // already expired: nothing more to hear
  REQUIRE(heard.size() == 2);
  CHECK(heard[1] == std::make_pair(id, silence::SilenceChange::expired));
  CHECK_FALSE(muted_when_heard[1]);
  CHECK_THROWS(silences->add(silence::Silence{}));  // refused: nothing heard
  CHECK(heard.size() == 2);
}
