// Runs the real alertd binary on loopback against an exposition server the test controls.

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include <httplib.h>

#include "support/loopback_server.h"
#include "support/exposition_server.h"
#include "support/webhook_receiver.h"
#include "support/process.h"
#include "support/stack.h"

using twikit::testing::ChildProcess;
using twikit::testing::eventually;
using twikit::testing::metric_value;
using twikit::testing::ExpositionServer;
using twikit::testing::WebhookReceiver;

namespace {

const char* kRules = R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.service }} is unhealthy"
)";

const char* kMoreRules = R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.service }} is unhealthy"
      - alert: TwikitTargetScraped
        expr: up == 1
)";

std::string config_yaml(int exporter_port, int web_port, const std::string& dir, int webhook_port = 0) {
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  scrape_timeout: 500ms\n"
         "  evaluation_interval: 1s\n"
         "  external_labels: {cluster: test}\n"
         "scrape_configs:\n"
         "  - job_name: twikit\n"
         "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(exporter_port) + "']}]\n"
         "rule_files: ['rules/*.yml']\n"
         "storage: {path: '" + dir + "/alertd.db'}\n"
         "web: {listen_address: '127.0.0.1:" + std::to_string(web_port) + "'}\n"
         "receivers:\n"
         "  - name: log\n"
         "    system_log_configs: [{}]\n" +
         (webhook_port ? "    webhook_configs: [{url: 'http://127.0.0.1:" + std::to_string(webhook_port) + "/hook'}]\n"
                       : std::string()) +
         "route:\n"
         "  receiver: log\n"
         "  group_wait: 0s\n";
}

std::string get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  auto res = client.Get(path.c_str());
  return res && res->status == 200 ? res->body : "";
}

nlohmann::json alerts(int port) {
  const std::string body = get(port, "/api/v1/alerts");
  if (body.empty()) return nlohmann::json::array();
  return nlohmann::json::parse(body)["data"]["alerts"];
}

