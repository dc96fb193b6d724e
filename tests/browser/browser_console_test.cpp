// The web console end to end in a real browser: starts twikit-sim, twikit-exporter and alertd (with an API
// token, the shipped rules with `for: 1s`, 1 s intervals) on loopback, then runs console_browser.py, which
// drives Debian's headless chromium over the DevTools protocol through the pages and checks what they store.
// Skipped (exit 77, with the reason) only when chromium, python3-websockets or a program is missing.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

#include "e2e_stack.h"
#include "support/process.h"
#include "support/stack.h"

using namespace std::chrono_literals;
using namespace twikit;

namespace {

/// The browser: $TWIKIT_CHROMIUM, else Debian's /usr/bin/chromium.
std::string chromium_path() {
  const char* env = std::getenv("TWIKIT_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

/// 32 random hex digits: the API token of this run.
std::string random_token() {
  std::random_device rd;
  std::string out;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) out += hex[rd() % 16];
  return out;
}

}  // namespace

TEST_CASE("the console shows the stack live, acknowledges, silences and creates rules in a real browser", "[browser]") {
  const std::string chromium = chromium_path();
  if (::access(chromium.c_str(), X_OK) != 0) {
    std::cout << "SKIPPED: chromium is not installed (" << chromium << "); scripts/setup.sh installs it." << std::endl;
    std::exit(e2e::kSkipExitCode);
  }
  e2e::require_binary("sim/twikit-sim", "twikit-sim");
  e2e::require_binary("exporter/twikit-exporter", "twikit-exporter");
  e2e::require_binary("alertd/alertd", "alertd");

  // Declared before the processes, so destroyed after them: the directory goes once they have stopped.
  testing::TempDir temp{testing::make_temp_dir("twikit-browser")};
  const std::string& dir = temp.path;
  const std::string rules_dir = dir + "/rules";
  std::filesystem::create_directories(rules_dir);
  REQUIRE(e2e::copy_rules(rules_dir, "1s") > 0);
  testing::WebhookReceiver webhook;
  testing::Sim sim;
  testing::Exporter exporter(
      testing::exporter_config_for(sim, "  mode: interval\n  interval: 1s\n  max_concurrent_collections: 10\n"));
  const std::string token = random_token();
  testing::write_file(dir + "/api_token", token + "\n");
  testing::write_file(dir + "/alertd.yaml",
                      "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
                      "scrape_configs:\n  - job_name: twikit\n    static_configs:\n      - targets: ['" +
                          exporter.url().substr(7) + "']\n"
                          "rule_files:\n  - '" + rules_dir + "/*.yml'\n"
                          "web:\n  api_bearer_token_file: " + dir + "/api_token\n"
                          "receivers:\n  - name: test-webhook\n    webhook_configs:\n      - url: " + webhook.url("/alerts") + "\n"
                          "route:\n  receiver: test-webhook\n  group_by: [alertname, service]\n"
                          "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n");
  const int port = testing::free_port();
  const std::string alertd_url = "http://127.0.0.1:" + std::to_string(port);
  testing::ChildProcess alertd({testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml",
                                "--web.listen-address=127.0.0.1:" + std::to_string(port), "--storage.path=" + dir + "/data/alertd.db"},
                               {}, dir + "/alertd.log");
  INFO("alertd log: " << dir << "/alertd.log");
  REQUIRE(testing::eventually([&] { return !testing::http_get(alertd_url + "/-/ready").empty(); }, 20s));

  // The browser side; its progress lines are echoed as they come, its screenshots land in the build tree.
  const std::string out = std::string(TWIKIT_BINARY_DIR) + "/tests/browser/screenshots";
  testing::ChildProcess driver({"/usr/bin/python3", std::string(TWIKIT_SOURCE_DIR) + "/tests/browser/console_browser.py",
                                "--alertd", alertd_url, "--sim", sim.admin_url(), "--token", token, "--out", out,
                                "--chromium", chromium, "--scale", std::to_string(testing::kTimeoutScale)},
                               {}, dir + "/driver.log");
  std::string transcript;
  while (auto line = driver.read_line(150s)) {
    std::cout << *line << std::endl;
    transcript += *line + "\n";
  }
  const auto code = driver.wait(30s);
  REQUIRE(code.has_value());
  if (*code == e2e::kSkipExitCode) {
    std::cout << "SKIPPED: " << transcript << std::endl;
    std::exit(e2e::kSkipExitCode);
  }
  INFO("driver output:\n" << transcript << "driver stderr: " << dir << "/driver.log");
  CHECK(*code == 0);
  temp.keep = *code != 0;  // kept for a look when the test fails
}
