// The rules API as an operator meets it: a real WebServer on 127.0.0.1:0, the project's HTTP client, rule
// files in a temporary directory, the history in SQLite, and a rule manager reloaded from alertd.yaml the
// way the App reloads (the config adds the managed directory's files to rule_files).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "alertd/config/config.h"
#include "alertd/dispatch/route.h"
#include "alertd/promql/engine.h"
#include "alertd/rules/manager.h"
#include "alertd/rules_api/rule_routes.h"
#include "alertd/storage/series_store.h"
#include "common/http_client.h"
#include "common/web_server.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::rules_api;
using nlohmann::json;

namespace {

constexpr const char* kToken = "s3cret-token";

constexpr const char* kHandWritten = R"(groups:
  - name: hand
    rules:
      - alert: HandWritten
        expr: up == 0
        for: 1m
        labels:
          severity: critical
)";

/// A temporary alertd: alertd.yaml naming a hand-written rule file and a managed directory, a rule manager
/// loaded from it, and the rules API served on loopback.
class Fixture {
 public:
  Fixture() : dir_(testing::make_temp_dir("rules_api")), clock_(1'700'000'000'000) {
    testing::write_file(dir_ + "/hand.yml", kHandWritten);
    testing::write_file(dir_ + "/alertd.yaml", "rule_files: [hand.yml]\nrules:\n  managed_dir: rules.d\n");
    REQUIRE(reload() == std::nullopt);
    start();
  }
  ~Fixture() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  /// What the App's reload does with rules: read alertd.yaml again and load its rule files.
  std::optional<std::string> reload() {
    if (fail_reload_) return std::string("injected reload failure");
    const auto cfg = config::load_config_file(dir_ + "/alertd.yaml");
    managed_dir_ = cfg.rules.managed_dir;
    rule_files_ = cfg.rule_files;
    const auto errors = manager_.load(rule_files_, clock_.now_ms());
    if (!errors.empty()) return errors.front().to_string();
    return std::nullopt;
  }

  /// Starts (again) the API and its server: a restart of the store.
  void start() {
    RulesApiOptions o;
    o.managed_dir = managed_dir_;
    o.rule_files = [this] { return rule_files_; };
    o.snapshot = [this] { return manager_.snapshot(); };
    o.reload = [this] { return reload(); };
    o.bearer_token = [this] {
      std::lock_guard<std::mutex> lock(token_mu_);
      return token_;
    };
    o.clock = &clock_;
    api_ = std::make_unique<RulesApi>(o);
    WebRouter router(WebErrorFormat::json);
    add_alert_rule_routes(router, *api_);
    server_ = std::make_unique<WebServer>(std::move(router), WebServerOptions{});
    port_ = server_->bind("127.0.0.1:0");
    server_->start();
  }
  void stop() {
    if (server_) server_->stop();
    server_.reset();
    api_.reset();
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", std::string("Bearer ") + kToken}}) {
    HttpRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    req.body = body;
    req.headers = std::move(headers);
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.timeout = std::chrono::milliseconds(5000 * testing::kTimeoutScale);
    return client_.send(req);
  }

  /// The names of the alerting rules the rule manager evaluates now.
  std::vector<std::string> loaded_rules() const {
    std::vector<std::string> names;
    for (const auto& g : manager_.snapshot()) {
      for (const auto& r : g.rules) names.push_back(g.name + "/" + r.name);
    }
    return names;
  }

  /// Stores `value` for `metric{service="proxy"}` now and evaluates every group: the alerts to send.
  std::vector<rules::Alert> evaluate_with(const std::string& metric, double value) {
    store_.append(make_labels({{"__name__", metric}, {"service", "proxy"}}), clock_.now_ms(), value);
    return manager_.evaluate_all(clock_.now_ms()).to_send;
  }

