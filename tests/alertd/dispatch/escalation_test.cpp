// Escalation against the real alert store: acknowledgement and resolution racing a due step, and what an
// escalated notification says (label, title, history, alertd_escalations_total). Driven by a fake clock.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "alertd/app/notification_stack.h"
#include "alertd/dispatch/escalator.h"
#include "alertd/notify/template_render.h"
#include "alertd/persistence/alert_store.h"
#include "support/notify/fakes.h"
#include "support/notify/harness.h"
#include "support/notify/receiver.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;
using nlohmann::json;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;
constexpr std::int64_t kMin = 60'000;

// Records every flush handed over, as the pipeline would receive it.
class RecordingSink final : public FlushSink {
 public:
  void flush(const GroupFlush& group, std::vector<Alert> alerts) override {
    flushes.push_back({group, std::move(alerts)});
  }
  std::vector<std::pair<GroupFlush, std::vector<Alert>>> flushes;
};

std::map<std::string, EscalationPolicy> oncall_policy() {
  return config_from("receivers: [{name: ops}, {name: pager}]\n"
                     "escalation_policies:\n"
                     "  - {name: oncall, steps: [{after: 15m, receivers: [pager]}]}\n"
                     "route: {receiver: ops, escalation_policy: oncall}\n")
      .escalation_policies;
}
}  // namespace

TEST_CASE("an acknowledged alert that resolves at its escalation step is not escalated") {
  // NotificationStack::send() records a cycle's alerts in the store before the dispatcher hands them to
  // the escalator, and the timer thread's tick can land in between: the store already says resolved (which
  // ended the acknowledgement) while the escalator's copy still says firing. This replays that order.
  persistence::Database db(":memory:", persistence::alertd_migrations());
  persistence::AlertStore store(db);
  FakeClock clock(kT0);
  RecordingSink sink;
  const auto policies = oncall_policy();
  dispatch::Escalator escalator(policies, sink, clock, &store);
  const Alert a = firing({{"alertname", "TwikitServiceDown"}, {"service", "account_health"}}, kT0);

  store.record({a}, kT0);
  escalator.track("oncall", a);
  clock.advance_ms(5 * kMin);
  REQUIRE(store.acknowledge(fingerprint(a), "alice", "on it", clock.now_ms()) == persistence::AckOutcome::acknowledged);
  escalator.tick(clock.now_ms());
  clock.set_ms(kT0 + 15 * kMin);  // the step is due, and the rule engine resolves the alert now
  store.record({resolved(a, clock.now_ms())}, clock.now_ms());
  escalator.tick(clock.now_ms());  // the timer thread, before the dispatcher has passed the resolution on
  CHECK(sink.flushes.empty());
  CHECK(escalator.tracked() == 0);
  escalator.track("oncall", resolved(a, clock.now_ms()));
  escalator.tick(clock.now_ms() + kMin);
  CHECK(sink.flushes.empty());
  CHECK(escalator.tracked() == 0);
}

TEST_CASE("an unacknowledged alert still firing at its step is escalated with its level") {
  persistence::Database db(":memory:", persistence::alertd_migrations());
  persistence::AlertStore store(db);
  FakeClock clock(kT0);
  RecordingSink sink;
  const auto policies = oncall_policy();
  std::vector<dispatch::Escalation> seen;
  dispatch::Escalator escalator(policies, sink, clock, &store);
  escalator.subscribe([&seen](const dispatch::Escalation& e) { seen.push_back(e); });
  const Alert a = firing({{"alertname", "TwikitServiceDown"}, {"service", "account_health"}}, kT0);
  store.record({a}, kT0);
  escalator.track("oncall", a);
  escalator.tick(kT0 + 15 * kMin - 1);
  CHECK(sink.flushes.empty());
  escalator.tick(kT0 + 15 * kMin);
  REQUIRE(sink.flushes.size() == 1);
  const auto& [group, alerts] = sink.flushes[0];
  CHECK(group.receiver == "pager");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].labels == make_labels({{"alertname", "TwikitServiceDown"},
                                         {"escalation_level", "1"},
                                         {"service", "account_health"}}));
  CHECK(group.group_labels == alerts[0].labels);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].fingerprint == fingerprint(a));
  CHECK(seen[0].policy == "oncall");
  CHECK(seen[0].level == 1);
  CHECK(seen[0].receivers == std::vector<std::string>{"pager"});
  CHECK(seen[0].at == kT0 + 15 * kMin);
}

