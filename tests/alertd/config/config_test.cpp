#include <catch2/catch.hpp>

#include <filesystem>

#include "alertd/config/config.h"
#include "common/yaml_errors.h"
#include "support/process.h"

using twikit::config::load_config_string;

namespace {

twikit::notify::EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

twikit::config::LoadOptions allow_empty() {
  twikit::config::LoadOptions options;
  options.allow_empty = true;
  return options;
}

// Most cases below check one section alone, so they allow a config without targets and rule files.
twikit::config::AlertdConfig load(const std::string& yaml, const std::string& base_dir = "/nonexistent",
                                  const twikit::config::LoadOptions& options = allow_empty()) {
  return load_config_string(yaml, "alertd.yaml", base_dir, no_env(), options);
}

std::string error_of(const std::string& yaml, const std::string& base_dir = "/nonexistent",
                     const twikit::config::LoadOptions& options = allow_empty()) {
  try {
    load(yaml, base_dir, options);
  } catch (const twikit::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kNothingToDo =
    "no scrape targets and no rule files: alertd would have nothing to do (an empty or truncated file?); "
    "add scrape_configs or rule_files, or start with --config.allow-empty";

const char* kReceiver = "receivers:\n  - name: log\n    system_log_configs: [{}]\nroute:\n  receiver: log\n";

}  // namespace

TEST_CASE("a config loads with Prometheus' defaults filled in") {
  const auto dir = twikit::testing::make_temp_dir("alertd-config");
  std::filesystem::create_directories(dir + "/rules");
  twikit::testing::write_file(dir + "/rules/b.yml", "groups: []\n");
  twikit::testing::write_file(dir + "/rules/a.yml", "groups: []\n");
  const auto cfg = load(std::string("global:\n"
                                    "  scrape_interval: 15s\n"
                                    "  evaluation_interval: 30s\n"
                                    "  external_labels: {cluster: eu1}\n"
                                    "  external_url: http://alertd.example:9878\n"
                                    "scrape_configs:\n"
                                    "  - job_name: twikit\n"
                                    "    static_configs:\n"
                                    "      - targets: ['127.0.0.1:9877', 'exporter-2:9877']\n"
                                    "        labels: {shard: a}\n"
                                    "  - job_name: slow\n"
                                    "    scrape_interval: 5s\n"
                                    "    metrics_path: /probe\n"
                                    "    scheme: https\n"
                                    "    static_configs: [{targets: ['h:1']}]\n"
                                    "rule_files: ['rules/*.yml']\n"
                                    "storage: {path: /var/lib/alertd/state.db, retention: 2h}\n"
                                    "web: {listen_address: '127.0.0.1:19878'}\n") + kReceiver,
                        dir);
  CHECK(cfg.global.scrape_interval_ms == 15'000);
  CHECK(cfg.global.scrape_timeout_ms == 10'000);
  CHECK(cfg.global.evaluation_interval_ms == 30'000);
  CHECK(cfg.global.external_labels == twikit::Labels{{"cluster", "eu1"}});
  CHECK(cfg.notification.external_url == "http://alertd.example:9878");
  REQUIRE(cfg.scrape_configs.size() == 2);
  CHECK(cfg.scrape_configs[0].scrape_interval_ms == 15'000);
  CHECK(cfg.scrape_configs[1].scrape_interval_ms == 5'000);
  CHECK(cfg.scrape_configs[1].scrape_timeout_ms == 5'000);  // the timeout never exceeds the interval
  CHECK(cfg.rule_files == std::vector<std::string>{dir + "/rules/a.yml", dir + "/rules/b.yml"});
  CHECK(cfg.storage.path == "/var/lib/alertd/state.db");
  CHECK(cfg.storage.retention_ms == 7'200'000);
  CHECK(cfg.web.listen_address == "127.0.0.1:19878");

  const auto targets = twikit::config::scrape_targets(cfg);
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].url == "http://127.0.0.1:9877/metrics");
  CHECK(targets[0].labels == twikit::Labels{{"instance", "127.0.0.1:9877"}, {"job", "twikit"}, {"shard", "a"}});
  CHECK(targets[2].url == "https://h:1/probe");
  CHECK(targets[2].timeout_ms == 5'000);
  std::filesystem::remove_all(dir);
}

TEST_CASE("config errors name the file, line and column") {
  CHECK(error_of("global:\n  scrape_intervall: 15s\n") == "alertd.yaml:2:3: unknown field \"scrape_intervall\" in global");
  CHECK(error_of("scrape_config: []\n") == "alertd.yaml:1:1: unknown field \"scrape_config\"");
  CHECK_THAT(error_of("global:\n  scrape_interval: 15 s\n"), Catch::StartsWith("alertd.yaml:2:20: "));
  CHECK(error_of("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n") ==
        "alertd.yaml:3:19: global scrape timeout greater than scrape interval");
  CHECK(error_of("scrape_configs:\n  - job_name: a\n  - job_name: a\n") ==
        "alertd.yaml:3:15: found multiple scrape configs with job name \"a\"");
  CHECK(error_of("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n") ==
        "alertd.yaml:4:21: scrape timeout greater than scrape interval for scrape config with job name \"a\"");
  CHECK(error_of("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['http://x:1/metrics']\n") ==
        "alertd.yaml:4:19: invalid target address \"http://x:1/metrics\": expected host:port");
  CHECK(error_of("global:\n  external_labels:\n    0bad: x\n") == "alertd.yaml:3:5: invalid label name \"0bad\"");
  CHECK(error_of("rule_files: ['missing.yml']\n", "/tmp") ==
        "alertd.yaml:1:14: rule file \"/tmp/missing.yml\" does not exist");
  CHECK(error_of("web: {listen_address: 'nope'}\n").rfind("alertd.yaml:1:23: invalid listen_address", 0) == 0);
  CHECK(error_of("scrape_configs:\n  - job_name: a\n    scheme: ftp\n") ==
        "alertd.yaml:3:13: scheme must be http or https, got \"ftp\"");
  CHECK(error_of("global: [1]\n") == "alertd.yaml:1:9: expected a mapping for global");
  CHECK_THAT(error_of("scrape_configs: [\n"), Catch::StartsWith("alertd.yaml:"));
}

TEST_CASE("errors in the notification sections carry positions too") {
  const auto err = error_of("route:\n  receiver: nobody\n");
  CHECK_THAT(err, Catch::StartsWith("alertd.yaml:2:"));
  CHECK_THAT(err, Catch::Contains("nobody"));
}

TEST_CASE("the embedded default config is valid and scrapes the local exporter") {
  const auto dir = twikit::testing::make_temp_dir("alertd-default");
  const auto cfg = load_config_string(twikit::config::default_config_yaml(dir), "<default>", "", no_env());
  const auto targets = twikit::config::scrape_targets(cfg);
  REQUIRE(targets.size() == 1);
  CHECK(targets[0].url == "http://127.0.0.1:9877/metrics");
  CHECK(targets[0].interval_ms == 15'000);
  CHECK(cfg.global.evaluation_interval_ms == 15'000);
  CHECK(cfg.web.listen_address == "0.0.0.0:9878");
  REQUIRE(cfg.notification.find_receiver("system-log"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("the shipped rule files are found in the source tree in development builds") {
  CHECK(std::filesystem::path(twikit::config::shipped_rules_dir()).filename() == "rules");
}

TEST_CASE("a config with no scrape targets and no rule files is refused, pointing at what is missing") {
  const twikit::config::LoadOptions strict;
  CHECK(error_of("", "/nonexistent", strict) == "alertd.yaml:1:1: " + kNothingToDo);
  CHECK(error_of("# just a comment\n\n", "/nonexistent", strict) == "alertd.yaml:1:1: " + kNothingToDo);
  CHECK(error_of("global:\n  scrape_interval: 15s\n", "/nonexistent", strict) == "alertd.yaml:1:1: " + kNothingToDo);
  CHECK(error_of(std::string("global: {}\n") + kReceiver, "/nonexistent", strict) == "alertd.yaml:1:1: " + kNothingToDo);
  CHECK(error_of("global: {}\nscrape_configs: []\n", "/nonexistent", strict) == "alertd.yaml:2:17: " + kNothingToDo);
  CHECK(error_of("scrape_configs:\n  - job_name: a\n", "/nonexistent", strict) == "alertd.yaml:2:3: " + kNothingToDo);
  // A glob that matches nothing is no rule file.
  CHECK(error_of("rule_files: ['rules/*.yml']\n", "/nonexistent", strict) == "alertd.yaml:1:13: " + kNothingToDo);
  // One target, or one rule file, is enough.
  CHECK(error_of("scrape_configs: [{job_name: a, static_configs: [{targets: ['h:1']}]}]\n", "/nonexistent", strict) ==
        "no error");
  const auto dir = twikit::testing::make_temp_dir("alertd-config-rules");
  twikit::testing::write_file(dir + "/r.yml", "groups: []\n");
  CHECK(error_of("rule_files: [r.yml]\n", dir, strict) == "no error");
  std::filesystem::remove_all(dir);
}

TEST_CASE("two different API token files are an error that quotes neither token") {
  const auto dir = twikit::testing::make_temp_dir("alertd-config-tokens");
  twikit::testing::write_file(dir + "/a", "s3cr3t-web-token\n");
  twikit::testing::write_file(dir + "/b", "s3cr3t-global-token\n");
  twikit::testing::write_file(dir + "/bad", "two words\n");
  CHECK(error_of("web: {api_bearer_token_file: " + dir + "/a}\nglobal: {api_bearer_token_file: " + dir + "/b}\n") ==
        "alertd.yaml:2:33: web.api_bearer_token_file and global.api_bearer_token_file hold different tokens; set one "
        "of them");
  CHECK(error_of("web: {api_bearer_token_file: " + dir + "/bad}\n") ==
        "alertd.yaml:1:30: invalid token in api_bearer_token_file: it contains whitespace or control characters");
  const auto same = load("web: {api_bearer_token_file: " + dir + "/a}\nglobal: {api_bearer_token_file: " + dir + "/a}\n");
  CHECK(same.web.api_bearer_token == "s3cr3t-web-token");
  CHECK(same.notification.api_bearer_token == "s3cr3t-web-token");
  std::filesystem::remove_all(dir);
}

TEST_CASE("an empty config file with allow_empty is the all-defaults config") {
  const auto cfg = load("");
  CHECK(cfg.scrape_configs.empty());
  CHECK(cfg.global.scrape_interval_ms == 60'000);
  CHECK(cfg.storage.retention_ms == 3'600'000);
}

TEST_CASE("web.max_live_clients defaults to 1000, takes a positive number and names the place of a bad one") {
  CHECK(load("").web.max_live_clients == 1000);
  CHECK(load("web: {max_live_clients: 2}\n").web.max_live_clients == 2);
  CHECK(error_of("web:\n  max_live_clients: 0\n") == "alertd.yaml:2:21: max_live_clients must be greater than 0");
  CHECK(error_of("web:\n  max_live_clients: -5\n") == "alertd.yaml:2:21: max_live_clients must be greater than 0");
  CHECK(error_of("web:\n  max_live_clients: lots\n") == "alertd.yaml:2:21: expected a number of clients, got 'lots'");
}