  const std::string& dir() const { return dir_; }
  void set_token(std::string token) {
    std::lock_guard<std::mutex> lock(token_mu_);
    token_ = std::move(token);
  }
  const std::string& managed_dir() const { return managed_dir_; }
  void fail_reloads(bool fail) { fail_reload_ = fail; }

 private:
  std::string dir_;
  FakeClock clock_;
  storage::SeriesStore store_;
  promql::Engine engine_;
  rules::RuleManager manager_{store_, engine_};
  std::string managed_dir_;
  std::vector<std::string> rule_files_;
  bool fail_reload_ = false;
  std::mutex token_mu_;
  std::string token_ = kToken;
  std::unique_ptr<RulesApi> api_;
  std::unique_ptr<WebServer> server_;
  CurlHttpClient client_;
  int port_ = 0;
};

json body_of(const HttpResponse& res) { return json::parse(res.body); }

constexpr const char* kSeedRule = R"({"name":"LowSessionSuccess","description":"Sessions fail","metric":"sessions.successRate",
  "condition":"lt","threshold":95,"severity":"error","duration":5,"enabled":true,"tags":["sessions","kpi"],"channels":["slack"]})";

constexpr const char* kPrometheusRule = R"({"group":"latency","alert":"SlowQueue","expr":"twikit_queue_wait_seconds > 2",
  "for":"10m","keep_firing_for":"1m","labels":{"severity":"info"},"annotations":{"summary":"queue is slow"}})";

}  // namespace

TEST_CASE("a rule posted in the seed's form is written, loaded and answered in both forms") {
  Fixture f;
  const HttpResponse res = f.send("POST", "/api/monitoring/alert-rules", kSeedRule);
  REQUIRE(res.status == 201);
  const json data = body_of(res)["data"];
  const std::string id = data["id"];
  CHECK(*res.header("location") == "/api/monitoring/alert-rules/" + id);
  CHECK(*res.header("etag") == data["etag"].get<std::string>());
  CHECK(data["file"] == f.managed_dir() + "/api.yml");
  CHECK(data["editable"] == true);
  CHECK(data["prometheus"] == json::parse(R"({"group":"api","alert":"LowSessionSuccess",
    "expr":"twikit_session_success_ratio * 100 < 95","for":"5m","keep_firing_for":"0s",
    "labels":{"channels":"slack","severity":"error","tags":"sessions,kpi"},
    "annotations":{"description":"Sessions fail","summary":"LowSessionSuccess"}})"));
  CHECK(data["seed"] == json::parse(R"({"group":"api","name":"LowSessionSuccess","description":"Sessions fail",
    "metric":"sessions.successRate","condition":"lt","threshold":95.0,"severity":"error","duration":5.0,"enabled":true,
    "tags":["sessions","kpi"],"channels":["slack"]})"));
  CHECK(f.loaded_rules() == std::vector<std::string>{"hand/HandWritten", "api/LowSessionSuccess"});
  CHECK(testing::read_file(f.managed_dir() + "/api.yml") ==
        "# Written by alertd's rules API (/api/monitoring/alert-rules). Edits by hand are kept, comments are not.\n"
        "groups:\n"
        "  - name: \"api\"\n"
        "    rules:\n"
        "      - alert: \"LowSessionSuccess\"\n"
        "        expr: \"twikit_session_success_ratio * 100 < 95\"\n"
        "        for: 5m\n"
        "        labels:\n"
        "          \"channels\": \"slack\"\n"
        "          \"severity\": \"error\"\n"
        "          \"tags\": \"sessions,kpi\"\n"
        "        annotations:\n"
        "          \"description\": \"Sessions fail\"\n"
        "          \"summary\": \"LowSessionSuccess\"\n");
}