TEST_CASE("the default title of an escalation step starts with [ESCALATED] and leaves the level out") {
  const auto title = [](const Notification& n) {
    return NotificationTemplater(nullptr, n, "slack").text("title", "{{ template \"__subject\" . }}");
  };
  Notification n;
  n.now = kT0;
  n.group_labels = make_labels({{"alertname", "Down"}, {"escalation_level", "2"}, {"service", "x"}});
  n.alerts = {firing(n.group_labels, kT0)};
  CHECK(title(n) == "[ESCALATED] [FIRING:1] Down x ");
  n.group_labels = make_labels({{"alertname", "Down"}});
  n.alerts = {firing({{"alertname", "Down"}, {"escalation_level", "1"}, {"service", "x"}}, kT0)};
  CHECK(title(n) == "[ESCALATED] [FIRING:1] Down (x)");
  n.alerts = {firing({{"alertname", "Down"}, {"service", "x"}}, kT0)};
  CHECK(title(n) == "[FIRING:1] Down (x)");
}

TEST_CASE("an escalated notification says so: label, Slack title, history entry and alertd_escalations_total") {
  TestReceiver receiver;
  const std::string yaml =
      "receivers:\n"
      "  - {name: ops, webhook_configs: [{url: '" + receiver.url("/ops") + "'}]}\n"
      "  - {name: pager, webhook_configs: [{url: '" + receiver.url("/pager") + "'}],\n"
      "     slack_configs: [{api_url: '" + receiver.url("/slack") + "', channel: '#oncall'}]}\n"
      "escalation_policies:\n"
      "  - {name: oncall, steps: [{after: 15m, receivers: [pager]}]}\n"
      "route: {receiver: ops, group_by: [alertname], group_wait: 0s, escalation_policy: oncall}\n";
  FakeClock clock(kT0);
  app::StackOptions opts;
  opts.clock = &clock;
  opts.run_timer_thread = false;
  app::NotificationStack stack(opts);
  stack.apply(config_from(yaml));
  const Alert a = firing({{"alertname", "TwikitServiceDown"}, {"service", "account_health"}}, kT0);
  for (int m = 0; m <= 16; ++m) {
    clock.set_ms(kT0 + m * kMin);
    stack.send({a});
    stack.tick();
  }
  REQUIRE(stack.wait_idle(std::chrono::seconds(5)));

  std::vector<ReceivedRequest> pager, slack;
  for (const auto& r : receiver.delivered()) {
    if (r.path == "/pager") pager.push_back(r);
    if (r.path == "/slack") slack.push_back(r);
  }
  REQUIRE(pager.size() == 1);
  const json hook = json::parse(pager[0].body);
  CHECK(hook["commonLabels"]["escalation_level"] == "1");
  CHECK(hook["alerts"][0]["labels"] == json{{"alertname", "TwikitServiceDown"},
                                            {"escalation_level", "1"},
                                            {"service", "account_health"}});
  REQUIRE(slack.size() == 1);
  CHECK(json::parse(slack[0].body)["attachments"][0]["title"] ==
        "[ESCALATED] [FIRING:1] TwikitServiceDown account_health ");

  const auto history = stack.alerts().history(fingerprint(a));
  REQUIRE(history.size() == 2);
  CHECK(history[0].event == "firing");
  CHECK(history[1].event == "escalated");
  CHECK(history[1].at == kT0 + 15 * kMin);
  CHECK(history[1].detail == "level=1 policy=oncall receivers=pager");

  std::vector<MetricFamily> families;
  stack.collect(families);
  const MetricFamily* escalations = nullptr;
  for (const auto& f : families) {
    if (f.name == "alertd_escalations_total") escalations = &f;
  }
  REQUIRE(escalations != nullptr);
  CHECK(escalations->type == MetricType::counter);
  REQUIRE(escalations->samples.size() == 1);
  CHECK(escalations->samples[0].labels == make_labels({{"level", "1"}, {"receiver", "pager"}}));
  CHECK(escalations->samples[0].value == 1);
}
