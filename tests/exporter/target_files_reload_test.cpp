// A --replicas sim, scripts/sim-targets.py and the exporter's target_files: the file the script writes is
// collected, and a reload picks up a changed file.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include "support/process.h"
#include "support/stack.h"

using namespace twikit::testing;
using namespace std::chrono_literals;

namespace {

// The value of `series` in an exposition, or NaN.
double value_of(const std::string& exposition, const std::string& series) {
  const auto at = ("\n" + exposition).find("\n" + series + " ");
  if (at == std::string::npos) return std::nan("");
  return std::strtod(exposition.c_str() + at + series.size() + 1, nullptr);
}

}  // namespace

TEST_CASE("the exporter collects the targets sim-targets.py writes and a reload reads the changed file",
          "[integration]") {
  const std::string dir = make_temp_dir("twikit-target-files");
  ChildProcess sim({binary_path("sim/twikit-sim"), "--base-port", "0", "--replicas", "2", "--log.level", "warn"});
  const auto ready = sim.read_line(10s);
  REQUIRE(ready);
  write_file(dir + "/ready.json", *ready + "\n");
  const std::string cmd = "python3 " + std::string(TWIKIT_SOURCE_DIR) + "/scripts/sim-targets.py " + dir +
                          "/ready.json > " + dir + "/all.yaml";
  const int rc = std::system(cmd.c_str());
  REQUIRE((WIFEXITED(rc) && WEXITSTATUS(rc) == 0));

  // all.yaml: a comment line, then the twenty instances, replica 0's ten first.
  std::istringstream lines(read_file(dir + "/all.yaml"));
  std::string line;
  std::vector<std::string> targets;
  while (std::getline(lines, line)) {
    if (!line.starts_with("#")) targets.push_back(line);
  }
  REQUIRE(targets.size() == 20);
  CHECK(targets[12].starts_with("- {name: rate_limit-1, url: \"http://127.0.0.1:"));
  CHECK(targets[12].ends_with("/status\", service: rate_limit}"));

  std::filesystem::create_directories(dir + "/targets");
  std::string first_ten;
  for (std::size_t i = 0; i < 10; ++i) first_ten += targets[i] + "\n";
  write_file(dir + "/targets/sim.yaml", first_ten);
  const std::string defaults = read_file(std::string(TWIKIT_SOURCE_DIR) + "/exporter/default_config.yaml");
  Exporter exporter("collection:\n  mode: on_scrape\n  max_concurrent_collections: 20\n"
                    "target_files: [\"" + dir + "/targets/*.yaml\"]\n" +
                    defaults.substr(defaults.find("\ncommon_metrics:") + 1));
  std::string text = http_get(exporter.url() + "/metrics");
  CHECK(value_of(text, "twikit_up{service=\"rate_limit-0\"}") == 1);
  CHECK(std::isnan(value_of(text, "twikit_up{service=\"rate_limit-1\"}")));

  std::filesystem::copy_file(dir + "/all.yaml", dir + "/targets/sim.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(http_send("POST", exporter.url() + "/-/reload", "") == 200);
  text = http_get(exporter.url() + "/metrics");
  CHECK(value_of(text, "twikit_up{service=\"rate_limit-0\"}") == 1);
  CHECK(value_of(text, "twikit_up{service=\"rate_limit-1\"}") == 1);
  CHECK(value_of(text, "twikit_exporter_config_last_reload_successful") == 1);
  std::filesystem::remove_all(dir);
}