bool has_alert(int port, const std::string& name, const std::string& state) {
  for (const auto& a : alerts(port)) {
    if (a["labels"]["alertname"] == name && a["state"] == state) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("alertd scrapes, fires an alert, survives a bad reload, picks up a good one and exits 0 on SIGTERM") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-binary");
  std::filesystem::create_directories(dir + "/rules");
  twikit::testing::write_file(dir + "/rules/twikit.yml", kRules);
  ExpositionServer exporter;
  exporter.serve("# TYPE twikit_service_healthy gauge\n"
                 "twikit_service_healthy{service=\"session_manager\"} 1\n"
                 "twikit_service_healthy{service=\"proxy_rotation\"} 0\n");
  const int port = twikit::testing::free_port();
  WebhookReceiver webhook;
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, webhook.port()));
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"}, {},
                      dir + "/alertd.log");

  REQUIRE(eventually([&] { return get(port, "/-/ready") == "alertd is Ready.\n"; }));
  REQUIRE(eventually([&] { return has_alert(port, "TwikitServiceDown", "firing"); }));
  const auto firing = alerts(port);
  REQUIRE(firing.size() == 1);
  CHECK(firing[0]["labels"]["service"] == "proxy_rotation");
  CHECK(firing[0]["labels"]["job"] == "twikit");
  CHECK(firing[0]["labels"]["severity"] == "critical");
  CHECK_FALSE(firing[0]["labels"].contains("cluster"));  // external labels are added on the way out only
  CHECK(firing[0]["annotations"]["summary"] == "proxy_rotation is unhealthy");

  const auto up = nlohmann::json::parse(get(port, "/api/v1/query?query=up"));
  CHECK(up["status"] == "success");
  REQUIRE(up["data"]["result"].size() == 1);
  CHECK(up["data"]["result"][0]["value"][1] == "1");
  CHECK(up["data"]["result"][0]["metric"]["instance"] == "127.0.0.1:" + std::to_string(exporter.port()));
  {  // range queries, as Grafana sends them
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    const auto range = nlohmann::json::parse(get(port, "/api/v1/query_range?query=up&start=" +
                                                           std::to_string(now_s - 5) + "&end=" + std::to_string(now_s + 2) +
                                                           "&step=1s"));
    CHECK(range["data"]["resultType"] == "matrix");
    REQUIRE(range["data"]["result"].size() == 1);
    CHECK(range["data"]["result"][0]["values"].size() >= 1);
    httplib::Client client("127.0.0.1", port);
    auto bad = client.Get("/api/v1/query_range?query=up&start=10&end=5&step=1");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(nlohmann::json::parse(bad->body)["errorType"] == "bad_data");
    bad = client.Get("/api/v1/query_range?query=up&start=0&end=100000&step=1");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK_THAT(bad->body, Catch::Contains("11,000 points"));
  }
  const auto targets = nlohmann::json::parse(get(port, "/api/v1/targets"));
  CHECK(targets["data"]["activeTargets"][0]["health"] == "up");
  CHECK(nlohmann::json::parse(get(port, "/api/v1/rules"))["data"]["groups"][0]["name"] == "twikit");

  // The notification side: a webhook (Alertmanager v4 payload, external labels added) and the monitoring API.
  REQUIRE(eventually([&] { return !webhook.bodies().empty(); }));
  const auto payload = nlohmann::json::parse(webhook.bodies().front());
  CHECK(payload["version"] == "4");
  CHECK(payload["status"] == "firing");
  REQUIRE(payload["alerts"].size() == 1);
  CHECK(payload["alerts"][0]["labels"]["alertname"] == "TwikitServiceDown");
  CHECK(payload["alerts"][0]["labels"]["cluster"] == "test");
  REQUIRE(eventually([&] { return get(port, "/api/monitoring/alerts").find("TwikitServiceDown") != std::string::npos; }));
  CHECK_THAT(get(port, "/metrics"), Catch::Contains("alertd_config_last_reload_successful 1"));
  {  // gzip as Prometheus asks for it: compressed once, one Content-Encoding header
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/metrics", {{"Accept-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->get_header_value_count("Content-Encoding") == 1);
    CHECK_THAT(res->body, Catch::Contains("alertd_config_last_reload_successful 1"));
  }

  SECTION("a bad rule file is reported and the old rules keep running") {
    twikit::testing::write_file(dir + "/rules/twikit.yml", "groups:\n  - name: twikit\n    rules:\n      - alert: Broken\n        expr: sum(\n");
    httplib::Client client("127.0.0.1", port);
    auto res = client.Post("/-/reload", "", "text/plain");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK_THAT(res->body, Catch::Contains("twikit.yml:5:"));
    CHECK_THAT(get(port, "/metrics"), Catch::Contains("alertd_config_last_reload_successful 0"));
    CHECK(has_alert(port, "TwikitServiceDown", "firing"));

    twikit::testing::write_file(dir + "/rules/twikit.yml", kMoreRules);
    alertd.signal(SIGHUP);
    REQUIRE(eventually([&] { return has_alert(port, "TwikitTargetScraped", "firing"); }));
    CHECK(has_alert(port, "TwikitServiceDown", "firing"));  // unchanged alerts keep their state
    CHECK_THAT(get(port, "/metrics"), Catch::Contains("alertd_config_last_reload_successful 1"));
  }

  SECTION("a malformed exposition makes the target down and its series stale") {
    exporter.serve("twikit_service_healthy{service=\"proxy_rotation\" 0\n");
    REQUIRE(eventually([&] {
      const auto r = nlohmann::json::parse(get(port, "/api/v1/query?query=up"));
      return r["data"]["result"].size() == 1 && r["data"]["result"][0]["value"][1] == "0";
    }));
    const auto healthy = nlohmann::json::parse(get(port, "/api/v1/query?query=twikit_service_healthy"));
    CHECK(healthy["data"]["result"].empty());
    REQUIRE(eventually([&] { return alerts(port).empty(); }));  // the alert resolves
    CHECK_THAT(nlohmann::json::parse(get(port, "/api/v1/targets"))["data"]["activeTargets"][0]["lastError"].get<std::string>(),
               Catch::Contains("line 1"));
  }

  alertd.signal(SIGTERM);
  CHECK(alertd.wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("between evaluations the monitoring documents are rebuilt once per scrape interval, not every 5 s") {
  // A rebuild reads every series in the store; with a 15 s scrape interval and no rule to evaluate, the 5 s
  // dashboard broadcast must resend the document it has instead of rebuilding it.
  const std::string dir = twikit::testing::make_temp_dir("alertd-rebuilds");
  std::filesystem::create_directories(dir + "/rules");  // no rule files: no evaluation asks for a rebuild
  ExpositionServer exporter;
  exporter.serve("# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"proxy_rotation\"} 1\n");
  const int port = twikit::testing::free_port();
  std::string config = config_yaml(exporter.port(), port, dir);
  const std::string from = "scrape_interval: 1s";
  REQUIRE(config.find(from) != std::string::npos);
  config.replace(config.find(from), from.size(), "scrape_interval: 15s");
  twikit::testing::write_file(dir + "/alertd.yaml", config);
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"}, {},
                      dir + "/alertd.log");

  REQUIRE(eventually([&] { return metric_value(port, "alertd_dashboard_rebuilds_total") >= 1; }));
  const double first = metric_value(port, "alertd_dashboard_rebuilds_total");
  std::this_thread::sleep_for(std::chrono::seconds(10));  // two broadcast periods, less than a scrape interval
  CHECK(metric_value(port, "alertd_dashboard_rebuilds_total") == first);
  CHECK(metric_value(port, "alertd_rule_evaluation_cycles_total") == 0);
  CHECK_FALSE(get(port, "/api/monitoring/dashboard").empty());
  // A scrape interval after the last rebuild, the documents follow the scrapes again.
  CHECK(eventually([&] { return metric_value(port, "alertd_dashboard_rebuilds_total") > first; },
                   std::chrono::seconds(15)));
  CHECK(metric_value(port, "alertd_dashboard_rebuild_seconds_total") > 0);
}