TEST_CASE("GET lists the hand-written and the managed rules with health from the rule manager") {
  Fixture f;
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule).status == 201);
  const HttpResponse res = f.send("GET", "/api/monitoring/alert-rules", "", {});
  REQUIRE(res.status == 200);
  const json rules = body_of(res)["data"]["rules"];
  REQUIRE(rules.size() == 2);
  CHECK(rules[0]["file"] == f.dir() + "/hand.yml");
  CHECK(rules[0]["group"] == "hand");
  CHECK(rules[0]["editable"] == false);
  CHECK(rules[0]["health"] == "unknown");
  CHECK(rules[0]["state"] == "inactive");
  CHECK(rules[0]["alerts"] == json::array());
  CHECK(rules[1]["prometheus"] == json::parse(R"({"group":"latency","alert":"SlowQueue",
    "expr":"twikit_queue_wait_seconds > 2","for":"10m","keep_firing_for":"1m","labels":{"severity":"info"},
    "annotations":{"summary":"queue is slow"}})"));
  CHECK(rules[1]["seed"]["metric"] == "twikit_queue_wait_seconds");
  CHECK(rules[1]["seed"]["condition"] == "gt");
  CHECK(rules[1]["seed"]["threshold"] == 2.0);
  CHECK(rules[1]["seed"]["duration"] == 10.0);
  const HttpResponse one = f.send("GET", "/api/monitoring/alert-rules/" + rules[1]["id"].get<std::string>(), "", {});
  CHECK(one.status == 200);
  CHECK(body_of(one)["data"] == rules[1]);
}

TEST_CASE("PUT replaces a rule in the other form, honouring If-Match, and the history lists both changes") {
  Fixture f;
  const json created = body_of(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule))["data"];
  const std::string id = created["id"];
  const std::string etag = created["etag"];
  const std::string seed_put = R"({"group":"latency","name":"SlowQueue","metric":"twikit_queue_wait_seconds",
    "condition":"gte","threshold":3,"severity":"warning","duration":"15m","channels":["email"]})";

  auto headers = std::vector<std::pair<std::string, std::string>>{
      {"Authorization", std::string("Bearer ") + kToken}, {"If-Match", "\"0000000000000000\""}, {"X-Alertd-User", "alice"}};
  const HttpResponse stale = f.send("PUT", "/api/monitoring/alert-rules/" + id, seed_put, headers);
  CHECK(stale.status == 412);
  CHECK(body_of(stale)["errorType"] == "precondition_failed");

  headers[1].second = etag;
  const HttpResponse ok = f.send("PUT", "/api/monitoring/alert-rules/" + id, seed_put, headers);
  REQUIRE(ok.status == 200);
  const json data = body_of(ok)["data"];
  CHECK(data["id"] == id);
  CHECK(data["prometheus"]["expr"] == "twikit_queue_wait_seconds >= 3");
  CHECK(data["prometheus"]["for"] == "15m");
  CHECK(data["prometheus"]["labels"] == json::parse(R"({"channels":"email","severity":"warning"})"));
  CHECK(data["etag"] != etag);

  // The first ETag is stale now.
  CHECK(f.send("PUT", "/api/monitoring/alert-rules/" + id, kPrometheusRule, headers).status == 412);

  const HttpResponse history = f.send("GET", "/api/monitoring/alert-rules/" + id + "/history", "", {});
  REQUIRE(history.status == 200);
  const json changes = body_of(history)["data"];
  REQUIRE(changes.size() == 2);
  CHECK(changes[0]["action"] == "update");
  CHECK(changes[0]["by"] == "alice");
  CHECK(changes[0]["at"] == "2023-11-14T22:13:20Z");
  CHECK(changes[0]["before"]["rule"]["expr"] == "twikit_queue_wait_seconds > 2");
  CHECK(changes[0]["after"]["rule"]["expr"] == "twikit_queue_wait_seconds >= 3");
  CHECK(changes[1]["action"] == "create");
  CHECK(changes[1]["by"] == "api");
  CHECK(changes[1]["before"] == nullptr);
}

