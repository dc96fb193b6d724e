// The Alertmanager API v2 handlers over the whole notification stack (SQLite in memory, real silences,
// inhibitor and routes) with a fake clock: the same alerts and silences the monitoring API serves.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "alertd/amapi/am_api.h"
#include "alertd/amapi/am_config_yaml.h"
#include "alertd/app/notification_stack.h"

using namespace twikit;
using namespace twikit::amapi;
using nlohmann::json;

namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

constexpr const char* kConfig = R"(
receivers:
  - name: log
    system_log_configs: [{}]
  - name: crit
    system_log_configs: [{}]
route:
  receiver: log
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: crit
      group_wait: 10s
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [service]
)";

notify::NotificationConfig config_with_token(const std::string& token) {
  auto cfg = notify::load_notification_config(YAML::Load(kConfig), "test.yaml",
                                              [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  cfg.api_bearer_token = token;
  return cfg;
}

notify::Alert alert(std::vector<Label> labels) {
  notify::Alert a;
  a.labels = make_labels(std::move(labels));
  a.annotations = make_labels({{"summary", "s"}});
  a.starts_at = kT0;
  a.ends_at = kT0 + 240'000;
  a.generator_url = "http://alertd/api/v1/alerts";
  return a;
}

std::string fp(const notify::Alert& a) { return notify::fingerprint_hex(notify::fingerprint(a)); }

struct Fixture {
  explicit Fixture(const std::string& token = "tok") : clock(kT0) {
    app::StackOptions opts;
    opts.clock = &clock;
    opts.run_timer_thread = false;
    stack = std::make_unique<app::NotificationStack>(opts);
    stack->apply(config_with_token(token));
    stack->send({down, slow_proxy, slow_session});
  }
  AlertmanagerApi& api() { return stack->alertmanager_api(); }
  json ok(const AmResponse& r) {
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  }
  std::vector<std::string> alert_names(const WebParams& params) {
    std::vector<std::string> out;
    for (const auto& a : ok(api().alerts(params))) out.push_back(a["labels"]["alertname"].get<std::string>() + "/" +
                                                                a["labels"]["service"].get<std::string>());
    return out;
  }
  std::string post(const json& body, const std::string& auth = "Bearer tok") {
    const auto r = api().post_silence(auth, body.dump());
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body)["silenceID"];
  }
  json silence_body(const std::string& matcher_value, TimestampMs ends) const {
    return {{"matchers", {{{"name", "alertname"}, {"value", matcher_value}, {"isRegex", false}}}},
            {"startsAt", am_time(clock.now_ms())},
            {"endsAt", am_time(ends)},
            {"createdBy", "alice"},
            {"comment", "maintenance"}};
  }

  FakeClock clock;
  std::unique_ptr<app::NotificationStack> stack;
  const notify::Alert down = alert({{"alertname", "Down"}, {"severity", "critical"}, {"service", "proxy"}});
  const notify::Alert slow_proxy = alert({{"alertname", "Slow"}, {"severity", "warning"}, {"service", "proxy"}});
  const notify::Alert slow_session = alert({{"alertname", "Slow"}, {"severity", "warning"}, {"service", "session"}});
};

}  // namespace

TEST_CASE("GET alerts lists the firing alerts with receivers and inhibition, by fingerprint", "[amapi][api]") {
  Fixture f;
  const json alerts = f.ok(f.api().alerts({}));
  REQUIRE(alerts.size() == 3);
  std::map<std::string, json> by_fp;
  for (const auto& a : alerts) by_fp[a["fingerprint"]] = a;
  std::vector<std::string> order;
  for (const auto& a : alerts) order.push_back(a["fingerprint"]);
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(by_fp[fp(f.down)]["receivers"] == json::parse(R"([{"name": "crit"}])"));
  CHECK(by_fp[fp(f.down)]["status"] == json::parse(R"({"inhibitedBy": [], "silencedBy": [], "state": "active"})"));
  CHECK(by_fp[fp(f.slow_proxy)]["receivers"] == json::parse(R"([{"name": "log"}])"));
  CHECK(by_fp[fp(f.slow_proxy)]["status"] ==
        json({{"inhibitedBy", {fp(f.down)}}, {"silencedBy", json::array()}, {"state", "suppressed"}}));
  CHECK(by_fp[fp(f.slow_session)]["status"]["state"] == "active");
  CHECK(by_fp[fp(f.down)]["startsAt"] == "2023-11-14T22:13:20.000Z");
  CHECK(by_fp[fp(f.down)]["endsAt"] == "2023-11-14T22:17:20.000Z");
  CHECK(by_fp[fp(f.down)]["generatorURL"] == "http://alertd/api/v1/alerts");
}

