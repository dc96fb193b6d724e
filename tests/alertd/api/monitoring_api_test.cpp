// The monitoring API over HTTP on loopback, backed by the whole notification stack with a fake clock.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "alertd/app/notification_stack.h"
#include "common/web_server.h"
#include "support/notify/fakes.h"
#include "support/notify/harness.h"
#include "support/notify/receiver.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using twikit::app::NotificationStack;
using twikit::app::StackOptions;
using namespace twikit::notify::testing;
using nlohmann::json;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;

// Options for a stack on `db` driven by `clock` and tick() (no timer thread).
StackOptions stack_options(const std::string& db, const Clock& clock) {
  StackOptions opts;
  opts.database_path = db;
  opts.clock = &clock;
  opts.run_timer_thread = false;
  return opts;
}

struct ApiFixture {
  explicit ApiFixture(const std::string& db = "") : clock(kT0) {
    stack = std::make_unique<NotificationStack>(stack_options(db, clock));
    auto cfg = config_from("receivers: [{name: log, system_log_configs: [{}]}]\nroute: {receiver: log}\n");
    cfg.api_bearer_token = "tok";
    stack->apply(cfg);
    WebRouter router;
    stack->register_routes(router);
    server = std::make_unique<WebServer>(std::move(router), WebServerOptions{});
    port = server->bind("127.0.0.1:0");
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer tok"}}; }
  json get(const std::string& path, int expect = 200) {
    auto r = client->Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == expect);
    return json::parse(r->body);
  }
  FakeClock clock;
  std::unique_ptr<NotificationStack> stack;
  std::unique_ptr<WebServer> server;
  int port = 0;
  std::unique_ptr<httplib::Client> client;
};
}  // namespace

TEST_CASE("alerts can be listed with filters, fetched with history and acknowledged") {
  ApiFixture f;
  const Alert a = firing({{"alertname", "Down"}, {"severity", "critical"}, {"service", "proxy_rotation"}}, kT0);
  const Alert w = firing({{"alertname", "Slow"}, {"severity", "warning"}, {"service", "rate_limit"}}, kT0);
  f.stack->send({a, w});
  CHECK(f.get("/api/monitoring/alerts")["data"].size() == 2);
  const json crit = f.get("/api/monitoring/alerts?severity=critical");
  REQUIRE(crit["data"].size() == 1);
  CHECK(crit["data"][0]["labels"]["alertname"] == "Down");
  CHECK(crit["data"][0]["state"] == "firing");
  CHECK(crit["data"][0]["activeAt"] == "2023-11-14T22:13:20Z");
  CHECK(crit["data"][0]["acknowledged"] == false);
  CHECK(f.get("/api/monitoring/alerts?filter=%7Bservice%3D~%22rate.*%22%7D")["data"].size() == 1);
  CHECK(f.get("/api/monitoring/alerts?state=resolved")["data"].empty());
  CHECK(f.get("/api/monitoring/alerts?from=2023-11-14T00:00:00Z&to=1700000001")["data"].size() == 2);

  const std::string id = fingerprint_hex(fingerprint(a));
  auto unauth = f.client->Post(("/api/monitoring/alerts/" + id + "/acknowledge").c_str(), R"({"by":"alice"})",
                               "application/json");
  REQUIRE(unauth);
  CHECK(unauth->status == 401);
  CHECK(json::parse(unauth->body)["status"] == "error");
  auto ack = f.client->Post(("/api/monitoring/alerts/" + id + "/acknowledge").c_str(), f.auth(),
                            R"({"by":"alice","comment":"on it"})", "application/json");
  REQUIRE(ack);
  CHECK(ack->status == 200);
  CHECK(json::parse(ack->body)["data"]["acknowledgement"]["by"] == "alice");
  CHECK(f.get("/api/monitoring/alerts?acknowledged=true")["data"].size() == 1);
  CHECK(f.get("/api/monitoring/alerts?acknowledged=false")["data"][0]["labels"]["alertname"] == "Slow");

  // Acknowledging again is a conflict that shows who has it; the first acknowledgement stands.
  auto again = f.client->Post(("/api/monitoring/alerts/" + id + "/acknowledge").c_str(), f.auth(),
                              R"({"by":"bob","comment":"mine"})", "application/json");
  REQUIRE(again);
  CHECK(again->status == 409);
  const json conflict = json::parse(again->body);
  CHECK(conflict["status"] == "error");
  CHECK(conflict["errorType"] == "conflict");
  CHECK(conflict["error"] == "alert " + id + " is already acknowledged");
  CHECK(conflict["data"]["acknowledgement"] ==
        json{{"by", "alice"}, {"comment", "on it"}, {"at", "2023-11-14T22:13:20Z"}});

  const json one = f.get("/api/monitoring/alerts/" + id);
  CHECK(one["data"]["acknowledgement"]["by"] == "alice");
  REQUIRE(one["data"]["history"].size() == 2);
  CHECK(one["data"]["history"][1]["event"] == "acknowledged");
}