TEST_CASE("alertd exits 2 when the config at start-up is bad, naming the position") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-badconfig");
  twikit::testing::write_file(dir + "/alertd.yaml", "global:\n  scrape_interval: often\n");
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"}, {},
                      dir + "/alertd.log");
  CHECK(alertd.wait(std::chrono::seconds(10)) == 2);
  CHECK_THAT(twikit::testing::read_file(dir + "/alertd.log"), Catch::Contains("alertd.yaml:2:20:"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("alertd check config validates the config and its rule files") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-check");
  std::filesystem::create_directories(dir + "/rules");
  twikit::testing::write_file(dir + "/rules/twikit.yml", kRules);
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(9877, 9878, dir));
  {
    ChildProcess check({twikit::testing::binary_path("alertd/alertd"), "check", "config", dir + "/alertd.yaml"});
    CHECK(check.wait(std::chrono::seconds(10)) == 0);
  }
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(9877, 9878, dir) + "  group_interval: 5m\n  repeat_interval: 9m\n");
  {  // valid, with a warning: repeats go out every 10m
    ChildProcess check({twikit::testing::binary_path("alertd/alertd"), "check", "config", dir + "/alertd.yaml"}, {},
                       dir + "/warn.log");
    CHECK(check.wait(std::chrono::seconds(10)) == 0);
    CHECK_THAT(twikit::testing::read_file(dir + "/warn.log"),
               Catch::Contains("WARNING: " + dir + "/alertd.yaml:") && Catch::Contains("notifications repeat every 10m"));
  }
  twikit::testing::write_file(dir + "/alertd.yaml", "route:\n  receiver: nobody\n");
  ChildProcess bad({twikit::testing::binary_path("alertd/alertd"), "check", "config", dir + "/alertd.yaml"}, {},
                   dir + "/check.log");
  CHECK(bad.wait(std::chrono::seconds(10)) == 1);
  CHECK_THAT(twikit::testing::read_file(dir + "/check.log"), Catch::Contains("alertd.yaml:2:"));
  std::filesystem::remove_all(dir);
}