TEST_CASE("GET alerts applies filter, receiver and the state switches", "[amapi][api]") {
  Fixture f;
  auto slow = f.alert_names({{"filter", "alertname=Slow"}});
  std::sort(slow.begin(), slow.end());
  CHECK(slow == std::vector<std::string>{"Slow/proxy", "Slow/session"});
  CHECK(f.alert_names({{"filter", "alertname=Slow"}, {"filter", "service=~\"sess.*\""}}) ==
        std::vector<std::string>{"Slow/session"});
  CHECK(f.alert_names({{"receiver", "crit"}}) == std::vector<std::string>{"Down/proxy"});
  CHECK(f.alert_names({{"inhibited", "false"}, {"filter", "alertname=Slow"}}) == std::vector<std::string>{"Slow/session"});
  CHECK(f.alert_names({{"active", "false"}}) == std::vector<std::string>{"Slow/proxy"});
  const auto bad = f.api().alerts({{"filter", "foo"}});
  CHECK(bad.status == 400);
  CHECK(bad.body == R"("bad matcher format: foo")");
}

TEST_CASE("an alert whose endsAt has passed is no longer listed", "[amapi][api]") {
  Fixture f;
  f.clock.advance_ms(240'001);
  CHECK(f.ok(f.api().alerts({})).empty());
}

TEST_CASE("GET alerts/groups aggregates by route and group_by, ordered by labels", "[amapi][api]") {
  Fixture f;
  const json groups = f.ok(f.api().alert_groups({}));
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]["labels"] == json{{"alertname", "Down"}});
  CHECK(groups[0]["receiver"] == json{{"name", "crit"}});
  CHECK(groups[0]["alerts"].size() == 1);
  CHECK(groups[1]["labels"] == json{{"alertname", "Slow"}});
  CHECK(groups[1]["receiver"] == json{{"name", "log"}});
  REQUIRE(groups[1]["alerts"].size() == 2);
  CHECK(groups[1]["alerts"][0]["labels"]["service"] == "proxy");
  CHECK(groups[1]["alerts"][1]["labels"]["service"] == "session");
  CHECK(f.ok(f.api().alert_groups({{"receiver", "log"}})).size() == 1);
  CHECK(f.ok(f.api().alert_groups({{"filter", "service=session"}}))[0]["alerts"].size() == 1);
}

TEST_CASE("a silence POSTed here is the monitoring API's silence and silences the alert", "[amapi][api]") {
  Fixture f;
  const std::string id = f.post(f.silence_body("Slow", kT0 + 3'600'000));
  const auto stored = f.stack->silences().get(id);
  REQUIRE(stored);
  CHECK(stored->created_by == "alice");
  const json listed = f.ok(f.api().silences({}));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == id);
  CHECK(listed[0]["status"]["state"] == "active");
  CHECK(f.ok(f.api().silence(id)) == listed[0]);
  CHECK(f.alert_names({{"active", "false"}, {"inhibited", "false"}}) == std::vector<std::string>{"Slow/session"});
  const json alerts = f.ok(f.api().alerts({{"filter", "service=session"}}));
  CHECK(alerts[0]["status"] == json({{"inhibitedBy", json::array()}, {"silencedBy", {id}}, {"state", "suppressed"}}));
  CHECK(f.ok(f.api().silences({{"filter", "alertname=Slow"}})).size() == 1);
  CHECK(f.ok(f.api().silences({{"filter", "alertname=Down"}})).empty());
}

