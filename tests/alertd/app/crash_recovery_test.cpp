// Kills the real alertd binary with SIGKILL while a notification is pending, restarts it on the same
// database, and checks the notification goes out after the restart, once. Also: hostile alerts (bytes that
// are not UTF-8, template errors) and a database with unreadable rows neither stop alertd nor its restart.

#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "common/rfc3339.h"
#include "support/exposition_server.h"
#include "support/stack.h"
#include "support/process.h"
#include "support/webhook_receiver.h"

using twikit::testing::ReceivedRequest;
using twikit::testing::WebhookReceiver;
using twikit::testing::ChildProcess;
using twikit::testing::eventually;
using twikit::testing::metric_value;
using twikit::testing::ExpositionServer;

namespace {

const char* kRules = R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
        labels: {severity: critical}
)";

const char* kDown = "# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"proxy_rotation\"} 0\n";
const char* kUp = "# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"proxy_rotation\"} 1\n";

std::string config_yaml(int exporter_port, int web_port, const std::string& dir, const std::string& hook) {
  return "global: {scrape_interval: 1s, scrape_timeout: 500ms, evaluation_interval: 1s}\n"
         "scrape_configs:\n"
         "  - job_name: twikit\n"
         "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(exporter_port) + "']}]\n"
         "rule_files: ['" + dir + "/rules.yml']\n"
         "storage: {path: '" + dir + "/alertd.db'}\n"
         "web: {listen_address: '127.0.0.1:" + std::to_string(web_port) + "'}\n"
         "receivers:\n"
         "  - name: hook\n"
         "    webhook_configs: [{url: '" + hook + "', send_resolved: true}]\n"
         "route: {receiver: hook, group_wait: 0s, group_interval: 1s, repeat_interval: 1h}\n";
}

/// The webhook deliveries (answered 200) whose payload has `status`.
std::size_t delivered_with_status(const WebhookReceiver& receiver, const std::string& status) {
  std::size_t n = 0;
  for (const ReceivedRequest& r : receiver.delivered()) {
    const auto payload = nlohmann::json::parse(r.body, nullptr, false);
    if (!payload.is_discarded() && payload.value("status", "") == status) ++n;
  }
  return n;
}

/// alertd on `dir`'s config, logging to `log`.
std::unique_ptr<ChildProcess> start_alertd(const std::string& dir, const std::string& log) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"},
      std::vector<std::string>{}, dir + "/" + log);
}

/// Starts alertd with the receiver failing, waits until the firing notification has been tried (so it is
/// in the outbox, not yet delivered), then kills alertd with SIGKILL.
void fire_and_kill(const std::string& dir, WebhookReceiver& receiver) {
  receiver.set_default_status(503);
  auto alertd = start_alertd(dir, "first.log");
  REQUIRE(eventually([&] { return receiver.requests().size() >= 2; }, std::chrono::seconds(20)));
  alertd->signal(SIGKILL);
  CHECK(alertd->wait(std::chrono::seconds(10)) == 128 + SIGKILL);
  REQUIRE(receiver.delivered().empty());
}

}  // namespace

