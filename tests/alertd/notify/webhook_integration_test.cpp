// Webhook and Slack deliveries into real HTTP receivers on loopback, including faults.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "alertd/dispatch/dispatcher.h"
#include "alertd/notify/integrations.h"
#include "alertd/notify/pipeline.h"
#include "alertd/notify/slack.h"
#include "alertd/notify/webhook.h"
#include "support/notify/fakes.h"
#include "support/notify/receiver.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;
using twikit::testing::eventually;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;

struct Stack {
  explicit Stack(const std::string& yaml, std::map<std::string, std::string> env = {})
      : config(load_notification_config(YAML::Load(yaml), "test.yaml",
                                        [env](const std::string& k) -> std::optional<std::string> {
                                          auto it = env.find(k);
                                          if (it == env.end()) return std::nullopt;
                                          return it->second;
                                        })),
        clock(kT0) {
    auto http = std::make_shared<CurlHttpClient>();
    std::map<std::string, std::vector<Integration>> receivers;
    for (const auto& r : config.receivers) receivers[r.name] = build_integrations(r, http);
    PipelineOptions opts;
    opts.external_url = "http://alertd.test:9878";
    opts.retry.initial_backoff_ms = 10;
    opts.retry.max_backoff_ms = 50;
    opts.retry.max_elapsed_ms = 5000;
    pipeline = std::make_unique<Pipeline>(std::move(receivers), nullptr, nullptr, nflog, outbox, clock, &metrics, opts);
    dispatcher = std::make_unique<dispatch::Dispatcher>(config.route, *pipeline, clock);
  }
  NotificationConfig config;
  FakeClock clock;
  MemoryNotificationLog nflog;
  MemoryOutbox outbox;
  NotifyMetrics metrics;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<dispatch::Dispatcher> dispatcher;
};

Notification one_alert(const std::string& receiver) {
  Notification n;
  n.receiver = receiver;
  n.group_key = "{}:{}";
  n.alerts = {firing({{"alertname", "A"}}, kT0)};
  n.now = kT0;
  return n;
}

std::string hook_config(const TestReceiver& r, const std::string& extra = "") {
  return "receivers:\n  - name: ops\n    webhook_configs: [{url: '" + r.url() + "'" + extra +
         "}]\nroute: {receiver: ops, group_by: [alertname], group_wait: 0s}\n";
}
}  // namespace

TEST_CASE("the webhook receiver gets Alertmanager's v4 JSON with the bearer token") {
  TestReceiver r;
  Stack s(hook_config(r), {{"MONITORING_WEBHOOK_TOKEN", "s3cret"}});
  const Alert a = firing({{"alertname", "ServiceDown"}, {"service", "proxy_rotation"}, {"severity", "critical"}}, kT0,
                         {{"summary", "proxy_rotation is down"}});
  s.dispatcher->put({a});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  const auto req = r.delivered()[0];
  CHECK(req.path == "/hook");
  CHECK(req.authorization == "Bearer s3cret");
  const std::string expected =
      R"({"receiver":"ops","status":"firing","alerts":[{"status":"firing",)"
      R"("labels":{"alertname":"ServiceDown","service":"proxy_rotation","severity":"critical"},)"
      R"("annotations":{"summary":"proxy_rotation is down"},"startsAt":"2023-11-14T22:13:20Z",)"
      R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":")" +
      fingerprint_hex(fingerprint(a)) +
      R"("}],"groupLabels":{"alertname":"ServiceDown"},)"
      R"("commonLabels":{"alertname":"ServiceDown","service":"proxy_rotation","severity":"critical"},)"
      R"("commonAnnotations":{"summary":"proxy_rotation is down"},"externalURL":"http://alertd.test:9878",)"
      R"("version":"4","groupKey":"{}:{alertname=\"ServiceDown\"}","truncatedAlerts":0})";
  CHECK(req.body == expected);
  REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
  CHECK(s.metrics.sent("webhook") == 1);
}