TEST_CASE("POST with the id of an active silence and the same matchers updates it in place", "[amapi][api]") {
  Fixture f;
  json body = f.silence_body("Slow", kT0 + 3'600'000);
  const std::string id = f.post(body);
  f.clock.advance_ms(60'000);
  body["id"] = id;
  body["endsAt"] = am_time(kT0 + 7'200'000);
  body["comment"] = "longer";
  CHECK(f.post(body) == id);
  CHECK(f.stack->silences().get(id)->ends_at == kT0 + 7'200'000);
  CHECK(f.stack->silences().get(id)->comment == "longer");
  CHECK(f.stack->silences().list().size() == 1);
}

TEST_CASE("POST with the id of a silence whose matchers change expires it and creates another", "[amapi][api]") {
  Fixture f;
  json body = f.silence_body("Slow", kT0 + 3'600'000);
  const std::string id = f.post(body);
  f.clock.advance_ms(60'000);
  body["id"] = id;
  body["matchers"][0]["value"] = "Down";
  const std::string replacement = f.post(body);
  CHECK(replacement != id);
  CHECK(silence::silence_state(*f.stack->silences().get(id), f.clock.now_ms()) == "expired");
  CHECK(silence::silence_state(*f.stack->silences().get(replacement), f.clock.now_ms()) == "active");
  const json listed = f.ok(f.api().silences({}));
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["id"] == replacement);  // active before expired
}

TEST_CASE("POST refuses an unknown id, an end in the past and an end before the start", "[amapi][api]") {
  Fixture f;
  json body = f.silence_body("Slow", kT0 + 3'600'000);
  body["id"] = "nope";
  const auto unknown = f.api().post_silence("Bearer tok", body.dump());
  CHECK(unknown.status == 404);
  CHECK(unknown.body == R"("silence not found")");
  const auto past = f.api().post_silence("Bearer tok", f.silence_body("Slow", kT0 - 1).dump());
  CHECK(past.status == 400);
  CHECK(past.body == R"("Failed to create silence: start time must be before end time")");
  json ended = f.silence_body("Slow", kT0 - 1);
  ended["startsAt"] = am_time(kT0 - 10'000);
  const auto ended_r = f.api().post_silence("Bearer tok", ended.dump());
  CHECK(ended_r.status == 400);
  CHECK(ended_r.body == R"("Failed to create silence: end time can't be in the past")");
}

TEST_CASE("mutations need the API bearer token, and are refused when none is configured", "[amapi][api]") {
  Fixture f;
  const std::string body = f.silence_body("Slow", kT0 + 3'600'000).dump();
  CHECK(f.api().post_silence("", body).status == 401);
  CHECK(f.api().post_silence("Bearer wrong", body).status == 401);
  CHECK(f.api().delete_silence("Bearer wrong", "x").status == 401);
  Fixture open("");
  CHECK(open.api().post_silence("Bearer tok", body).status == 403);
  CHECK(open.stack->silences().list().empty());
}

TEST_CASE("DELETE expires a silence, again is no error, an unknown id is 404", "[amapi][api]") {
  Fixture f;
  const std::string id = f.post(f.silence_body("Slow", kT0 + 3'600'000));
  f.clock.advance_ms(1'000);
  const auto r = f.api().delete_silence("Bearer tok", id);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(f.ok(f.api().silence(id))["status"]["state"] == "expired");
  CHECK(f.api().delete_silence("Bearer tok", id).status == 200);
  const auto unknown = f.api().delete_silence("Bearer tok", "nope");
  CHECK(unknown.status == 404);
  CHECK(unknown.body == R"("silence not found")");
  const auto get_unknown = f.api().silence("nope");
  CHECK(get_unknown.status == 404);
  CHECK(get_unknown.body.empty());
}

TEST_CASE("GET receivers and status describe the running notification config", "[amapi][api]") {
  Fixture f;
  CHECK(f.ok(f.api().receivers()) == json::parse(R"([{"name": "log"}, {"name": "crit"}])"));
  const json status = f.ok(f.api().status());
  CHECK(status["cluster"] == json::parse(R"({"status": "disabled", "peers": []})"));
  CHECK(status["versionInfo"]["version"] == TWIKIT_VERSION);
  CHECK(status["uptime"] == "2023-11-14T22:13:20.000Z");
  CHECK(status["config"]["original"] ==
        "route:\n"
        "  receiver: log\n"
        "  group_by: [alertname]\n"
        "  group_wait: 30s\n"
        "  group_interval: 5m\n"
        "  repeat_interval: 4h\n"
        "  routes:\n"
        "    - receiver: crit\n"
        "      matchers: [severity=\"critical\"]\n"
        "      group_wait: 10s\n"
        "inhibit_rules:\n"
        "  - source_matchers: [severity=\"critical\"]\n"
        "    target_matchers: [severity=\"warning\"]\n"
        "    equal: [service]\n"
        "receivers:\n"
        "  - name: log\n"
        "  - name: crit\n"
        "templates: []\n");
}

TEST_CASE("the Alertmanager config writes integrations with their secrets hidden", "[amapi][api]") {
  notify::NotificationConfig cfg;
  notify::ReceiverConfig r;
  r.name = "ops";
  notify::WebhookConfig w;
  w.url = "http://hook.example/secret-path";
  w.auth.scheme = notify::HttpAuth::Scheme::authorization;
  w.auth.credentials = "abc";
  r.webhooks.push_back(w);
  notify::SlackConfig s;
  s.api_url = "https://hooks.slack.com/services/T/B/X";
  s.channel = "#ops";
  r.slacks.push_back(s);
  notify::EmailConfig e;
  e.to = {"a@example.org", "b@example.org"};
  e.from = "alertd@example.org";
  e.smarthost = "mail:587";
  e.auth_username = "u";
  e.auth_password = "pw";
  r.emails.push_back(e);
  cfg.receivers.push_back(r);
  cfg.route.receiver = "ops";
  const std::string yaml = alertmanager_config_yaml(cfg);
  CHECK(yaml.find("secret-path") == std::string::npos);
  CHECK(yaml.find("hooks.slack.com") == std::string::npos);
  CHECK(yaml.find("pw") == std::string::npos);
  CHECK(yaml.find("abc") == std::string::npos);
  const YAML::Node doc = YAML::Load(yaml);
  CHECK(doc["receivers"][0]["webhook_configs"][0]["url"].as<std::string>() == "https://redacted.invalid/");
  CHECK(doc["receivers"][0]["webhook_configs"][0]["http_config"]["authorization"]["credentials"].as<std::string>() ==
        "<secret>");
  CHECK(doc["receivers"][0]["slack_configs"][0]["api_url"].as<std::string>() == "<secret>");
  CHECK(doc["receivers"][0]["slack_configs"][0]["channel"].as<std::string>() == "#ops");
  CHECK(doc["receivers"][0]["email_configs"][0]["to"].as<std::string>() == "a@example.org, b@example.org");
  CHECK(doc["receivers"][0]["email_configs"][0]["auth_password"].as<std::string>() == "<secret>");
  CHECK(doc["route"]["receiver"].as<std::string>() == "ops");
}

TEST_CASE("the Alertmanager config carries time intervals and the routes' references to them", "[amapi][api]") {
  const auto cfg = notify::load_notification_config(YAML::Load(R"(
receivers: [{name: log, system_log_configs: [{}]}]
route:
  receiver: log
  routes:
    - matchers: ['team="ops"']
      mute_time_intervals: [nights]
      active_time_intervals: [workdays]
time_intervals:
  - name: nights
    time_intervals:
      - times: [{start_time: '22:00', end_time: '24:00'}]
        location: Europe/Berlin
  - name: workdays
    time_intervals:
      - weekdays: ['monday:friday', 'sunday']
        days_of_month: ['1:5', '-1']
        months: ['1:3']
        years: ['2026']
)"), "test.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  const std::string yaml = alertmanager_config_yaml(cfg);
  INFO(yaml);
  CHECK(yaml.find("      mute_time_intervals: [nights]\n      active_time_intervals: [workdays]\n") != std::string::npos);
  CHECK(yaml.find("time_intervals:\n"
                  "  - name: nights\n"
                  "    time_intervals:\n"
                  "      - times:\n"
                  "          - {start_time: \"22:00\", end_time: \"24:00\"}\n"
                  "        location: Europe/Berlin\n"
                  "  - name: workdays\n"
                  "    time_intervals:\n"
                  "      - weekdays: [monday:friday, sunday]\n"
                  "        days_of_month: [1:5, -1]\n"
                  "        months: [1:3]\n"
                  "        years: [2026]\n") != std::string::npos);
}