TEST_CASE("DELETE removes the rule and its file, unloads it, and keeps its history") {
  Fixture f;
  const std::string id = body_of(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule))["data"]["id"];
  const HttpResponse res = f.send("DELETE", "/api/monitoring/alert-rules/" + id);
  REQUIRE(res.status == 200);
  CHECK(body_of(res)["data"] == json::parse(R"({"id":")" + id + R"(","deleted":true})"));
  CHECK(!std::filesystem::exists(f.managed_dir() + "/latency.yml"));
  CHECK(f.loaded_rules() == std::vector<std::string>{"hand/HandWritten"});
  CHECK(f.send("GET", "/api/monitoring/alert-rules/" + id, "", {}).status == 404);
  const json changes = body_of(f.send("GET", "/api/monitoring/alert-rules/" + id + "/history", "", {}))["data"];
  REQUIRE(changes.size() == 2);
  CHECK(changes[0]["action"] == "delete");
  CHECK(changes[0]["after"] == nullptr);
}

TEST_CASE("a bad expression is refused with 400, the PromQL error and its position, and nothing is written") {
  // promtool check rules says the same of this expression: "1:6: parse error: unexpected <op:>>".
  Fixture f;
  const HttpResponse res =
      f.send("POST", "/api/monitoring/alert-rules", R"({"alert":"Broken","expr":"up > > 1"})");
  CHECK(res.status == 400);
  const json body = body_of(res);
  CHECK(body["status"] == "error");
  CHECK(body["errorType"] == "bad_data");
  CHECK(body["error"] == "could not parse expression: 1:6: parse error: unexpected <op:>>");
  CHECK(body["field"] == "expr");
  CHECK(body["position"] == json::parse(R"({"line":1,"column":6})"));
  CHECK(!std::filesystem::exists(f.managed_dir() + "/api.yml"));
}

TEST_CASE("other invalid rules are refused as alertd check rules refuses them") {
  Fixture f;
  const HttpResponse tmpl = f.send("POST", "/api/monitoring/alert-rules",
                                   R"({"alert":"T","expr":"up == 0","annotations":{"summary":"{{ .Oops"}})");
  CHECK(tmpl.status == 400);
  CHECK(body_of(tmpl)["error"].get<std::string>().rfind("group \"api\", rule 1, \"T\": ", 0) == 0);
  const HttpResponse cond = f.send("POST", "/api/monitoring/alert-rules",
                                   R"({"name":"X","metric":"up","condition":"above","threshold":1})");
  CHECK(cond.status == 400);
  CHECK(body_of(cond) == json::parse(R"({"status":"error","errorType":"bad_data",
    "error":"condition must be one of gt, gte, lt, lte, eq, ne","field":"condition"})"));
  CHECK(f.send("POST", "/api/monitoring/alert-rules", R"({"name":"X","metric":"up","threshold":1,"severity":"fatal"})").status == 400);
  CHECK(f.send("POST", "/api/monitoring/alert-rules", "{not json").status == 400);
}

TEST_CASE("unknown ids answer 404 and hand-written rules answer 409 naming their file") {
  Fixture f;
  CHECK(f.send("GET", "/api/monitoring/alert-rules/0123456789abcdef", "", {}).status == 404);
  CHECK(f.send("PUT", "/api/monitoring/alert-rules/0123456789abcdef", kPrometheusRule).status == 404);
  CHECK(f.send("DELETE", "/api/monitoring/alert-rules/0123456789abcdef").status == 404);
  CHECK(f.send("GET", "/api/monitoring/alert-rules/0123456789abcdef/history", "", {}).status == 404);
  const std::string hand_id = body_of(f.send("GET", "/api/monitoring/alert-rules", "", {}))["data"]["rules"][0]["id"];
  const HttpResponse res = f.send("DELETE", "/api/monitoring/alert-rules/" + hand_id);
  CHECK(res.status == 409);
  CHECK(body_of(res)["error"] == "alert rule \"HandWritten\" is in " + f.dir() +
                                     "/hand.yml, which is not under the managed directory " + f.managed_dir() +
                                     ": it is read-only over the API; edit that file and reload");
  CHECK(f.send("PUT", "/api/monitoring/alert-rules/" + hand_id, kPrometheusRule).status == 409);
  CHECK(testing::read_file(f.dir() + "/hand.yml") == kHandWritten);
  // A second rule of the same name in the same managed group is a conflict too.
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule).status == 201);
  CHECK(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule).status == 409);
}