namespace {

/// Runs `alertd check config ARGS...`; returns its exit code and everything it printed (stdout, then stderr).
std::pair<int, std::string> check_config(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {twikit::testing::binary_path("alertd/alertd"), "check", "config"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out;
  int rc = -1;
  {
    ChildProcess check(argv, {}, dir + "/check.err");
    while (auto line = check.read_line(std::chrono::seconds(10))) out += *line + "\n";
    rc = check.wait(std::chrono::seconds(10)).value_or(-1);
  }
  return {rc, out + twikit::testing::read_file(dir + "/check.err")};
}

}  // namespace

TEST_CASE("a secret in a bad config reaches neither the reload answer, the log nor check config") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-secrets");
  std::filesystem::create_directories(dir + "/rules");
  twikit::testing::write_file(dir + "/rules/twikit.yml", kRules);
  twikit::testing::write_file(dir + "/token", "tok\n");
  const std::string secret = "SECRET-s3cr3t-value";
  const int port = twikit::testing::free_port();
  const std::string base = config_yaml(9, port, dir);
  // config_yaml already has a web line: replace it so that the token applies.
  std::string good_config = base;
  good_config.replace(good_config.find("web: {"), good_config.find('\n', good_config.find("web: {")) - good_config.find("web: {"),
                      "web: {listen_address: '127.0.0.1:" + std::to_string(port) + "', api_bearer_token_file: token}");
  twikit::testing::write_file(dir + "/alertd.yaml", good_config);
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"}, {},
                      dir + "/alertd.log");
  REQUIRE(eventually([&] { return get(port, "/-/ready") == "alertd is Ready.\n"; }));

  struct Case {
    std::string receivers_or_global;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"  slack_api_url: 'hxxps://hooks.example.com/" + secret + "'\n", "invalid URL in slack_api_url: the scheme must be http or https"},
      // Secret files are read when sending (tests/alertd/notify), so their content is no load error.
      {"receivers: [{name: a, alertmanager_configs: [{url: 'ftp://admin:" + secret + "@am:9093'}]}]\n",
       "invalid URL in alertmanager_configs url: the scheme must be http or https"},
      {"receivers: [{name: e, email_configs: [{to: a@x, smarthost: 'smtp://u:" + secret + "@mail:25'}]}]\n",
       "invalid email_configs smarthost: expected host:port, not a URL"},
  };
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10);
  for (const auto& c : cases) {
    INFO(c.receivers_or_global);
    // A global key goes into the good config's global block; a receiver replaces its receivers and route.
    std::string bad = good_config;
    if (c.receivers_or_global.rfind("  ", 0) == 0) {
      bad.insert(bad.find("global:\n") + 8, c.receivers_or_global);
    } else {
      bad = good_config.substr(0, good_config.find("receivers:")) + c.receivers_or_global;
    }
    twikit::testing::write_file(dir + "/alertd.yaml", bad);
    auto res = client.Post("/-/reload", {{"Authorization", "Bearer tok"}}, "", "text/plain");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK_THAT(res->body, Catch::Contains(c.error));
    CHECK(res->body.find(secret) == std::string::npos);
    const auto [rc, output] = check_config(dir, {dir + "/alertd.yaml"});
    CHECK(rc == 1);
    CHECK_THAT(output, Catch::Contains(c.error));
    CHECK(output.find(secret) == std::string::npos);
  }
  CHECK_THAT(get(port, "/metrics"), Catch::Contains("alertd_config_last_reload_successful 0"));
  alertd.signal(SIGTERM);
  CHECK(alertd.wait(std::chrono::seconds(10)) == 0);
  const std::string log = twikit::testing::read_file(dir + "/alertd.log");
  CHECK_THAT(log, Catch::Contains("invalid URL in slack_api_url"));
  CHECK(log.find(secret) == std::string::npos);

  // A secret from the environment: alertd refuses to start and says which variable, not what it holds.
  twikit::testing::write_file(dir + "/alertd.yaml", good_config);
  ChildProcess env_bad({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"},
                       {"MONITORING_WEBHOOK_URL=hxxp://hooks.example.com/" + secret}, dir + "/env.log");
  CHECK(env_bad.wait(std::chrono::seconds(10)) == 2);
  const std::string env_log = twikit::testing::read_file(dir + "/env.log");
  CHECK_THAT(env_log, Catch::Contains("invalid URL in environment variable MONITORING_WEBHOOK_URL: the scheme must be http or https"));
  CHECK(env_log.find(secret) == std::string::npos);
  {
    std::vector<std::string> argv = {twikit::testing::binary_path("alertd/alertd"), "check", "config", dir + "/alertd.yaml"};
    ChildProcess check(argv, {"MONITORING_WEBHOOK_URL=hxxp://hooks.example.com/" + secret}, dir + "/check-env.err");
    std::string out;
    while (auto line = check.read_line(std::chrono::seconds(10))) out += *line + "\n";
    CHECK(check.wait(std::chrono::seconds(10)) == 1);
    out += twikit::testing::read_file(dir + "/check-env.err");
    CHECK_THAT(out, Catch::Contains("MONITORING_WEBHOOK_URL"));
    CHECK(out.find(secret) == std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a command-line error exits 2 in all three programs, as in Prometheus") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-flags");
  const std::vector<std::vector<std::string>> cases = {
      {"alertd/alertd", "--no-such-flag"},
      {"alertd/alertd", "--query.timeout=soon"},
      {"alertd/alertd", "--query.max-samples=many"},
      {"alertd/alertd", "--log.level=loud"},
      {"exporter/twikit-exporter", "--no-such-flag"},
      {"sim/twikit-sim", "--no-such-flag"}};
  for (const auto& c : cases) {
    INFO(c[0] << " " << c[1]);
    ChildProcess p({twikit::testing::binary_path(c[0]), c[1]}, {}, dir + "/flags.log");
    CHECK(p.wait(std::chrono::seconds(10)) == 2);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an empty config is refused at start and by check config unless --config.allow-empty") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-empty");
  twikit::testing::write_file(dir + "/alertd.yaml", "# nothing yet\n");
  const std::string expected = dir + "/alertd.yaml:1:1: no scrape targets and no rule files";
  {
    ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"}, {},
                        dir + "/alertd.log");
    CHECK(alertd.wait(std::chrono::seconds(10)) == 2);
    CHECK_THAT(twikit::testing::read_file(dir + "/alertd.log"), Catch::Contains(expected));
  }
  const auto [rc, output] = check_config(dir, {dir + "/alertd.yaml"});
  CHECK(rc == 1);
  CHECK_THAT(output, Catch::Contains("  FAILED: " + expected));
  const auto [allowed_rc, allowed] = check_config(dir, {"--config.allow-empty", dir + "/alertd.yaml"});
  CHECK(allowed_rc == 0);
  CHECK_THAT(allowed, Catch::Contains("SUCCESS: 0 rule files found"));

  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", "storage: {path: '" + dir + "/alertd.db'}\n");
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml",
                       "--config.allow-empty", "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                      {}, dir + "/allowed.log");
  CHECK(eventually([&] { return get(port, "/-/ready") == "alertd is Ready.\n"; }));
  alertd.signal(SIGTERM);
  CHECK(alertd.wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}