TEST_CASE("http_config basic_auth and authorization reach the webhook receiver as Authorization headers") {
  TestReceiver r;
  {
    Stack s(hook_config(r, ", http_config: {basic_auth: {username: alertd, password: 'p@ss:word'}}"));
    s.dispatcher->put({firing({{"alertname", "A"}}, kT0)});
    REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
    // base64("alertd:p@ss:word")
    CHECK(r.delivered()[0].authorization == "Basic YWxlcnRkOnBAc3M6d29yZA==");
    REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
  }
  {
    Stack s(hook_config(r, ", http_config: {authorization: {type: Token, credentials: abc123}}"));
    s.dispatcher->put({firing({{"alertname", "B"}}, kT0)});
    REQUIRE(eventually([&] { return r.delivered().size() == 2; }));
    CHECK(r.delivered()[1].authorization == "Token abc123");
    REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
  }
}

TEST_CASE("a receiver that answers 500 for a while, then 200, gets the notification exactly once") {
  TestReceiver r;
  for (int i = 0; i < 3; ++i) r.script(500);
  Stack s(hook_config(r));
  s.dispatcher->put({firing({{"alertname", "Down"}}, kT0)});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
  CHECK(r.requests().size() == 4);
  CHECK(r.delivered().size() == 1);
  CHECK(s.metrics.failed("webhook", "serverError") == 3);
  CHECK(s.outbox.depth() == 0);
}

TEST_CASE("429 is retried after Retry-After; other 4xx are not retried") {
  TestReceiver r;
  r.script(429, "1");
  Stack s(hook_config(r));
  const auto t = std::chrono::steady_clock::now();
  s.dispatcher->put({firing({{"alertname", "Down"}}, kT0)});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }, std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - t >= std::chrono::milliseconds(950));

  TestReceiver bad;
  bad.script(400);
  Stack s2(hook_config(bad));
  s2.dispatcher->put({firing({{"alertname", "Down"}}, kT0)});
  REQUIRE(s2.pipeline->wait_idle(std::chrono::seconds(5)));
  CHECK(bad.requests().size() == 1);
  CHECK(bad.delivered().empty());
  CHECK(s2.metrics.failed("webhook", "clientError") == 1);
}

TEST_CASE("a hung webhook receiver delays no other receiver") {
  TestReceiver hung, fast;
  hung.set_delay_ms(3000);
  Stack s("receivers:\n  - name: hung\n    webhook_configs: [{url: '" + hung.url() + "', timeout: 10s}]\n" +
          "  - name: fast\n    webhook_configs: [{url: '" + fast.url() + "'}]\n" +
          "route:\n  receiver: hung\n  group_wait: 0s\n  routes:\n    - {matchers: [to=fast], receiver: fast}\n");
  s.dispatcher->put({firing({{"alertname", "A"}, {"to", "hung"}}, kT0)});
  REQUIRE(eventually([&] { return hung.requests().size() == 1; }));
  const auto t = std::chrono::steady_clock::now();
  s.dispatcher->put({firing({{"alertname", "B"}, {"to", "fast"}}, kT0)});
  REQUIRE(eventually([&] { return fast.delivered().size() == 1; }, std::chrono::seconds(2)));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t);
  CHECK(took.count() < 500);
  CHECK(hung.requests().size() == 1);
}

TEST_CASE("Slack gets an incoming-webhook message like Alertmanager's default") {
  TestReceiver r;
  Stack s("receivers:\n  - name: chat\n    slack_configs: [{channel: '#ops'}]\n"
          "route: {receiver: chat, group_by: [alertname], group_wait: 0s}\n",
          {{"SLACK_WEBHOOK_URL", r.url("/services/T0/B0/XX")}});
  s.dispatcher->put({firing({{"alertname", "Down"}, {"severity", "critical"}}, kT0,
                            {{"summary", "it is down"}, {"runbook_url", "http://rb/down"}}),
                     firing({{"alertname", "Down"}, {"severity", "critical"}, {"service", "b"}}, kT0)});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  const auto req = r.delivered()[0];
  CHECK(req.path == "/services/T0/B0/XX");
  const auto j = nlohmann::json::parse(req.body);
  CHECK(j["channel"] == "#ops");
  REQUIRE(j["attachments"].size() == 1);
  CHECK(j["attachments"][0]["title"] == "[FIRING:2] Down (critical)");
  CHECK(j["attachments"][0]["color"] == "danger");
  CHECK(j["attachments"][0]["text"].get<std::string>().find("<http://rb/down|:spiral_note_pad:>") != std::string::npos);
}