TEST_CASE("mutations without the bearer token answer 401 and change nothing") {
  Fixture f;
  const HttpResponse none = f.send("POST", "/api/monitoring/alert-rules", kSeedRule, {});
  CHECK(none.status == 401);
  CHECK(*none.header("www-authenticate") == "Bearer");
  CHECK(body_of(none) == json::parse(R"({"status":"error","errorType":"unauthorized","error":"missing or wrong bearer token"})"));
  CHECK(f.send("POST", "/api/monitoring/alert-rules", kSeedRule, {{"Authorization", "Bearer wrong"}}).status == 401);
  CHECK(f.send("DELETE", "/api/monitoring/alert-rules/0123456789abcdef", "", {}).status == 401);
  CHECK(!std::filesystem::exists(f.managed_dir() + "/api.yml"));
}

TEST_CASE("with no token configured, mutations answer 403") {
  Fixture f;
  f.set_token("");
  const HttpResponse res = f.send("POST", "/api/monitoring/alert-rules", kSeedRule);
  CHECK(res.status == 403);
  CHECK(body_of(res) == json::parse(R"({"status":"error","errorType":"forbidden",
    "error":"mutations are disabled: no API bearer token is configured"})"));
  CHECK(f.send("GET", "/api/monitoring/alert-rules", "", {}).status == 200);
}

TEST_CASE("a rule created over the API fires, and the shipped routing tree sends it to the channels it names") {
  Fixture f;
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules",
                 R"({"name":"ProxyDown","metric":"twikit_up","condition":"eq","threshold":0,"severity":"info",
                     "duration":0,"channels":["webhook","email"]})")
              .status == 201);
  const auto alerts = f.evaluate_with("twikit_up", 0);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].state == rules::AlertState::firing);
  CHECK(alerts[0].labels == make_labels({{"alertname", "ProxyDown"}, {"channels", "webhook,email"},
                                         {"service", "proxy"}, {"severity", "info"}}));

  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  std::string text = testing::read_file(std::string(TWIKIT_SOURCE_DIR) + "/deploy/alertd.yaml");
  const std::string installed = "/etc/twikit-monitor/rules";
  text.replace(text.find(installed), installed.size(), std::string(TWIKIT_SOURCE_DIR) + "/rules");
  const auto cfg = config::load_config_string(text, "deploy/alertd.yaml", TWIKIT_SOURCE_DIR, no_env);
  const dispatch::RouteNode tree = dispatch::build_route_tree(cfg.notification.route);
  auto receivers = [&](const Labels& labels) {
    std::vector<std::string> out;
    for (const auto* node : dispatch::match_routes(tree, labels)) out.push_back(node->config->receiver);
    return out;
  };
  CHECK(receivers(alerts[0].labels) == std::vector<std::string>{"ops-webhook", "ops-email"});
  // A channel the tree has no route for falls back to the channels route's receiver; without channels an
  // info alert goes to the log only and an error one by email.
  CHECK(receivers(make_labels({{"alertname", "A"}, {"channels", "pager"}})) == std::vector<std::string>{"system-log"});
  CHECK(receivers(make_labels({{"alertname", "A"}, {"severity", "info"}})) == std::vector<std::string>{"system-log"});
  CHECK(receivers(make_labels({{"alertname", "A"}, {"severity", "error"}})) == std::vector<std::string>{"ops-email"});
}

