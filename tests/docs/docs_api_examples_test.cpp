// docs/api.md cannot drift: starts twikit-sim, twikit-exporter and alertd (with an API token, a rule that
// fires at once, a managed rules directory and the history tier) on loopback with ephemeral ports, then runs
// run_api_examples.py, which runs every curl example of docs/api.md top to bottom with the real curl and
// checks each status, header and JSON excerpt. Skipped (exit 77) only when a program is not built.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "e2e_stack.h"
#include "support/process.h"
#include "support/stack.h"

using namespace std::chrono_literals;
using namespace twikit;

namespace {

/// The token the examples send as $TOKEN (any value does: the test owns this alertd).
constexpr const char* kToken = "docs-example-token";

/// A rule that fires at the first evaluation, so the alert examples have an alert to list, acknowledge and
/// silence.
constexpr const char* kRules = R"(groups:
  - name: docs
    interval: 1s
    rules:
      - alert: DocsExampleAlert
        expr: vector(1)
        labels: {severity: warning, service: session_manager}
        annotations: {summary: "an alert for the docs/api.md examples"}
)";

}  // namespace

TEST_CASE("every curl example of docs/api.md answers as the document says", "[docs]") {
  e2e::require_binary("sim/twikit-sim", "twikit-sim");
  e2e::require_binary("exporter/twikit-exporter", "twikit-exporter");
  e2e::require_binary("alertd/alertd", "alertd");

  // Declared before the processes, so destroyed after them: the directory goes once they have stopped.
  testing::TempDir temp{testing::make_temp_dir("twikit-docs")};
  const std::string& dir = temp.path;
  testing::write_file(dir + "/docs.yml", kRules);
  testing::write_file(dir + "/api_token", std::string(kToken) + "\n");
  testing::Sim sim;
  testing::Exporter exporter(testing::exporter_config_for(sim, "  mode: interval\n  interval: 1s\n"));
  testing::write_file(dir + "/alertd.yaml",
                      "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
                      "scrape_configs:\n  - job_name: twikit\n    static_configs:\n      - targets: ['" +
                          exporter.url().substr(7) + "']\n"
                          "rule_files:\n  - '" + dir + "/docs.yml'\n"
                          "rules:\n  managed_dir: " + dir + "/rules.d\n"
                          "web:\n  api_bearer_token_file: " + dir + "/api_token\n"
                          "receivers:\n  - name: log\n"
                          "route:\n  receiver: log\n  group_by: [alertname]\n"
                          "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n");
  const int port = testing::free_port();
  const std::string alertd_url = "http://127.0.0.1:" + std::to_string(port);
  testing::ChildProcess alertd({testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml",
                                "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                "--storage.path=" + dir + "/data/alertd.db"},
                               {}, dir + "/alertd.log");
  INFO("alertd log: " << dir << "/alertd.log");
  REQUIRE(testing::eventually([&] { return !testing::http_get(alertd_url + "/-/ready").empty(); }, 20s));

  const std::string service_url = "http://127.0.0.1:" + std::to_string(sim.port("session_manager"));
  testing::ChildProcess runner(
      {"/usr/bin/python3", std::string(TWIKIT_SOURCE_DIR) + "/tests/docs/run_api_examples.py",
       std::string(TWIKIT_SOURCE_DIR) + "/docs/api.md"},
      {"ALERTD=" + alertd_url, "EXPORTER=" + exporter.url(), "SIM=" + sim.admin_url(), "SERVICE=" + service_url,
       std::string("TOKEN=") + kToken, "TWIKIT_TIMEOUT_SCALE=" + std::to_string(testing::kTimeoutScale)},
      dir + "/runner.log");
  std::string transcript;
  while (auto line = runner.read_line(120s)) {
    std::cout << *line << std::endl;
    transcript += *line + "\n";
  }
  const auto code = runner.wait(30s);
  REQUIRE(code.has_value());
  INFO("examples:\n" << transcript << "runner stderr: " << dir << "/runner.log");
  CHECK(*code == 0);
  temp.keep = *code != 0;  // kept for a look when the test fails
}
