// Hostile input against the real alertd binary: rule files nested beyond the PromQL depth limit (check rules
// and POST /-/reload), out-of-range query times, and queries that exceed --query.max-samples or --query.timeout.

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/exposition_server.h"
#include "support/process.h"

using twikit::testing::ChildProcess;
using twikit::testing::eventually;
using twikit::testing::ExpositionServer;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// The four shapes that overflowed the parser's stack before the depth limit.
const std::string kParens = repeat("(", 10000) + "1" + repeat(")", 10000);
const std::string kCalls = repeat("abs(", 6500) + "up" + repeat(")", 6500);
const std::string kPow = "up" + repeat("^up", 7999);
const std::string kSum = "up" + repeat("+up", 19999);

const char* kRules = R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TargetUp
        expr: up == 1
      - record: too_many_samples
        expr: count_over_time(vector(1)[2d:1s])
)";

std::string rule_file(const std::string& expr) {
  return "groups:\n  - name: deep\n    rules:\n      - record: deep\n        expr: '" + expr + "'\n";
}

std::string config_yaml(int exporter_port, int web_port, const std::string& dir) {
  return "global: {scrape_interval: 1s, scrape_timeout: 500ms, evaluation_interval: 1s}\n"
         "scrape_configs:\n"
         "  - job_name: twikit\n"
         "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(exporter_port) + "']}]\n"
         "rule_files: ['rules/*.yml']\n"
         "storage: {path: '" + dir + "/alertd.db'}\n"
         "web: {listen_address: '127.0.0.1:" + std::to_string(web_port) + "'}\n"
         "receivers: [{name: log, system_log_configs: [{}]}]\n"
         "route: {receiver: log}\n";
}

struct Answer {
  int status = 0;
  nlohmann::json body;
};

Answer get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  client.set_read_timeout(30);
  const auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

nlohmann::json rule_named(int port, const std::string& name) {
  const Answer a = get(port, "/api/v1/rules");
  if (a.status != 200) return {};
  for (const auto& group : a.body["data"]["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (rule["name"] == name) return rule;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("alertd check rules fails on deeply nested expressions with positioned errors, not a crash") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-deep-check");
  for (const auto& [name, expr] : {std::pair{"parens", kParens}, {"calls", kCalls}, {"pow", kPow}, {"sum", kSum}}) {
    twikit::testing::write_file(dir + "/" + name + ".yml", rule_file(expr));
    ChildProcess check({twikit::testing::binary_path("alertd/alertd"), "check", "rules", dir + "/" + name + ".yml"}, {},
                       dir + "/" + name + ".log");
    INFO(name);
    CHECK(check.wait(std::chrono::seconds(20)) == 1);
    CHECK_THAT(twikit::testing::read_file(dir + "/" + name + ".log"),
               Catch::Contains(name + std::string(".yml:5:15: group \"deep\", rule 1, \"deep\": could not parse expression: 1:")) &&
                   Catch::Contains(": parse error: expression nesting depth exceeds the maximum of 256"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a running alertd refuses deep rule files on reload, answers bad times with 400 and enforces its query limits") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-limits");
  std::filesystem::create_directories(dir + "/rules");
  twikit::testing::write_file(dir + "/rules/twikit.yml", kRules);
  ExpositionServer exporter;
  exporter.serve("# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"a\"} 1\n");
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir));
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml",
                       // Sanitized builds evaluate several times slower: the sample limit must still come first.
                       "--query.timeout=" + std::to_string(twikit::testing::kTimeoutScale) + "s",
                       "--query.max-samples=100000"},
                      {}, dir + "/alertd.log");
  REQUIRE(eventually([&] { return get(port, "/-/ready").status == 200; }));

  SECTION("a rule over the sample limit reports it as its error while the group's other rule fires") {
    REQUIRE(eventually([&] { return rule_named(port, "TargetUp")["state"] == "firing"; }));
    REQUIRE(eventually([&] { return rule_named(port, "too_many_samples")["health"] == "err"; }));
    CHECK(rule_named(port, "too_many_samples")["lastError"] ==
          "query processing would load too many samples into memory in query execution");
  }

  SECTION("each deep rule file fails the reload and the old rules keep running") {
    for (const auto& expr : {kParens, kCalls, kPow, kSum}) {
      twikit::testing::write_file(dir + "/rules/twikit.yml", rule_file(expr));
      httplib::Client client("127.0.0.1", port);
      const auto res = client.Post("/-/reload", "", "text/plain");
      REQUIRE(res);
      CHECK(res->status == 500);
      CHECK_THAT(res->body, Catch::Contains("twikit.yml:5:15:") &&
                                Catch::Contains("parse error: expression nesting depth exceeds the maximum of 256"));
      CHECK(get(port, "/-/healthy").status == 200);
      CHECK(rule_named(port, "TargetUp")["name"] == "TargetUp");
      CHECK(rule_named(port, "deep").is_null());
    }
  }

  SECTION("query_range over the whole int64 range and time=1e300 are bad data") {
    Answer a = get(port, "/api/v1/query_range?query=up&start=-9e15&end=9e15&step=1");
    CHECK(a.status == 400);
    CHECK(a.body["errorType"] == "bad_data");
    CHECK(a.body["error"] ==
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    a = get(port, "/api/v1/query?query=up&time=1e300");
    CHECK(a.status == 400);
    CHECK(a.body["error"] == "invalid parameter \"time\": invalid time value for 'time': cannot parse \"1e300\" to a "
                             "valid timestamp");
    a = get(port, "/api/v1/query_range?query=up&start=0&end=1e300&step=1");
    CHECK(a.status == 400);
    CHECK(a.body["error"] == "invalid parameter \"end\": cannot parse \"1e300\" to a valid timestamp");
  }

  SECTION("a query over --query.max-samples is 422 and one over --query.timeout is 503") {
    Answer a = get(port, "/api/v1/query?query=count_over_time(vector(1)%5B2d:1s%5D)");
    CHECK(a.status == 422);
    CHECK(a.body["errorType"] == "execution");
    CHECK(a.body["error"] == "query processing would load too many samples into memory in query execution");
    // 1440 outer steps × 86,400 inner ones: minutes of work, never more than 90,000 samples held.
    const auto start = std::chrono::steady_clock::now();
    a = get(port, "/api/v1/query?query=count_over_time(count_over_time(vector(1)%5B1d:1s%5D)%5B1d:1m%5D)");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(a.status == 503);
    CHECK(a.body["errorType"] == "timeout");
    CHECK(a.body["error"] == "query timed out in expression evaluation");
    CHECK(seconds < 5 * twikit::testing::kTimeoutScale);
    WARN("a heavy query hit the " << twikit::testing::kTimeoutScale << "s timeout after " << seconds << " s");
    CHECK(get(port, "/api/v1/query?query=up").status == 200);
  }

  alertd.signal(SIGTERM);
  CHECK(alertd.wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}