TEST_CASE("a notification pending when alertd is SIGKILLed is delivered after the restart, once") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-crash");
  twikit::testing::write_file(dir + "/rules.yml", kRules);
  ExpositionServer exporter;
  exporter.serve(kDown);
  WebhookReceiver receiver;
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, receiver.url()));
  fire_and_kill(dir, receiver);

  SECTION("the alert still fires: the replayed outbox entry and the re-evaluated alert make one notification") {
    receiver.set_default_status(200);
    auto alertd = start_alertd(dir, "second.log");
    REQUIRE(eventually([&] { return delivered_with_status(receiver, "firing") == 1; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(4));  // several evaluations and group_interval ticks
    CHECK(delivered_with_status(receiver, "firing") == 1);
    CHECK(receiver.delivered().size() == 1);
    alertd->signal(SIGTERM);
    CHECK(alertd->wait(std::chrono::seconds(10)) == 0);
  }

  SECTION("the alert cleared while alertd was down: the pending firing notice goes out, then one resolved notice") {
    exporter.serve(kUp);
    receiver.set_default_status(200);
    auto alertd = start_alertd(dir, "second.log");
    REQUIRE(eventually([&] { return delivered_with_status(receiver, "resolved") == 1; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const auto delivered = receiver.delivered();
    REQUIRE(delivered.size() == 2);
    CHECK(nlohmann::json::parse(delivered[0].body)["status"] == "firing");
    CHECK(nlohmann::json::parse(delivered[1].body)["status"] == "resolved");
    alertd->signal(SIGTERM);
    CHECK(alertd->wait(std::chrono::seconds(10)) == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("alerts pending or firing when alertd is SIGKILLed come back with their activeAt and `for` progress") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-crash-state");
  twikit::testing::write_file(dir + "/rules.yml", R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
      - alert: TwikitServiceSlow
        expr: twikit_service_healthy == 0
        for: 1h
)");
  ExpositionServer exporter;
  exporter.serve(kDown);
  WebhookReceiver receiver;
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, receiver.url()));
  const std::string alerts_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/alerts";
  // activeAt of each alert by name, with its state.
  const auto active = [&]() {
    std::map<std::string, std::pair<std::string, twikit::TimestampMs>> out;
    const auto body = nlohmann::json::parse(twikit::testing::http_get(alerts_url), nullptr, false);
    if (body.is_discarded()) return out;
    for (const auto& a : body["data"]["alerts"]) {
      twikit::TimestampMs t = 0;
      twikit::parse_rfc3339(a["activeAt"].get<std::string>(), t);
      out[a["labels"]["alertname"].get<std::string>()] = {a["state"].get<std::string>(), t};
    }
    return out;
  };

  auto first = start_alertd(dir, "first.log");
  REQUIRE(eventually([&] { return active().size() == 2; }, std::chrono::seconds(20)));
  const auto before = active();
  std::this_thread::sleep_for(std::chrono::seconds(4));  // `for` progress of the pending alert, saved each evaluation
  first->signal(SIGKILL);
  first->wait(std::chrono::seconds(10));
  const auto restarted_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  auto second = start_alertd(dir, "second.log");
  REQUIRE(eventually([&] { return active().size() == 2; }, std::chrono::seconds(20)));
  const auto after = active();
  CHECK(after.at("TwikitServiceDown").first == "firing");
  CHECK(after.at("TwikitServiceDown").second == before.at("TwikitServiceDown").second);
  CHECK(after.at("TwikitServiceSlow").first == "pending");
  // Pending since before the restart (moved on by the downtime, start-up included, only), not since the first
  // evaluation after it.
  CHECK(after.at("TwikitServiceSlow").second < restarted_at - 500);
  CHECK(after.at("TwikitServiceSlow").second >= before.at("TwikitServiceSlow").second);
  second->signal(SIGTERM);
  CHECK(second->wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}

namespace {

/// Runs `statements` on the SQLite file at `path` directly, as a damaged or hand-edited database would be.
void run_sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

/// The alerts /api/v1/alerts lists (an empty array while alertd does not answer).
nlohmann::json api_alerts(int port) {
  const auto body = nlohmann::json::parse(
      twikit::testing::http_get("http://127.0.0.1:" + std::to_string(port) + "/api/v1/alerts"), nullptr, false);
  if (body.is_discarded() || !body.contains("data")) return nlohmann::json::array();
  return body["data"]["alerts"];
}

}  // namespace

TEST_CASE("alerts with bytes that are not UTF-8 and failing templates fire; unreadable stored rows do not stop a restart") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-hostile");
  // Single-quoted YAML keeps `\xff` for PromQL's and Go template's own string escapes.
  twikit::testing::write_file(dir + "/rules.yml", R"(groups:
  - name: hostile
    interval: 1s
    rules:
      - alert: BadLabel
        expr: 'label_replace(vector(1), "bad", "\xff", "", "")'
        annotations: {summary: '{{ "\xff" }} {{ $labels.bad }}'}
      - alert: BadTemplate
        expr: vector(1)
        annotations: {summary: '{{print printf}}'}
      - alert: CutVersion
        expr: 'label_replace(twikit_service_info, "initial", "$1", "version", "(.).*")'
)");
  ExpositionServer exporter;
  exporter.serve("twikit_service_info{service=\"campaigns\",version=\"\xc3\xa9" "clair-2.1\"} 1\n");
  WebhookReceiver receiver;
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, receiver.url()));

  auto first = start_alertd(dir, "first.log");
  // The webhook bodies are valid JSON with U+FFFD in place of the bytes.
  nlohmann::json payload;
  REQUIRE(eventually(
      [&] {
        for (const ReceivedRequest& r : receiver.delivered()) {
          payload = nlohmann::json::parse(r.body);
          if (payload["alerts"].size() == 3) return true;
        }
        return false;
      },
      std::chrono::seconds(20)));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& a : payload["alerts"]) by_name[a["labels"]["alertname"].get<std::string>()] = a;
  CHECK(by_name.at("BadLabel")["labels"]["bad"] == "\xef\xbf\xbd");
  CHECK(by_name.at("BadLabel")["annotations"]["summary"] == "\xef\xbf\xbd \xef\xbf\xbd");
  CHECK(by_name.at("BadTemplate")["annotations"]["summary"] ==
        "<error expanding template: error executing template __alert_BadTemplate: template: __alert_BadTemplate:1: "
        "executing \"__alert_BadTemplate\" at <printf>: wrong number of args for printf: want at least 1 got 0>");
  // Evaluations go on (the first record of these alerts used to end the process).
  const double cycles = metric_value(port, "alertd_rule_evaluation_cycles_total");
  REQUIRE(eventually([&] { return metric_value(port, "alertd_rule_evaluation_cycles_total") >= cycles + 3; },
                     std::chrono::seconds(20)));
  CHECK(first->running());
  CHECK(api_alerts(port).size() == 3);
  CHECK(metric_value(port, "alertd_template_text_expansion_failures_total") >= 1);
  first->signal(SIGKILL);
  first->wait(std::chrono::seconds(10));

  run_sql(dir + "/alertd.db", R"(
INSERT INTO rule_alerts(labels, firing, active_at, fired_at) VALUES
  ('{not json', 1, 1000, 2000), (CAST(X'7B22616C6572746E616D65223A22FF227D' AS TEXT), 1, 1000, 2000),
  ('["alertname"]', 1, 1000, 2000), ('{"alertname":7}', 0, 'soon', 0);
INSERT INTO alerts(fingerprint, alertname, severity, labels, annotations, generator_url, state, active_at, fired_at,
                   resolved_at, updated_at) VALUES
  ('00000000000000aa', 'Bad', '', '{"alertname":', '{}', '', 'firing', 1000, 1000, NULL, 1),
  ('00000000000000ab', 'Bad', '', '{"alertname":"Bad"}', '{"summary":1}', '', 'firing', 1000, 1000, NULL, 1);
INSERT INTO silences(id, matchers, starts_at, ends_at, created_by, comment, updated_at) VALUES
  ('bad-json', '["service=', 0, 9999999999999, 'bob', '', 0),
  ('bad-utf8', CAST(X'5B2273657276696365FF225D' AS TEXT), 0, 9999999999999, 'bob', '', 0);
INSERT INTO outbox(integration_id, group_key, notification, firing, resolved, created_at) VALUES
  ('hook/webhook/0', 'g1', '{broken', '', '', 1000),
  ('hook/webhook/0', 'g2', '{"receiver":7}', '', '', 1000);
)");

  auto second = start_alertd(dir, "second.log");
  REQUIRE(eventually([&] { return api_alerts(port).size() == 3; }, std::chrono::seconds(20)));
  const double restarted_cycles = metric_value(port, "alertd_rule_evaluation_cycles_total");
  REQUIRE(eventually([&] { return metric_value(port, "alertd_rule_evaluation_cycles_total") >= restarted_cycles + 3; },
                     std::chrono::seconds(20)));
  CHECK(second->running());
  const std::string log = twikit::testing::read_file(dir + "/second.log");
  CHECK_THAT(log, Catch::Contains("skipping unreadable stored alert\" table=rule_alerts"));
  CHECK_THAT(log, Catch::Contains("skipping unreadable stored alert\" table=alerts"));
  CHECK_THAT(log, Catch::Contains("skipping unreadable stored silence\" table=silences id=bad-json"));
  CHECK_THAT(log, Catch::Contains("skipping unreadable stored silence\" table=silences id=bad-utf8"));
  CHECK_THAT(log, Catch::Contains("skipping unreadable outbox entry\" table=outbox"));
  second->signal(SIGTERM);
  CHECK(second->wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}