TEST_CASE("a templates: file redefining slack.default.title changes the title Slack receives") {
  TestReceiver r;
  const std::string dir = twikit::testing::make_temp_dir("alertd-slack-tmpl");
  twikit::testing::write_file(dir + "/slack.tmpl",
                              "{{ define \"slack.default.title\" }}{{ .CommonLabels.alertname }} on "
                              "{{ range .Alerts.Firing }}{{ .Labels.service }} {{ end }}({{ .Status }}){{ end }}\n");
  Stack s("templates: ['" + dir + "/*.tmpl']\n"
          "receivers:\n  - name: chat\n    slack_configs: [{channel: '#ops'}]\n"
          "route: {receiver: chat, group_by: [alertname], group_wait: 0s}\n",
          {{"SLACK_WEBHOOK_URL", r.url("/services/T0/B0/XX")}});
  s.dispatcher->put({firing({{"alertname", "Down"}, {"severity", "critical"}, {"service", "a"}}, kT0),
                     firing({{"alertname", "Down"}, {"severity", "critical"}, {"service", "b"}}, kT0)});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  const auto j = nlohmann::json::parse(r.delivered()[0].body);
  CHECK(j["attachments"][0]["title"] == "Down on a b (firing)");
  // The fallback calls slack.default.title, so it follows the redefinition too.
  CHECK(j["attachments"][0]["fallback"] == "Down on a b (firing) | http://alertd.test:9878/#/alerts?receiver=chat");
}