TEST_CASE("a disabled rule stays stored, is not evaluated, and keeps its id across a restart") {
  Fixture f;
  std::string body = kPrometheusRule;
  body.insert(1, R"("enabled":false,)");
  const json created = body_of(f.send("POST", "/api/monitoring/alert-rules", body))["data"];
  const std::string id = created["id"];
  CHECK(created["enabled"] == false);
  CHECK(created["file"] == f.managed_dir() + "/disabled/latency.yml");
  CHECK(f.loaded_rules() == std::vector<std::string>{"hand/HandWritten"});

  f.stop();
  REQUIRE(f.reload() == std::nullopt);
  f.start();
  CHECK(f.loaded_rules() == std::vector<std::string>{"hand/HandWritten"});
  const json again = body_of(f.send("GET", "/api/monitoring/alert-rules/" + id, "", {}))["data"];
  CHECK(again["enabled"] == false);
  CHECK(again["prometheus"] == created["prometheus"]);

  // Enabling it moves it into the loaded files, under the same id.
  std::string enable = kPrometheusRule;
  const HttpResponse res = f.send("PUT", "/api/monitoring/alert-rules/" + id, enable);
  REQUIRE(res.status == 200);
  CHECK(body_of(res)["data"]["id"] == id);
  CHECK(!std::filesystem::exists(f.managed_dir() + "/disabled/latency.yml"));
  CHECK(f.loaded_rules() == std::vector<std::string>{"hand/HandWritten", "latency/SlowQueue"});
}

TEST_CASE("a failed reload answers 500 with the reason and puts the previous file back") {
  Fixture f;
  const json created = body_of(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule))["data"];
  const std::string before = testing::read_file(f.managed_dir() + "/latency.yml");
  f.fail_reloads(true);
  const HttpResponse res = f.send("DELETE", "/api/monitoring/alert-rules/" + created["id"].get<std::string>());
  CHECK(res.status == 500);
  CHECK(body_of(res)["error"] == "reloading alertd failed, the previous rule file is back: injected reload failure");
  CHECK(testing::read_file(f.managed_dir() + "/latency.yml") == before);
}

TEST_CASE("the files the API writes pass promtool check rules") {
  const char* promtool = "/usr/bin/promtool";
  if (!std::filesystem::exists(promtool)) {
    WARN("promtool is not installed (Debian's prometheus package): the written files were not checked by it");
    return;
  }
  Fixture f;
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", kSeedRule).status == 201);
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", kPrometheusRule).status == 201);
  std::string off = R"({"enabled":false,"group":"odd name/with \"quotes\"","alert":"Quoted","expr":"up{job=\"a\\\\b\"} == 0",)"
                    R"("annotations":{"description":"line one\nline two: {{ $value }}"}})";
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", off).status == 201);
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.managed_dir())) {
    if (entry.path().extension() != ".yml") continue;
    ++checked;
    const std::string cmd = std::string(promtool) + " check rules " + entry.path().string() + " > /dev/null 2>&1";
    INFO(entry.path().string() << "\n" << testing::read_file(entry.path().string()));
    CHECK(std::system(cmd.c_str()) == 0);
  }
  CHECK(checked == 3);  // api.yml, latency.yml and the disabled group's file
}

TEST_CASE("writes leave only the group files, the disabled directory and the history behind") {
  Fixture f;
  std::string off = kPrometheusRule;
  off.insert(1, R"("enabled":false,)");
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", kSeedRule).status == 201);
  REQUIRE(f.send("POST", "/api/monitoring/alert-rules", off).status == 201);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.managed_dir())) {
    names.push_back(std::filesystem::relative(entry.path(), f.managed_dir()).string());
  }
  std::sort(names.begin(), names.end());
  // SQLite's WAL files come and go with the connection; the temporary rule files never stay.
  std::erase_if(names, [](const std::string& n) { return n == "history.db-wal" || n == "history.db-shm"; });
  CHECK(names == std::vector<std::string>{"api.yml", "disabled", "disabled/latency.yml", "history.db"});
}