TEST_CASE("activeAt is Prometheus' activeAt, the pending start, as in /api/v1/alerts; firedAt the firing start") {
  ApiFixture f;
  Alert a = firing({{"alertname", "Slow"}}, kT0);
  a.active_at = kT0 - 120'000;  // pending for 2m (`for: 2m`) before it fired
  f.stack->send({a});
  const json listed = f.get("/api/monitoring/alerts");
  REQUIRE(listed["data"].size() == 1);
  CHECK(listed["data"][0]["activeAt"] == "2023-11-14T22:11:20Z");
  CHECK(listed["data"][0]["firedAt"] == "2023-11-14T22:13:20Z");
  f.clock.advance_ms(60'000);
  a.ends_at = f.clock.now_ms();
  f.stack->send({a});
  const json one = f.get("/api/monitoring/alerts/" + fingerprint_hex(fingerprint(a)));
  CHECK(one["data"]["state"] == "resolved");
  CHECK(one["data"]["activeAt"] == "2023-11-14T22:11:20Z");
  CHECK(one["data"]["resolvedAt"] == "2023-11-14T22:14:20Z");
}

TEST_CASE("bad input gets a 4xx with a JSON error body") {
  ApiFixture f;
  CHECK(f.get("/api/monitoring/alerts?state=sleeping", 400)["errorType"] == "bad_data");
  CHECK(f.get("/api/monitoring/alerts?filter=%7Bbad", 400)["status"] == "error");
  CHECK(f.get("/api/monitoring/alerts?from=yesterday", 400)["error"] == "invalid from time \"yesterday\"");
  CHECK(f.get("/api/monitoring/alerts/zz", 400)["status"] == "error");
  CHECK(f.get("/api/monitoring/alerts/00000000000000aa", 404)["errorType"] == "not_found");
  auto r = f.client->Post("/api/monitoring/alerts/00000000000000aa/acknowledge", f.auth(), "{not json",
                          "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  r = f.client->Post("/api/monitoring/silences", f.auth(), R"({"matchers":["a=b"]})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "\"endsAt\" is required");
  auto d = f.client->Delete("/api/monitoring/silences/nope", f.auth());
  REQUIRE(d);
  CHECK(d->status == 404);
}

TEST_CASE("silences are created, listed and expired through the API and mute notifications") {
  ApiFixture f;
  const json body = {{"matchers", json::array({"service=~\"proxy.*\"", {{"name", "severity"}, {"value", "critical"}}})},
                     {"endsAt", "2023-11-14T23:13:20Z"},
                     {"createdBy", "bob"},
                     {"comment", "maintenance"}};
  auto r = f.client->Post("/api/monitoring/silences", body.dump(), "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  r = f.client->Post("/api/monitoring/silences", f.auth(), body.dump(), "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string id = json::parse(r->body)["data"]["silenceID"];
  const json list = f.get("/api/monitoring/silences");
  REQUIRE(list["data"].size() == 1);
  CHECK(list["data"][0]["status"]["state"] == "active");
  CHECK(list["data"][0]["matchers"][1] == json({{"name", "severity"}, {"value", "critical"}, {"isRegex", false}, {"isEqual", true}}));
  CHECK(f.stack->silences().mutes(make_labels({{"service", "proxy_rotation"}, {"severity", "critical"}}), f.clock.now_ms()));
  auto d = f.client->Delete(("/api/monitoring/silences/" + id).c_str(), f.auth());
  REQUIRE(d);
  CHECK(d->status == 200);
  CHECK(f.get("/api/monitoring/silences?state=expired")["data"].size() == 1);
  CHECK(f.get("/api/monitoring/silences/" + id)["data"]["status"]["state"] == "expired");
}

TEST_CASE("after a restart on the same database, firing alerts come back and nothing is notified twice") {
  const std::string db = twikit::testing::make_temp_dir("notify-stack") + "/alertd.db";
  TestReceiver receiver;
  const std::string yaml = "receivers:\n  - name: ops\n    webhook_configs: [{url: '" + receiver.url() +
                           "'}]\nroute: {receiver: ops, group_by: [alertname], group_wait: 30s}\n";
  FakeClock clock(kT0);
  const Alert a = firing({{"alertname", "Down"}, {"service", "x"}}, kT0);
  for (int run = 0; run < 2; ++run) {
    NotificationStack stack(stack_options(db, clock));
    stack.apply(config_from(yaml));
    if (run == 0) {
      stack.send({a});
      clock.advance_ms(30'000);
      stack.tick();
      REQUIRE(stack.wait_idle(std::chrono::seconds(5)));
      CHECK(receiver.delivered().size() == 1);
    } else {
      // The restarted stack knows the alert is firing since kT0 and that it was already notified.
      REQUIRE(stack.alerts().get(fingerprint(a)));
      CHECK(stack.alerts().get(fingerprint(a))->active_at == kT0);
      clock.advance_ms(60'000);
      stack.send({a});
      stack.tick();
      REQUIRE(stack.wait_idle(std::chrono::seconds(5)));
      CHECK(receiver.delivered().size() == 1);
      std::vector<MetricFamily> families;
      stack.collect(families);
      CHECK(families.size() >= 6);
    }
  }
}

TEST_CASE("escalation carries on across a restart: passed steps are not re-sent, acknowledged alerts stay quiet") {
  const std::string db = twikit::testing::make_temp_dir("notify-escalation") + "/alertd.db";
  TestReceiver receiver;
  const std::string yaml = "receivers:\n"
                           "  - {name: ops, webhook_configs: [{url: '" + receiver.url("/ops") + "'}]}\n"
                           "  - {name: pager, webhook_configs: [{url: '" + receiver.url("/pager") + "'}]}\n"
                           "  - {name: boss, webhook_configs: [{url: '" + receiver.url("/boss") + "'}]}\n"
                           "escalation_policies:\n"
                           "  - {name: oncall, steps: [{after: 15m, receivers: [pager]}, {after: 1h, receivers: [boss]}]}\n"
                           "route: {receiver: ops, group_by: [alertname], group_wait: 0s, escalation_policy: oncall}\n";
  const auto to = [&receiver](const std::string& path) {
    std::size_t n = 0;
    for (const auto& r : receiver.delivered()) n += r.path == path ? 1 : 0;
    return n;
  };
  FakeClock clock(kT0);
  const Alert a = firing({{"alertname", "Stuck"}}, kT0);
  const Alert b = firing({{"alertname", "Acked"}}, kT0);
  const auto run_until = [&](NotificationStack& stack, TimestampMs until) {
    while (clock.now_ms() < until) {
      clock.advance_ms(60'000);
      stack.send({a, b});
      stack.tick();
    }
    REQUIRE(stack.wait_idle(std::chrono::seconds(5)));
  };
  for (int run = 0; run < 2; ++run) {
    NotificationStack stack(stack_options(db, clock));
    stack.apply(config_from(yaml));
    if (run == 0) {
      stack.send({a, b});
      REQUIRE(stack.alerts().acknowledge(fingerprint(b), "alice", "on it", kT0) == persistence::AckOutcome::acknowledged);
      run_until(stack, kT0 + 20 * 60'000);
      CHECK(to("/ops") == 2);
      CHECK(to("/pager") == 1);  // only the unacknowledged alert escalates
    } else {
      run_until(stack, kT0 + 59 * 60'000);
      CHECK(to("/pager") == 1);  // the 15m step is not repeated by the restarted stack
      CHECK(to("/boss") == 0);
      run_until(stack, kT0 + 61 * 60'000);
      CHECK(to("/boss") == 1);
      CHECK(to("/ops") == 2);
    }
  }
}

TEST_CASE("an alert whose validity runs out without a refresh is resolved, as in Alertmanager") {
  ApiFixture f;
  Alert a = firing({{"alertname", "Flappy"}}, kT0);
  a.ends_at = kT0 + 60'000;  // the rule engine's hand-off validity
  f.stack->send({a});
  CHECK(f.get("/api/monitoring/alerts?state=firing")["data"].size() == 1);
  f.clock.advance_ms(120'000);
  f.stack->send({});
  const json resolved = f.get("/api/monitoring/alerts?state=resolved");
  REQUIRE(resolved["data"].size() == 1);
  CHECK(resolved["data"][0]["resolvedAt"] == format_rfc3339(kT0 + 60'000));
}

TEST_CASE("at most 1000 silences are active or pending; expiring one makes room") {
  ApiFixture f;
  silence::Silence s;
  s.matchers = parse_matchers("service=x");
  s.ends_at = kT0 + 3'600'000;
  s.created_by = "bob";
  std::string first;
  for (std::size_t i = 0; i < silence::kMaxActiveSilences; ++i) {
    const std::string id = f.stack->silences().add(s);
    if (i == 0) first = id;
  }
  CHECK_THROWS_WITH(f.stack->silences().add(s), "there are already 1000 active or pending silences; expire some first");
  auto r = f.client->Post("/api/monitoring/silences", f.auth(),
                          R"({"matchers":["a=b"],"endsAt":"2023-11-14T23:13:20Z","createdBy":"bob"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "there are already 1000 active or pending silences; expire some first");
  REQUIRE(f.stack->silences().expire(first));
  CHECK_NOTHROW(f.stack->silences().add(s));
}

TEST_CASE("an acknowledgement's by and comment are capped like a silence's createdBy and comment") {
  ApiFixture f;
  const Alert a = firing({{"alertname", "Down"}}, kT0);
  f.stack->send({a});
  const std::string path = "/api/monitoring/alerts/" + fingerprint_hex(fingerprint(a)) + "/acknowledge";
  auto r = f.client->Post(path.c_str(), f.auth(), json{{"by", std::string(257, 'x')}}.dump(), "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "\"by\" is longer than 256 bytes");
  r = f.client->Post(path.c_str(), f.auth(), json{{"by", "al"}, {"comment", std::string(16385, 'x')}}.dump(),
                     "application/json");
  REQUIRE(r);
  CHECK(json::parse(r->body)["error"] == "\"comment\" is longer than 16384 bytes");
}