TEST_CASE("url_file and credentials_file are read at each send: a rotated file takes effect without a reload") {
  TestReceiver first;
  TestReceiver second;
  const std::string dir = twikit::testing::make_temp_dir("notify-rotate");
  twikit::testing::write_file(dir + "/url", first.url("/one") + "\n");
  twikit::testing::write_file(dir + "/token", "token-1\n");
  Stack s("receivers:\n  - name: ops\n    webhook_configs: [{url_file: " + dir + "/url, http_config: "
          "{authorization: {credentials_file: " + dir + "/token}}}]\n"
          "route: {receiver: ops, group_by: [alertname], group_wait: 0s}\n");
  s.dispatcher->put({firing({{"alertname", "A"}}, kT0)});
  REQUIRE(eventually([&] { return first.delivered().size() == 1; }));
  CHECK(first.delivered()[0].path == "/one");
  CHECK(first.delivered()[0].authorization == "Bearer token-1");
  REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));

  twikit::testing::write_file(dir + "/url", second.url("/two"));
  twikit::testing::write_file(dir + "/token", "token-2");
  s.dispatcher->put({firing({{"alertname", "B"}}, kT0)});
  REQUIRE(eventually([&] { return second.delivered().size() == 1; }));
  CHECK(second.delivered()[0].path == "/two");
  CHECK(second.delivered()[0].authorization == "Bearer token-2");
  CHECK(first.requests().size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a secret file that cannot be read fails the attempt with its name, is retried, and delivers once back") {
  TestReceiver r;
  const std::string dir = twikit::testing::make_temp_dir("notify-missing-secret");
  twikit::testing::write_file(dir + "/token", "SECRET-s3cr3t\n");
  Stack s(hook_config(r, ", http_config: {basic_auth: {username: alertd, password_file: " + dir + "/missing}}"));
  // The notifier's own answer names the key and the file.
  const DeliveryResult direct =
      WebhookNotifier(s.config.find_receiver("ops")->webhooks.at(0), std::make_shared<CurlHttpClient>())
          .notify(one_alert("ops"));
  CHECK(direct.outcome == Outcome::retryable);
  CHECK(direct.reason == "other");
  CHECK(direct.detail == "cannot read password_file \"" + dir + "/missing\": No such file or directory");
  CHECK(r.requests().empty());

  // Through the pipeline: counted as failed with reason "other" and retried until the file appears.
  s.dispatcher->put({firing({{"alertname", "A"}}, kT0)});
  REQUIRE(eventually([&] { return s.metrics.failed("webhook", "other") >= 2; }));
  CHECK(r.requests().empty());
  std::filesystem::rename(dir + "/token", dir + "/missing");
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  // base64("alertd:SECRET-s3cr3t")
  CHECK(r.delivered()[0].authorization == "Basic YWxlcnRkOlNFQ1JFVC1zM2NyM3Q=");
  REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
  CHECK(s.outbox.depth() == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a Slack api_url_file is read at each send, and a file with a bad URL fails without quoting it") {
  TestReceiver r;
  const std::string dir = twikit::testing::make_temp_dir("notify-slack-url");
  twikit::testing::write_file(dir + "/slack", "ftp://hooks.example/SECRET-s3cr3t\n");
  Stack s("receivers:\n  - name: ops\n    slack_configs: [{api_url_file: " + dir + "/slack}]\n"
          "route: {receiver: ops, group_by: [alertname], group_wait: 0s}\n");
  const Notification n = one_alert("ops");
  SlackNotifier slack(s.config.find_receiver("ops")->slacks.at(0), std::make_shared<CurlHttpClient>());
  const DeliveryResult bad = slack.notify(n);
  CHECK(bad.outcome == Outcome::retryable);
  CHECK(bad.detail == "api_url_file \"" + dir + "/slack\": invalid URL: the scheme must be http or https");
  twikit::testing::write_file(dir + "/slack", r.url("/services/T/B/X") + "\n");
  CHECK(slack.notify(n).outcome == Outcome::delivered);
  REQUIRE(r.delivered().size() == 1);
  CHECK(r.delivered()[0].path == "/services/T/B/X");
  std::filesystem::remove_all(dir);
}

TEST_CASE("Slack fields and actions are templated and sent in the attachment as Alertmanager sends them") {
  TestReceiver r;
  Stack s("receivers:\n  - name: ops\n    slack_configs:\n      - api_url: '" + r.url("/slack") + "'\n" +
          R"(        channel: '#ops'
        username: alertd
        title: '{{ .CommonLabels.alertname }}'
        title_link: ''
        pretext: ''
        text: body
        fallback: fb
        callback_id: ''
        footer: ''
        icon_emoji: ''
        icon_url: ''
        color: danger
        short_fields: true
        fields:
          - {title: Service, value: '{{ .CommonLabels.service }}', short: true}
          - {title: Count, value: '{{ len .Alerts }}'}
          - {title: Where, value: eu, short: no}
        actions:
          - type: button
            text: 'Runbook {{ .CommonLabels.alertname }}'
            url: 'https://runbooks.example/{{ .CommonLabels.alertname }}'
            style: primary
            name: dropped
            value: dropped
            confirm: {text: dropped}
          - type: button
            text: Ack
            name: ack
            value: '{{ .GroupKey }}'
            style: danger
            confirm: {text: 'Ack {{ len .Alerts }}?', title: Sure, ok_text: 'OK', dismiss_text: Cancel}
route: {receiver: ops, group_by: [alertname], group_wait: 0s}
)");
  s.dispatcher->put({firing({{"alertname", "Down"}, {"service", "proxy"}}, kT0)});
  REQUIRE(eventually([&] { return r.delivered().size() == 1; }));
  CHECK(r.delivered()[0].path == "/slack");
  CHECK(r.delivered()[0].body ==
        R"({"channel":"#ops","username":"alertd","attachments":[{"title":"Down","text":"body","fallback":"fb",)"
        R"("fields":[{"title":"Service","value":"proxy","short":true},{"title":"Count","value":"1","short":true},)"
        R"({"title":"Where","value":"eu","short":false}],)"
        R"("actions":[{"type":"button","text":"Runbook Down","url":"https://runbooks.example/Down","style":"primary"},)"
        R"({"type":"button","text":"Ack","style":"danger","name":"ack","value":"{}:{alertname=\"Down\"}",)"
        R"("confirm":{"text":"Ack 1?","title":"Sure","ok_text":"OK","dismiss_text":"Cancel"}}],)"
        R"("color":"danger","mrkdwn_in":["fallback","pretext","text"]}]})");
  REQUIRE(s.pipeline->wait_idle(std::chrono::seconds(5)));
}
