// storage.history in alertd.yaml: defaults, every key, and file:line:col errors.
#include <catch2/catch.hpp>

#include "alertd/config/config.h"
#include "common/yaml_errors.h"

using twikit::config::load_config_string;

namespace {

twikit::config::AlertdConfig load(const std::string& yaml) {
  twikit::config::LoadOptions options;
  options.allow_empty = true;
  return load_config_string(yaml, "alertd.yaml", "/nonexistent",
                            [](const std::string&) -> std::optional<std::string> { return std::nullopt; }, options);
}

std::string error_of(const std::string& yaml) {
  try {
    load(yaml);
  } catch (const twikit::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("storage.history defaults: on, 30 days raw, 1 year of 5-minute aggregates, beside the state file") {
  const auto cfg = load("storage: {path: /var/lib/alertd/alertd.db}\n");
  const auto& h = cfg.storage.history;
  CHECK(h.enabled);
  CHECK(h.path.empty());
  CHECK(twikit::config::history_path(cfg.storage) == "/var/lib/alertd/history.db");
  CHECK(h.raw_retention_ms == 30LL * 86'400'000);
  CHECK(h.aggregate_retention_ms == 365LL * 86'400'000);
  CHECK(h.aggregate_interval_ms == 300'000);
  CHECK(h.flush_interval_ms == 60'000);
  CHECK(h.max_series == 100'000);
  CHECK(twikit::config::history_path(load("").storage) == "data/history.db");
}

TEST_CASE("every storage.history key is read") {
  const auto cfg = load(
      "storage:\n"
      "  history:\n"
      "    enabled: false\n"
      "    path: /srv/history.db\n"
      "    raw_retention: 7d\n"
      "    aggregate_retention: 90d\n"
      "    aggregate_interval: 1m\n"
      "    flush_interval: 10s\n"
      "    max_series: 500\n");
  const auto& h = cfg.storage.history;
  CHECK_FALSE(h.enabled);
  CHECK(twikit::config::history_path(cfg.storage) == "/srv/history.db");
  CHECK(h.raw_retention_ms == 7LL * 86'400'000);
  CHECK(h.aggregate_retention_ms == 90LL * 86'400'000);
  CHECK(h.aggregate_interval_ms == 60'000);
  CHECK(h.flush_interval_ms == 10'000);
  CHECK(h.max_series == 500);
}

TEST_CASE("storage.history errors name the file, line and column") {
  CHECK(error_of("storage:\n  history:\n    raw_retnetion: 7d\n") ==
        "alertd.yaml:3:5: field raw_retnetion not found in type");
  CHECK(error_of("storage:\n  history:\n    enabled: maybe\n") ==
        "alertd.yaml:3:14: expected true or false, got 'maybe'");
  CHECK(error_of("storage:\n  history:\n    raw_retention: 0s\n") ==
        "alertd.yaml:3:20: duration must be greater than 0");
  CHECK(error_of("storage:\n  history:\n    aggregate_interval: 7m\n") ==
        "alertd.yaml:3:25: aggregate_interval must be whole seconds that divide a day (e.g. 1m, 5m, 1h)");
  CHECK(error_of("storage:\n  history:\n    max_series: -3\n") ==
        "alertd.yaml:3:17: max_series must be greater than 0");
  CHECK(error_of("storage:\n  history:\n    raw_retention: 60d\n    aggregate_retention: 30d\n") ==
        "alertd.yaml:4:26: aggregate_retention must be at least raw_retention");
  CHECK(error_of("storage:\n  history: [1]\n") == "alertd.yaml:2:12: expected a mapping for storage.history");
}

TEST_CASE("the embedded default config keeps the history tier on with its defaults") {
  const auto cfg = load_config_string(twikit::config::default_config_yaml("/nonexistent-rules"), "<default>", "",
                                      [](const std::string&) -> std::optional<std::string> { return std::nullopt; },
                                      {.allow_empty = true, .storage_path = {}});
  CHECK(cfg.storage.history.enabled);
  CHECK(twikit::config::history_path(cfg.storage) == "data/history.db");
}
