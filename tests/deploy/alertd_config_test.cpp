// deploy/alertd.yaml, the example every option is documented in, loads with alertd's own config loader.
#include <catch2/catch.hpp>

#include "alertd/config/config.h"
#include "support/process.h"

using twikit::testing::read_file;

TEST_CASE("the example alertd.yaml loads with alertd's loader and says what it documents", "[deploy]") {
  std::string text = read_file(std::string(TWIKIT_SOURCE_DIR) + "/deploy/alertd.yaml");
  // The shipped rules are installed to /etc/twikit-monitor/rules; here they are in the source tree.
  const std::string installed = "/etc/twikit-monitor/rules";
  REQUIRE(text.find(installed) != std::string::npos);
  text.replace(text.find(installed), installed.size(), std::string(TWIKIT_SOURCE_DIR) + "/rules");
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };

  const auto cfg = twikit::config::load_config_string(text, "deploy/alertd.yaml", TWIKIT_SOURCE_DIR, no_env);

  CHECK(cfg.global.evaluation_interval_ms == 15'000);
  REQUIRE(cfg.scrape_configs.size() == 1);
  CHECK(cfg.scrape_configs[0].job_name == "twikit");  // the job name deploy/prometheus/prometheus.yml uses
  CHECK(cfg.rule_files.size() >= 1);
  CHECK(cfg.storage.path == "/var/lib/alertd/alertd.db");
  CHECK(cfg.web.listen_address == "0.0.0.0:9878");
  CHECK(cfg.notification.route.receiver == "system-log");
  CHECK(cfg.notification.route.routes.size() == 3);  // channels (rules written over the API), critical, the rest
  CHECK(cfg.notification.inhibit_rules.size() == 2);
  CHECK(cfg.notification.escalation_policies.count("critical-oncall") == 1);
  for (const char* receiver : {"system-log", "ops-webhook", "ops-email", "alertmanager"}) {
    INFO(receiver);
    CHECK(cfg.notification.find_receiver(receiver) != nullptr);
  }
}
