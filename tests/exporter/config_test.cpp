#include <catch2/catch.hpp>

#include <set>

#include "common/yaml_errors.h"
#include "exporter/config.h"
#include "support/seed_metrics.h"

using namespace twikit;
using namespace twikit::exporter;

TEST_CASE("the embedded default configuration is valid and collects the ten services") {
  const ExporterConfig cfg = load_config_string(default_config_text(), "default");
  CHECK(cfg.targets.size() == 10);
  CHECK(cfg.listen_address == "0.0.0.0:9877");
  CHECK(cfg.collection.mode == CollectionMode::interval);
  CHECK(cfg.collection.interval_ms == 30'000);
  CHECK(cfg.collection.max_concurrent_collections == 10);
  CHECK(cfg.collection.max_body_bytes == 4u * 1024 * 1024);
}

TEST_CASE("the default configuration maps every metric of the design's table") {
  const ExporterConfig cfg = load_config_string(default_config_text(), "default");
  std::set<std::string> names;
  for (const auto& m : cfg.common_metrics) names.insert(m.name);
  for (const auto& [service, metrics] : cfg.services) {
    for (const auto& m : metrics) names.insert(m.name);
  }
  for (const char* required : twikit::testing::kServiceMetrics) {
    INFO(required);
    CHECK(names.count(required) == 1);
  }
}

namespace {
std::string error_of(const std::string& yaml) {
  try {
    load_config_string(yaml, "exporter.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("configuration errors name the file, line and column") {
  CHECK(error_of("collection:\n  mode: sometimes\n") ==
        "exporter.yml:2:9: mode must be interval or on_scrape, got 'sometimes'");
  CHECK(error_of("collection:\n  interval: soon\n") == "exporter.yml:2:13: not a valid duration string: \"soon\"");
  CHECK(error_of("targets:\n  - name: a\n    url: ftp://x\nservices: {a: []}\n") ==
        "exporter.yml:3:10: url must start with http:// or https://");
  CHECK(error_of("services:\n  a:\n    - name: bad-name\n      path: x\n") ==
        "exporter.yml:3:13: invalid metric name 'bad-name'");
  CHECK(error_of("services:\n  a:\n    - {name: x_count, type: counter, path: x}\n") ==
        "exporter.yml:3:14: counter 'x_count' must end in _total");
  CHECK(error_of("targets:\n  - {name: a, url: 'http://x/status'}\n") ==
        "exporter.yml:2:12: no mapping for service 'a' under 'services'");
  CHECK(error_of("colection: {}\n") ==
        "exporter.yml:1:1: field colection not found in the top level "
        "(allowed: web, collection, targets, target_files, common_metrics, services)");
}

TEST_CASE("an unknown field is reported with the section it is in and the fields that section takes") {
  CHECK(error_of("collection:\n  intervall: 15s\n") ==
        "exporter.yml:2:3: field intervall not found in collection "
        "(allowed: mode, interval, max_concurrent_collections, scrape_timeout_offset, max_body_bytes)");
  CHECK(error_of("web:\n  listen: ':1'\n") == "exporter.yml:2:3: field listen not found in web (allowed: listen_address)");
  CHECK(error_of("services: {a: []}\ntargets:\n  - {name: a, url: 'http://x/'}\n  - {name: b, uri: 'http://y/'}\n") ==
        "exporter.yml:4:15: field uri not found in targets[1] (allowed: name, url, service, timeout, headers)");
  CHECK(error_of("services:\n  session_manager:\n    - {name: a, path: x}\n    - {name: b, path: y, lables: {}}\n") ==
        "exporter.yml:4:26: field lables not found in services.session_manager[1] "
        "(allowed: name, help, type, path, each, labels, scale, value_map, state_set, value)");
  CHECK(error_of("common_metrics:\n  - {name: r, path: x, state_set: {label: l, states: [a], default: a}}\n") ==
        "exporter.yml:2:59: field default not found in common_metrics[0].state_set (allowed: label, states)");
  CHECK(error_of("targets: [\n") .rfind("exporter.yml:2:", 0) == 0);
}

TEST_CASE("a state set cannot label its states 'service', which names the target") {
  CHECK(error_of("common_metrics:\n  - {name: r, path: x, state_set: {label: service, states: [a]}}\n") ==
        "exporter.yml:2:43: label 'service' is set by the exporter");
}

TEST_CASE("duplicate target names are rejected") {
  CHECK(error_of("services: {a: []}\ntargets:\n  - {name: a, url: 'http://x/'}\n  - {name: a, url: 'http://y/'}\n") ==
        "exporter.yml:4:12: duplicate target name 'a'");
}

namespace {
std::string error_of(const std::string& yaml, const ConfigLoadOptions& options) {
  try {
    load_config_string(yaml, "exporter.yml", options);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a configuration without targets is refused with its position unless empty ones are allowed") {
  const std::string hint = " (pass --config.allow-empty to run without targets)";
  CHECK(error_of("") == "exporter.yml:1:1: the configuration is empty: no targets to collect from" + hint);
  CHECK(error_of("# only a comment\n\n") ==
        "exporter.yml:1:1: the configuration is empty: no targets to collect from" + hint);
  CHECK(error_of("{}\n") == "exporter.yml:1:1: the configuration is empty: no targets to collect from" + hint);
  CHECK(error_of("collection:\n  mode: on_scrape\n") == "exporter.yml:1:1: no targets: 'targets' is missing" + hint);
  CHECK(error_of("services: {a: []}\ntargets: []\n") == "exporter.yml:2:10: no targets: 'targets' is empty" + hint);
  CHECK(error_of("services: {a: []}\ntargets:\n") == "exporter.yml:2:1: no targets: 'targets' is empty" + hint);
  for (const char* yaml : {"", "# only a comment\n", "services: {a: []}\ntargets: []\n", "collection: {mode: on_scrape}\n"}) {
    INFO(yaml);
    CHECK(error_of(yaml, ConfigLoadOptions{true}) == "no error");
    CHECK(load_config_string(yaml, "exporter.yml", ConfigLoadOptions{true}).targets.empty());
  }
}
