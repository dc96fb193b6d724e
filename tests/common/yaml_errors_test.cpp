#include <catch2/catch.hpp>

#include "common/yaml_errors.h"

using namespace twikit;

TEST_CASE("YAML syntax errors carry file:line:col") {
  try {
    load_yaml_string("a: 1\nb: [1, 2\n", "cfg.yml");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).rfind("cfg.yml:", 0) == 0);
    CHECK(std::string(e.what()).find(":3:1:") != std::string::npos);
  }
}

TEST_CASE("unknown keys are reported at their own position") {
  const YAML::Node n = load_yaml_string("good: 1\n  \nbad_key: 2\n", "c.yml");
  CHECK_THROWS_WITH(check_keys("c.yml", n, {"good"}), "c.yml:3:1: field bad_key not found in type");
}

TEST_CASE("a mapping key that is not a scalar is a positioned error, not an escaping conversion error") {
  const YAML::Node n = load_yaml_string("good: 1\n[a, b]: 2\n", "c.yml");
  CHECK_THROWS_WITH(check_keys("c.yml", n, {"good"}), "c.yml:2:1: expected a field name");
}

TEST_CASE("a malformed duration is reported at its value") {
  const YAML::Node n = load_yaml_string("interval: 5 minutes\n", "c.yml");
  CHECK_THROWS_WITH(duration_ms_at("c.yml", n["interval"]), "c.yml:1:11: not a valid duration string: \"5 minutes\"");
}

TEST_CASE("a missing file is a ConfigError naming the file") {
  CHECK_THROWS_AS(load_yaml_file("/nonexistent/x.yml"), ConfigError);
}

TEST_CASE("a key written twice in a mapping is an error at its second occurrence") {
  try {
    twikit::load_yaml_string("global:\n  scrape_interval: 15s\n  scrape_interval: 30s\n", "alertd.yaml");
    FAIL("loaded");
  } catch (const twikit::ConfigError& e) {
    CHECK(std::string(e.what()) == "alertd.yaml:3:3: key \"scrape_interval\" already set in map (first at line 2)");
  }
  try {
    twikit::load_yaml_string("route:\n  routes:\n    - receiver: a\n      receiver: b\n", "am.yml");
    FAIL("loaded");
  } catch (const twikit::ConfigError& e) {
    CHECK(std::string(e.what()) == "am.yml:4:7: key \"receiver\" already set in map (first at line 3)");
  }
  CHECK_NOTHROW(twikit::load_yaml_string("a: {x: 1}\nb: {x: 2}\nbase: &b {k: 1}\nuse: {<<: *b, j: 2}\n", "ok.yml"));
}
