// Alertmanager's own configuration files, as the prometheus-alertmanager package installs them, checked
// with the alertd binary's `check config`.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "support/process.h"

namespace {
/// Runs `alertd check config --config.allow-empty FILE` (Alertmanager's files have no scrape targets).
std::pair<int, std::string> check_config(const std::string& file) {
  const std::string dir = twikit::testing::make_temp_dir("alertd-amcheck");
  std::string out;
  int rc = -1;
  {
    twikit::testing::ChildProcess check({twikit::testing::binary_path("alertd/alertd"), "check", "config", "--config.allow-empty", file},
                       {}, dir + "/check.err");
    while (auto line = check.read_line(std::chrono::seconds(10))) out += *line + "\n";
    rc = check.wait(std::chrono::seconds(10)).value_or(-1);
  }
  return {rc, out + twikit::testing::read_file(dir + "/check.err")};
}
}  // namespace

TEST_CASE("Alertmanager's own config files on this machine load, except for the integrations alertd lacks") {
  const std::string etc = "/etc/prometheus/alertmanager.yml";
  const std::string examples = "/usr/share/doc/prometheus-alertmanager/examples/";
  if (!std::filesystem::exists(etc) || !std::filesystem::exists(examples + "simple.yml")) {
    WARN("skipped: the prometheus-alertmanager package's config files are not installed");
    return;
  }
  // Both use `templates:` and PagerDuty, which alertd does not have: the error names it at its line.
  for (const std::string& file : {etc, examples + "simple.yml"}) {
    const auto [rc, out] = check_config(file);
    CHECK(rc == 1);
    CHECK_THAT(out, Catch::Contains(file + ":") &&
                        Catch::Contains(": receiver integration pagerduty_configs is not supported by alertd"));
    CHECK_THAT(out, !Catch::Contains("unknown field \"templates\""));
    // Without the PagerDuty integrations everything else in them loads.
    YAML::Node doc = YAML::LoadFile(file);
    for (auto receiver : doc["receivers"]) receiver.remove("pagerduty_configs");
    const std::string copy = twikit::testing::make_temp_dir("alertd-amcopy") + "/alertmanager.yml";
    YAML::Emitter emitter;
    emitter << doc;
    twikit::testing::write_file(copy, emitter.c_str());
    const auto [copy_rc, copy_out] = check_config(copy);
    CHECK(copy_rc == 0);
    CHECK_THAT(copy_out, Catch::Contains(" SUCCESS: " + copy + " is valid alertd config file syntax"));
  }
  const auto [rc, out] = check_config(examples + "ha/alertmanager.yml");
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains(" SUCCESS: " + examples + "ha/alertmanager.yml is valid alertd config file syntax"));
}
