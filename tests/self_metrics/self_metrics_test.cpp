// Every family the three programs serve about themselves, with its HELP and TYPE, against golden lists taken
// from their /metrics before the move to prometheus-cpp: operators' dashboards and the shipped rules use them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "alertd/app/app.h"
#include "common/clock.h"
#include "common/http_client.h"
#include "exporter/app.h"
#include "sim/sim.h"
#include "support/process.h"
#include "support/stack.h"

namespace {

using twikit::testing::http_get;
using twikit::testing::read_file;
using twikit::testing::write_file;

// The sorted "# HELP" and "# TYPE" lines of `exposition` whose family name starts with one of `prefixes`
// (every family when `prefixes` is empty), one per line.
std::string help_and_type_lines(const std::string& exposition, const std::vector<std::string>& prefixes = {}) {
  std::vector<std::string> lines;
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) != 0 && line.rfind("# TYPE ", 0) != 0) continue;
    const std::string name = line.substr(7);
    const bool kept = prefixes.empty() || std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
                        return name.rfind(p, 0) == 0;
                      });
    if (kept) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string golden(const std::string& program) {
  return read_file(std::string(TWIKIT_SOURCE_DIR) + "/tests/self_metrics/golden/" + program + ".txt");
}

}  // namespace

TEST_CASE("twikit-sim, twikit-exporter and alertd serve every family of their own metrics with its HELP and TYPE") {
  const std::string dir = twikit::testing::make_temp_dir("self-metrics");
  twikit::SystemClock clock;
  twikit::sim::SimConfig sim_config;
  sim_config.base_port = 0;
  sim_config.threads = 4;
  twikit::sim::Sim sim(sim_config, clock);
  sim.start();

  // The exporter collects the sim's first service on each scrape, with the shipped metric specs.
  const std::string defaults = read_file(std::string(TWIKIT_SOURCE_DIR) + "/exporter/default_config.yaml");
  const auto& service = *sim.services().front();
  write_file(dir + "/exporter.yaml", "collection:\n  mode: on_scrape\ntargets:\n  - {name: " + service.name() +
                                         ", url: \"http://127.0.0.1:" + std::to_string(service.port()) +
                                         "/status\", timeout: 5s}\n" +
                                         defaults.substr(defaults.find("\ncommon_metrics:") + 1));
  twikit::CurlHttpClient http;
  twikit::exporter::AppOptions exporter_options;
  exporter_options.config_file = dir + "/exporter.yaml";
  exporter_options.listen_address = "127.0.0.1:0";
  twikit::exporter::App exporter(exporter_options, http, clock);
  exporter.start();
  const std::string exporter_url = "http://127.0.0.1:" + std::to_string(exporter.port());

  // alertd with rules, a scrape target, a receiver and the history tier: every part that reports families.
  write_file(dir + "/alertd.yaml", "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                   "scrape_configs: [{job_name: twikit, static_configs: [{targets: ['127.0.0.1:" +
                                       std::to_string(exporter.port()) + "']}]}]\n"
                                       "rule_files: ['" + std::string(TWIKIT_SOURCE_DIR) + "/rules/*.yml']\n"
                                       "storage: {path: " + dir + "/alertd.db, history: {enabled: true}}\n"
                                       "receivers: [{name: hook, webhook_configs: [{url: 'http://127.0.0.1:9/alerts'}]}]\n"
                                       "route: {receiver: hook}\n");
  twikit::app::AppOptions alertd_options;
  alertd_options.config_file = dir + "/alertd.yaml";
  alertd_options.listen_address = "127.0.0.1:0";
  twikit::app::App alertd(alertd_options);
  alertd.start();

  CHECK(help_and_type_lines(http_get("http://127.0.0.1:" + std::to_string(sim.admin_port()) + "/metrics")) ==
        golden("sim"));
  CHECK(help_and_type_lines(http_get(exporter_url + "/metrics"), {"twikit_exporter_", "process_"}) == golden("exporter"));
  CHECK(help_and_type_lines(http_get("http://127.0.0.1:" + std::to_string(alertd.port()) + "/metrics")) ==
        golden("alertd"));

  alertd.stop();
  exporter.stop();
  sim.stop();
}
